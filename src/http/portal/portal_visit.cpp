#include "http/portal/portal_visit.h"

#include <algorithm>

#include "app/accounts.h"
#include "app/invoices.h"

namespace remit::http::portal {
namespace json = boost::json;

namespace {
render::Lang lang_of_visit(Call& c, const app::Account* acct) {
  if (auto* q = query_param(c.query, "lang")) return render::lang_of(*q);
  std::string lang = cookie(c.req, "__Host-remit_lang");
  if (!lang.empty()) return render::lang_of(lang);
  return acct ? render::lang_of(acct->language) : render::Lang::En;
}
}  // namespace

Response not_found_page(Call& c) {
  Page p{"", "Remit", "", lang_of_visit(c, nullptr)};
  json::object d{{"message", render::phrase("portal_not_found", p.lang)}};
  p.title = std::string(render::phrase("portal_not_found_title", p.lang));
  return html(404, render_page(p, "portal_message.html", d));
}

std::optional<Visit> visit(Call& c) {
  auto tenant = app::tenant_by_portal_slug(*c.db, c.param("slug"));
  if (!tenant) return std::nullopt;
  Visit v{app::make_ctx(*c.db, c.svc.clock, *tenant, "portal", c.req.client_ip), {}, {}, {}, {}};
  v.session = app::find_session(v.ctx, cookie(c.req, kSessionCookie));
  std::optional<app::Account> acct;
  if (v.session) {
    acct = app::get_account(v.ctx, v.session->user.account_id);
    v.ctx.actor = "portal:" + v.session->user.email;
  }
  v.page.provider = v.ctx.tenant.name;
  v.page.brand_color = v.ctx.tenant.brand_color;
  v.page.slug = c.param("slug");
  v.page.lang = lang_of_visit(c, acct ? &*acct : nullptr);
  if (auto* q = query_param(c.query, "lang")) v.set_lang = *q == "zh-CN" ? "zh-CN" : "en";
  if (v.session) {
    v.page.user_email = v.session->user.email;
    v.page.csrf = v.session->csrf;
    v.page.owner = v.session->user.is_owner();
  }
  return v;
}

std::optional<Response> refuse_form(Call& c, Visit& v, const QueryParams& form, bool allowed) {
  bool posted = same_origin(c.req) && v.session && equal_tokens(field(form, "csrf"), v.session->csrf);
  if (posted && allowed) return std::nullopt;
  v.page.title = std::string(render::phrase("portal_form_refused_title", v.page.lang));
  json::object d{{"message", render::phrase(posted ? "portal_role_refused" : "portal_form_refused", v.page.lang)}};
  return finish(v, html(403, render_page(v.page, "portal_message.html", d)));
}

Response finish(Visit& v, Response r) {
  if (v.set_lang) r.headers.emplace_back("Set-Cookie", set_cookie("__Host-remit_lang", *v.set_lang));
  return r;
}

std::string safe_next(const Visit& v, const std::string& next) {
  std::string b = base(v) + "/";
  bool plain = std::all_of(next.begin(), next.end(), [](char c) { return c > 0x20 && c < 0x7F; });
  if (plain && next.starts_with(b) && next.find("//", 1) == std::string::npos &&
      next.find('\\') == std::string::npos && next.find("/..") == std::string::npos)
    return next;
  return b;
}

std::vector<app::Account> visible_accounts(Visit& v) {
  std::vector<app::Account> out{app::get_account(v.ctx, v.session->user.account_id)};
  store::Query q(v.ctx.db, "SELECT id FROM accounts WHERE tenant_id = ? AND parent_id = ? ORDER BY id",
                 v.ctx.tenant.id, out[0].id);
  std::vector<int64_t> children;
  while (q.next()) children.push_back(q.i64(0));
  for (int64_t id : children) out.push_back(app::get_account(v.ctx, id));
  return out;
}

std::optional<app::Invoice> visible_invoice(Visit& v, int64_t id) {
  std::optional<app::Invoice> inv;
  try {
    inv = app::get_invoice(v.ctx, id);
  } catch (const Error& e) {
    if (e.code != Code::NotFound) throw;
    return std::nullopt;
  }
  if (inv->status == "draft") return std::nullopt;
  for (auto& a : visible_accounts(v))
    if (a.id == inv->account_id) return inv;
  return std::nullopt;
}

int64_t id_param(Call& c, std::string_view name) {
  const std::string& s = c.param(name);
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoll(s);
}

void note_use(Call& c, Visit& v, std::optional<store::Tx>& tx, bool& write) {
  if (!v.session || !v.session->stale) return;
  int64_t id = v.session->id, tenant = v.ctx.tenant.id;
  if (!write) {
    tx.reset();
    tx.emplace(*c.db, true);
    write = true;
  }
  app::Ctx ctx = app::make_ctx(*c.db, c.svc.clock, tenant, "portal", c.req.client_ip);
  app::note_session_use(ctx, id);
}

}  // namespace remit::http::portal
