// The sandbox processor's hosted card form: what a real processor's payment page (Stripe
// Checkout, Authorize.net Accept Hosted) is to a merchant. The portal links to
// GET /sandbox/v1/card-form?return=/p/<slug>/...; the customer's card goes to
// POST /sandbox/v1/card-form, which tokenizes it and sends the browser back to `return` with
// ?token=tok_.... The number reaches only the sandbox; Remit's pages see the token. Without
// JavaScript; `return` must be a path of a portal or a View & Pay page on this site.
#include <fmt/format.h>

#include "app/processor.h"
#include "http/handler_util.h"
#include "http/portal/portal_util.h"
#include "notify/email.h"

namespace remit::http {
namespace {

bool valid_return(const std::string& r) {
  return (r.starts_with("/p/") || r.starts_with("/view/")) && r.size() < 500 && r.find("//") == std::string::npos &&
         r.find('\\') == std::string::npos && r.find_first_of("\r\n\"<>") == std::string::npos;
}

Response form_page(int status, const std::string& ret, render::Lang lang, const std::string& error,
                   const std::string& field) {
  json::object d = notify::catalog(lang);
  d["return"] = ret;
  d["cancel"] = ret.substr(0, ret.find('?'));
  if (!error.empty()) d["error"] = error;
  if (!field.empty()) d["error_" + field] = true;
  return portal::html(status, notify::render_template("sandbox_card_form.html", json::serialize(d)));
}

Response card_form(Call& c) {
  auto* ret = query_param(c.query, "return");
  auto* lang = query_param(c.query, "lang");
  if (!ret || !valid_return(*ret)) invalid("return", "must be a path of a portal on this site");
  return form_page(200, *ret, render::lang_of(lang ? *lang : ""), "", "");
}

Response card_form_post(Call& c) {
  auto form = portal::parse_form(c.req);
  std::string ret = portal::field(form, "return");
  render::Lang lang = render::lang_of(portal::field(form, "lang"));
  if (!valid_return(ret)) invalid("return", "must be a path of a portal on this site");
  auto number = [&](std::string_view f, int lo, int hi) {
    std::string v = portal::field(form, f);
    int n = 0;
    if (v.empty() || v.size() > 4 || v.find_first_not_of("0123456789") != std::string::npos) return 0;
    n = std::stoi(v);
    return n >= lo && n <= hi ? n : 0;
  };
  app::CardInput card{portal::field(form, "number"), portal::field(form, "cvc"),
                      portal::field(form, "postal_code"), number("exp_month", 1, 12),
                      number("exp_year", 2000, 2100)};
  if (card.number.size() > 30 || card.cvc.size() > 4 || card.postal_code.size() > 20)
    return form_page(400, ret, lang, std::string(render::phrase("sandbox_card_error_number", lang)), "number");
  auto t = c.svc.env.processor()->tokenize_card(card, c.svc.clock.now());
  if (!t.ok) {
    std::string key = "sandbox_card_error_" + (t.field == "exp_month" || t.field == "exp_year" ? std::string("expiry")
                                         : t.field == "cvc" ? std::string("cvc") : std::string("number"));
    return form_page(400, ret, lang, std::string(render::phrase(key, lang)),
                     t.field == "exp_year" || t.field == "exp_month" ? "expiry" : t.field);
  }
  return portal::redirect(ret + (ret.find('?') == std::string::npos ? "?" : "&") + "token=" + t.token);
}

}  // namespace

void add_sandbox_form_routes(std::vector<Route>& t) {
  t.push_back({.method = "GET", .pattern = "/sandbox/v1/card-form", .access = Access::Open,
               .handler = card_form, .summary = "the sandbox's hosted card form",
               .content_type = "text/html", .api = false});
  t.push_back({.method = "POST", .pattern = "/sandbox/v1/card-form", .access = Access::Open,
               .handler = card_form_post, .summary = "the sandbox's hosted card form",
               .content_type = "text/html", .api = false});
}

}  // namespace remit::http
