// The hosted invoice page of View & Pay (C6): GET /view/{token} shows the one invoice a
// signed link names, and /view/{token}/pdf downloads it, without signing in. The token is
// the only credential (app/view_links.h), so responses are never cached, never indexed and
// never sent on as a Referer. Paying from this page arrives with the customer portal.
#include <fmt/format.h>

#include <variant>

#include "app/accounts.h"
#include "app/invoices.h"
#include "app/view_links.h"
#include "http/handler_util.h"
#include "notify/email.h"
#include "render/invoice_pdf.h"

namespace remit::http {
namespace {

void harden(Response& r) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                         "form-action 'self'; frame-ancestors 'none'");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Robots-Tag", "noindex");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
}

Response page(int status, const std::string& html) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = html;
  harden(r);
  return r;
}

Response message(int status, std::string_view key) {
  auto d = notify::catalog(render::Lang::En);
  d["message"] = render::phrase(key, render::Lang::En);
  return page(status, notify::render_template("view_message.html", json::serialize(d)));
}

struct Loaded {
  app::Tenant tenant;
  app::Account account;
  app::Invoice invoice;
};

// The invoice the token names, or a page saying why not (one answer for anything not
// signed: no hint whether a tenant or invoice exists).
std::variant<Loaded, Response> load(Call& c) {
  store::Db& db = *c.db;
  store::Tx tx(db, false);
  auto v = app::verify_view_token(db, c.svc.clock, c.param("token"));
  if (!v) return message(404, "page_link_invalid");
  if (v->expired) return message(410, "page_link_expired");
  app::Ctx ctx = app::make_ctx(db, c.svc.clock, v->tenant_id, "view_link", c.req.client_ip);
  app::Invoice inv = app::get_invoice(ctx, v->invoice_id);
  if (inv.status == "draft") return message(404, "page_link_invalid");
  app::Account acct = app::get_account(ctx, inv.account_id);
  return Loaded{ctx.tenant, std::move(acct), std::move(inv)};
}

Response view(Call& c) {
  auto l = load(c);
  if (auto* r = std::get_if<Response>(&l)) return *r;
  auto& [tenant, acct, inv] = std::get<Loaded>(l);
  render::Lang lang = render::lang_of(acct.language);
  auto money = [&](Minor m) { return render::format_money(m, tenant.currency, lang); };
  auto d = notify::catalog(lang);
  d["title"] = fmt::format(fmt::runtime(render::phrase("page_invoice_title", lang)),
                           fmt::arg("number", inv.number_text()));
  d["provider"] = tenant.name;
  d["remit_to"] = tenant.remit_to;
  d["badge"] = render::status_badge(inv.status, lang) +
               (tenant.test_mode ? std::string(" ") + std::string(render::labels(lang).test_mode) : "");
  d["account_number"] = acct.number;
  d["issue_date"] = render::format_date(inv.issue_date, lang);
  d["due_date"] = render::format_date(inv.due_date, lang);
  if (inv.cycle_start && inv.cycle_end)
    d["period"] = render::format_period(*inv.cycle_start, *inv.cycle_end, lang);
  json::array lines;
  for (auto& line : inv.lines)
    lines.push_back(json::object{{"description", line.description},
                                 {"period", render::format_period(line.period_start, line.period_end, lang)},
                                 {"amount", money(line.amount)}});
  d["lines"] = std::move(lines);
  d["subtotal"] = money(inv.subtotal);
  if (inv.credit_applied) d["credit_applied"] = money(-inv.credit_applied);
  if (inv.amount_credited) d["credited"] = money(-inv.amount_credited);
  if (inv.amount_paid) d["paid"] = money(-inv.amount_paid);
  d["amount_due"] = money(inv.amount_due);
  d["pdf_url"] = "/view/" + c.param("token") + "/pdf";
  return page(200, notify::render_template("view_invoice.html", json::serialize(d)));
}

Response view_pdf(Call& c) {
  auto l = load(c);
  if (auto* r = std::get_if<Response>(&l)) return *r;
  auto& [tenant, acct, inv] = std::get<Loaded>(l);
  Response r;
  r.content_type = "application/pdf";
  r.body = render::render_invoice_pdf(tenant, acct, inv);
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"" + inv.number_text() + ".pdf\"");
  harden(r);
  return r;
}

}  // namespace

void add_view_routes(std::vector<Route>& t) {
  t.push_back({.method = "GET", .pattern = "/view/{token}", .access = Access::Open,
               .handler = view,
               .summary = "The hosted invoice page of a signed View & Pay link (HTML)",
               .content_type = "text/html"});
  t.push_back({.method = "GET", .pattern = "/view/{token}/pdf", .access = Access::Open,
               .handler = view_pdf, .summary = "The PDF of a signed View & Pay link's invoice",
               .content_type = "application/pdf"});
}

}  // namespace remit::http
