// The hosted invoice page of View & Pay (C6): GET /view/{token} shows the one invoice a
// signed link names, and /view/{token}/pdf downloads it, without signing in. The token is
// the only credential (app/view_links.h), so responses are never cached, never indexed and
// never sent on as a Referer. "Pay this invoice" goes to the processor's hosted card form,
// which comes back to /view/{token}/pay with a card token: the fee and total are shown, and
// paying pays this invoice once (the page's key), without signing in. An expired link's page
// offers to email a fresh link to the account's contacts.
#include <fmt/format.h>

#include <variant>

#include "app/accounts.h"
#include "app/invoices.h"
#include "app/processor.h"
#include "app/processor_payments.h"
#include "app/view_links.h"
#include "domain/instruments.h"
#include "http/portal/portal_util.h"
#include "http/handler_util.h"
#include "notify/email.h"
#include "render/invoice_pdf.h"

namespace remit::http {
namespace {

void harden(Response& r) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; "
                         "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Frame-Options", "DENY");  // for browsers without frame-ancestors
  // same-origin: the token in the path never leaves the site, and the page's own form
  // posts keep their Origin (no-referrer would send "Origin: null").
  r.headers.emplace_back("Referrer-Policy", "same-origin");
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

// What every page of a tenant's invoice shows: the catalog, the tenant's name and colour.
json::object tenant_page(const app::Tenant& t, render::Lang lang) {
  json::object d = notify::catalog(lang);
  d["provider"] = t.name;
  d["brand"] = t.brand();
  return d;
}

Response message(int status, std::string_view key) {
  auto d = notify::catalog(render::Lang::En);
  d["message"] = render::phrase(key, render::Lang::En);
  return page(status, notify::render_template("view_message.html", json::serialize(d)));
}

// A link signed but past its expiry: the page offers "Send me a fresh link" (a form posted
// with the browser's form token, portal_util.h), or says one was sent. In the language of
// the invoice's account.
Response expired_page(Call& c, const app::ViewTarget& v, int status, bool sent, std::string_view error_key) {
  app::Ctx ctx = app::make_ctx(*c.db, c.svc.clock, v.tenant_id, "view_link", c.req.client_ip);
  app::Invoice inv = app::get_invoice(ctx, v.invoice_id);
  if (inv.status == "draft") return message(404, "page_link_invalid");
  render::Lang lang = render::lang_of(app::get_account(ctx, inv.account_id).language);
  portal::FormToken token = portal::form_token(c.req);
  auto d = tenant_page(ctx.tenant, lang);
  d["title"] = fmt::format(fmt::runtime(render::phrase("page_invoice_title", lang)),
                           fmt::arg("number", inv.number_text()));
  d["sent"] = sent;
  d["action"] = "/view/" + c.param("token") + "/fresh-link";
  d["form_token"] = token.value;
  if (!error_key.empty()) d["error"] = render::phrase(error_key, lang);
  Response r = page(status, notify::render_template("view_expired.html", json::serialize(d)));
  portal::keep_form_token(r, token);
  return r;
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
  if (v->expired) return expired_page(c, *v, 410, false, "");
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
  auto d = tenant_page(tenant, lang);
  d["title"] = fmt::format(fmt::runtime(render::phrase("page_invoice_title", lang)),
                           fmt::arg("number", inv.number_text()));
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
  if (inv.status == "open" && inv.amount_due > 0)
    d["pay_url"] = "/sandbox/v1/card-form?return=/view/" + c.param("token") + "/pay&lang=" +
                   (lang == render::Lang::ZhCN ? "zh-CN" : "en");
  return page(200, notify::render_template("view_invoice.html", json::serialize(d)));
}

// Paying the link's invoice with the card the hosted form tokenized: GET shows the amount,
// the fee and the total; POST pays (once per page: its key).
app::PaymentRequest pay_request(const app::Invoice& inv, const std::string& card) {
  app::PaymentRequest req;
  req.account_id = inv.account_id;
  req.invoice_ids = {inv.id};
  req.token = card;
  req.channel = "view_link";
  req.at_most_due = true;
  return req;
}

// What both pay pages show of the link's invoice.
json::object pay_data(Call& c, const Loaded& l, render::Lang lang) {
  json::object d = tenant_page(l.tenant, lang);
  d["number"] = l.invoice.number_text();
  d["back"] = "/view/" + c.param("token");
  return d;
}

Response view_pay(Call& c) {
  auto* card = query_param(c.query, "token");
  if (!card || card->empty()) return portal::redirect("/view/" + c.param("token"));  // no card chosen yet
  auto l = load(c);
  if (auto* r = std::get_if<Response>(&l)) return *r;
  auto& loaded = std::get<Loaded>(l);
  render::Lang lang = render::lang_of(loaded.account.language);
  auto money = [&](Minor m) { return render::format_money(m, loaded.tenant.currency, lang); };
  json::object d = pay_data(c, loaded, lang);
  app::Caller caller{c.svc.env, *c.db, loaded.tenant.id, "view_link", c.req.client_ip};
  std::string token = card ? *card : "";
  try {
    auto q = app::quote_payment(caller, pay_request(loaded.invoice, token));
    auto t = c.svc.env.processor()->describe(token);
    d["card"] = t.brand + " " + domain::masked(t.last4);
    d["amount"] = money(q.amount);
    d["fees"] = money(q.fees);
    d["has_fee"] = q.fees > 0;
    d["total"] = money(q.total);
    d["card_token"] = token;
    d["key"] = portal::random_token();
    d["action"] = "/view/" + c.param("token") + "/pay";
  } catch (const Error& e) {
    if (!is_refusal(e)) throw;
    d["message"] = e.what();
    return page(400, notify::render_template("view_paid.html", json::value(std::move(d))));
  }
  return page(200, notify::render_template("view_pay.html", json::value(std::move(d))));
}

Response view_pay_post(Call& c) {
  auto form = portal::parse_form(c.req);
  if (!portal::same_origin(c.req)) return message(403, "page_link_invalid");
  std::string key = portal::field(form, "key");
  auto l = load(c);
  if (auto* r = std::get_if<Response>(&l)) return *r;
  auto& loaded = std::get<Loaded>(l);
  render::Lang lang = render::lang_of(loaded.account.language);
  if (key.size() != 43) return message(400, "page_link_invalid");
  app::PaymentRequest req = pay_request(loaded.invoice, portal::field(form, "card"));
  req.request_key = "view-" + key;
  app::Caller caller{c.svc.env, *c.db, loaded.tenant.id, "view_link", c.req.client_ip};
  json::object d = pay_data(c, loaded, lang);
  try {
    auto o = app::pay(caller, req);
    d["confirmation"] = o.confirmation;
    d["total"] = render::format_money(o.amount + o.fees, loaded.tenant.currency, lang);
    d["status"] = render::phrase("portal_pay_status_" + o.status, lang);
    return page(200, notify::render_template("view_paid.html", json::value(std::move(d))));
  } catch (const Error& e) {
    if (!is_refusal(e)) throw;
    d["message"] = fmt::format(fmt::runtime(render::phrase("portal_pay_declined", lang)),
                               fmt::arg("reason", e.what()));
    return page(e.code == Code::PaymentDeclined ? 402 : 400,
                notify::render_template("view_paid.html", json::value(std::move(d))));
  }
}

// "Send me a fresh link" from an expired link's page: the invoice's email again to its
// account's contacts (app::send_fresh_view_link), at most kFreshLinks times per client
// address in 15 minutes (counted in the audit log, as guest pay counts its lookups). The
// answer is the same whether or not anything was sent. Only a link signed by the tenant asks
// (anything else gets the invalid link page); a link still valid goes back to its page.
constexpr int kFreshLinks = 5;

Response fresh_link(Call& c) {
  auto form = portal::parse_form(c.req);
  store::Db& db = *c.db;
  store::Tx tx(db, true);
  auto v = app::verify_view_token(db, c.svc.clock, c.param("token"));
  if (!v) return message(404, "page_link_invalid");
  if (!v->expired) return portal::redirect("/view/" + c.param("token"));
  if (!portal::form_posted(c.req, portal::field(form, "form_token")))
    return expired_page(c, *v, 403, false, "portal_form_expired");
  app::Ctx ctx = app::make_ctx(db, c.svc.clock, v->tenant_id, "view_link", c.req.client_ip);
  int64_t asked = store::one_int(
      db, "SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND action = 'view.fresh_link' "
          "AND source = ? AND at > ?",
      ctx.tenant.id, c.req.client_ip, format_instant(ctx.now - std::chrono::minutes(15)));
  app::audit(ctx, "view.fresh_link", "invoice", v->invoice_id, "");
  if (asked < kFreshLinks) app::send_fresh_view_link(ctx, v->invoice_id);
  Response r = expired_page(c, *v, 200, true, "");
  tx.commit();
  return r;
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
  t.push_back({.method = "POST", .pattern = "/view/{token}/fresh-link", .access = Access::Open,
               .handler = fresh_link,
               .summary = "An expired View & Pay link's \"send me a fresh link\" (HTML)",
               .content_type = "text/html", .api = false});
  t.push_back({.method = "GET", .pattern = "/view/{token}/pay", .access = Access::Open,
               .handler = view_pay, .summary = "Review paying a View & Pay link's invoice (HTML)",
               .content_type = "text/html", .api = false});
  t.push_back({.method = "POST", .pattern = "/view/{token}/pay", .access = Access::Open,
               .handler = view_pay_post, .summary = "Pay a View & Pay link's invoice (HTML)",
               .content_type = "text/html", .api = false});
}

}  // namespace remit::http
