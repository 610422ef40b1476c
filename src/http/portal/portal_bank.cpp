// Bank accounts in the portal (D2): "Add a bank account" takes the holder's name, the account
// type, the routing and account numbers and the debit authorization (its text shown, accepted
// by a checkbox, recorded as the API records it: channel online, the client's address). The
// numbers go straight to the processor (tokenize_bank, as its tokenizing endpoint does): Remit
// keeps the token, the routing number and the last 4, never shows the number again and never
// logs the form. The account is saved pending verification and its two micro-deposits are
// sent (app::add_payment_method); "Verify" takes the two amounts in cents with the policy's
// tries (app::verify_micro_deposits): a wrong pair uses a try, the right one makes it usable.
#include <fmt/format.h>

#include "app/payment_methods.h"
#include "app/processor.h"
#include "core/text.h"
#include "http/portal/portal_methods.h"

namespace remit::http {
namespace {
using namespace portal;  // NOLINT: the portal's own helpers

// What the add form shows again after an error (never the account number).
struct BankForm {
  std::string holder, type = "checking", routing;
  std::string error = {}, error_field = {};  // error_field: holder | type | routing | account | agree
};

std::string mandate_text(const Visit& v) {
  return fill_phrase("portal_bank_mandate", v.page.lang, {{"provider", v.ctx.tenant.name}});
}

Response bank_page(Visit& v, const BankForm& f) {
  json::object d{{"holder", f.holder}, {"routing", f.routing}, {"mandate", mandate_text(v)},
                 {"checking", f.type != "savings"}, {"savings", f.type == "savings"},
                 {"test_mode", v.ctx.tenant.test_mode}};
  if (!f.error.empty()) {
    d["error"] = f.error;
    d["error_" + f.error_field] = true;
  }
  v.page.title = std::string(render::phrase("portal_bank_add", v.page.lang));
  return html(f.error.empty() ? 200 : 400, render_page(v.page, "portal_bank.html", d));
}

Response bank_get(Call& c) {
  return signed_in(c, false, [&](Visit& v) {
    if (!v.session->user.can_pay()) return redirect(methods_path(v));
    return bank_page(v, {});
  });
}

std::string digits_of(std::string s) {
  std::erase_if(s, [](char ch) { return ch == ' ' || ch == '-'; });
  return s;
}

// Saved outside any transaction (the processor is called), then the list says what follows.
Response bank_post(Call& c) {
  auto form = parse_form(c.req);
  Response answer;
  auto v = methods_post(c, form, answer);
  if (!v) return answer;
  render::Lang lang = v->page.lang;
  BankForm f{field(form, "holder_name"), field(form, "account_type"), digits_of(field(form, "routing_number"))};
  std::string account = digits_of(field(form, "account_number"));
  auto fail = [&](std::string_view key, std::string what) {
    f.error = render::phrase(key, lang);
    f.error_field = std::move(what);
    store::Tx tx(*c.db, false);
    return finish(*v, bank_page(*v, f));
  };
  if (app::holder_name_fault(f.holder))
    return fail(trim(f.holder).empty() ? "portal_bank_need_holder" : "portal_bank_bad_holder", "holder");
  if (f.type != "checking" && f.type != "savings") return fail("portal_bank_bad_type", "type");
  if (f.routing.size() > 20) f.routing.clear();
  if (field(form, "agree") != "1") return fail("portal_bank_need_agree", "agree");
  if (account.size() > 30) return fail("portal_bank_bad_account", "account");
  auto t = c.svc.env.processor()->tokenize_bank({f.routing, account, f.type, f.holder}, c.svc.clock.now());
  if (!t.ok && t.field == "routing_number") return fail("portal_bank_bad_routing", "routing");
  if (!t.ok) return fail("portal_bank_bad_account", "account");
  app::Caller caller{c.svc.env, *c.db, v->ctx.tenant.id, v->ctx.actor, c.req.client_ip};
  app::NewPaymentMethod m;
  m.account_id = v->session->user.account_id;
  m.token = t.token;
  m.holder_name = f.holder;
  m.account_type = f.type;
  m.mandate_text = mandate_text(*v);
  m.mandate_channel = "online";
  m.mandate_address = c.req.client_ip;
  try {
    app::add_payment_method(caller, m);
  } catch (const Error& e) {
    if (!is_refusal(e)) throw;
    if (e.code == Code::Conflict && e.field == "account_number") return fail("portal_bank_already_saved", "account");
    f.error = e.what();
    store::Tx tx(*c.db, false);
    return finish(*v, bank_page(*v, f));
  }
  return finish(*v, redirect(methods_path(*v) + "?done=bank"));
}

// The account's own bank account waiting for its micro-deposits (nullopt: none such).
std::optional<app::PaymentMethod> own_bank(Visit& v, Call& c) {
  int64_t id = id_param(c);
  if (id == 0) return std::nullopt;
  try {
    auto m = app::get_payment_method(v.ctx, id);
    if (m.account_id != v.session->user.account_id || m.kind != "bank") return std::nullopt;
    return m;
  } catch (const Error& e) {
    if (e.code != Code::NotFound) throw;
    return std::nullopt;
  }
}

Response verify_page(Visit& v, const app::PaymentMethod& m, std::string_view error) {
  json::object d{{"id", m.id}, {"display", method_display(v, m)},
                 {"pending", m.status == "pending_verification"},
                 {"tries", fill_phrase("portal_bank_tries_left", v.page.lang,
                                       {{"tries", std::to_string(m.micro_tries_left)}})}};
  if (m.micro_expires_at)
    d["expires"] = fill_phrase("portal_bank_deposits_expire", v.page.lang,
                               {{"date", render::format_date(m.micro_expires_at->substr(0, 10), v.page.lang)}});
  if (!error.empty()) d["error"] = error;
  v.page.title = std::string(render::phrase("portal_bank_verify_title", v.page.lang));
  return html(error.empty() ? 200 : 400, render_page(v.page, "portal_bank_verify.html", d));
}

Response verify_get(Call& c) {
  return signed_in(c, false, [&](Visit& v) {
    auto m = own_bank(v, c);
    if (!m) return not_found_page(c);
    if (!v.session->user.can_pay() || m->status == "active") return redirect(methods_path(v));
    return verify_page(v, *m, "");
  });
}

// "32", the cents of one deposit (1 to 99); 0 when it is not that.
Minor cents_of(std::string s) {
  s = digits_of(std::move(s));
  if (s.empty() || s.size() > 2 || s.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoi(s);
}

// A wrong pair uses a try, committed with the answer (signed_in's write transaction).
Response verify_post(Call& c) {
  auto form = parse_form(c.req);
  return signed_in(c, true, [&](Visit& v) {
    if (auto refused = refuse_form(c, v, form, v.session->user.can_pay())) return *refused;
    auto m = own_bank(v, c);
    if (!m) return not_found_page(c);
    Minor first = cents_of(field(form, "first")), second = cents_of(field(form, "second"));
    if (first == 0 || second == 0) return verify_page(v, *m, render::phrase("portal_bank_bad_cents", v.page.lang));
    try {
      auto r = app::verify_micro_deposits(v.ctx, m->id, first, second);
      if (r.matched) return redirect(methods_path(v) + "?done=verified");
      if (r.method.status == "verification_failed")
        return verify_page(v, r.method, render::phrase("portal_bank_no_tries", v.page.lang));
      return verify_page(v, r.method, fill_phrase("portal_bank_wrong", v.page.lang,
                                                  {{"tries", std::to_string(r.method.micro_tries_left)}}));
    } catch (const Error& e) {
      if (!is_refusal(e)) throw;
      return verify_page(v, *m, e.what());
    }
  });
}

}  // namespace

void add_portal_bank_routes(std::vector<Route>& t) {
  auto page = [&](auto&&... a) { t.push_back(portal::page_route(a...)); };
  page("GET", "/p/{slug}/methods/bank", bank_get, "portal: add a bank account");
  page("POST", "/p/{slug}/methods/bank", bank_post, "portal: save a bank account and its debit authorization");
  page("GET", "/p/{slug}/methods/{id}/verify", verify_get, "portal: verify a bank account");
  page("POST", "/p/{slug}/methods/{id}/verify", verify_post, "portal: the micro-deposit amounts");
}

}  // namespace remit::http
