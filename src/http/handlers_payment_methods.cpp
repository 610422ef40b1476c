// Payment methods (D1, D2, D3, A3) and the sandbox processor's tokenizing endpoint.
//
// POST /sandbox/v1/tokens stands where a real processor's own form posts (Stripe Elements
// posts to Stripe): the card or bank account number goes there, a token comes back, and
// only the token reaches Remit's API. It needs no API key (a browser calls it) and keeps
// nothing but the sandbox's own record; no log line holds its body.
#include "app/autopay.h"
#include "app/payment_methods.h"
#include "app/processor.h"
#include "http/errors.h"
#include "http/handler_util.h"

namespace remit::http {
namespace {

Response create_method(Call& c) {
  auto& b = c.body();
  app::NewPaymentMethod m;
  m.account_id = c.id();
  m.token = req_string(b, "token", 200);
  m.holder_name = opt_string(b, "holder_name", 200).value_or("");
  m.account_type = opt_enum(b, "account_type", {"checking", "savings"}).value_or("");
  m.preferred = opt_bool(b, "preferred").value_or(false);
  m.shared_with_children = opt_bool(b, "shared_with_children").value_or(false);
  if (b.contains("mandate")) {
    if (!b.at("mandate").is_object()) invalid("mandate", "must be an object");
    auto& md = b.at("mandate").as_object();
    m.mandate_text = opt_string(md, "text", 4000).value_or("");
    m.mandate_channel = opt_enum(md, "channel", {"online", "paper"}).value_or("online");
    // Online: the address the customer accepted from (this request's, unless staff enter it).
    m.mandate_address = opt_string(md, "address", 500).value_or(
        m.mandate_channel == "online" ? c.req.client_ip : "");
  }
  app::Caller caller = c.caller();
  return created(to_json(app::add_payment_method(caller, m)));
}

Response list_methods(Call& c) {
  json::array out;
  for (auto& m : app::list_payment_methods(*c.ctx, c.id())) out.push_back(to_json(m));
  return ok(json::object{{"data", out}, {"has_more", false}});
}

Response update_method(Call& c) {
  auto& b = c.body();
  app::PaymentMethodPatch p{opt_bool(b, "preferred"), opt_bool(b, "shared_with_children")};
  return ok(to_json(app::update_payment_method(*c.ctx, c.id(), p)));
}

Response verify_method(Call& c) {
  auto& b = c.body();
  if (!b.contains("amounts") || !b.at("amounts").is_array() || b.at("amounts").as_array().size() != 2)
    invalid("amounts", "must be the two micro-deposit amounts in cents, e.g. [32, 45]");
  auto& a = b.at("amounts").as_array();
  auto cents = [&](size_t i) -> Minor {
    std::string f = "amounts[" + std::to_string(i) + "]";
    if (!a[i].is_int64()) invalid(f, "must be a whole number of cents between 1 and 99");
    return a[i].as_int64();
  };
  auto r = app::verify_micro_deposits(*c.ctx, c.id(), cents(0), cents(1));
  if (r.matched) return ok(to_json(r.method));
  // Not thrown: the used try must commit with this answer.
  std::string why = r.method.status == "verification_failed"
                        ? "the amounts do not match and no tries are left: add the account again"
                        : "the amounts do not match; tries left: " +
                              std::to_string(r.method.micro_tries_left);
  return error_response(400, "invalid_argument", why, "amounts");
}

Response sandbox_token(Call& c) {
  auto& b = c.body();
  auto p = c.svc.env.processor();
  Instant at = c.svc.clock.now();
  app::Tokenized t;
  auto part = [&](std::string_view name) -> const json::object* {
    if (!b.contains(name)) return nullptr;
    if (!b.at(name).is_object()) invalid(std::string(name), "must be an object");
    return &b.at(name).as_object();
  };
  std::string prefix;
  if (auto* card = part("card")) {
    prefix = "card.";
    t = p->tokenize_card({req_string(*card, "number", 30), req_string(*card, "cvc", 4),
                          opt_string(*card, "postal_code", 20).value_or(""),
                          static_cast<int>(opt_int(*card, "exp_month", 1, 12).value_or(0)),
                          static_cast<int>(opt_int(*card, "exp_year", 2000, 2100).value_or(0))},
                         at);
  } else if (auto* bank = part("bank_account")) {
    prefix = "bank_account.";
    t = p->tokenize_bank({req_string(*bank, "routing_number", 9), req_string(*bank, "account_number", 17),
                          opt_enum(*bank, "account_type", {"checking", "savings"}).value_or("checking"),
                          opt_string(*bank, "holder_name", 200).value_or("")},
                         at);
  } else if (auto* wallet = part("wallet")) {
    prefix = "wallet.";
    t = p->tokenize_wallet(req_string(*wallet, "type", 20), req_string(*wallet, "token", 100), at);
    if (!t.ok && t.field == "wallet") t.field = "type";
    if (!t.ok && t.field == "wallet_token") t.field = "token";
  } else {
    invalid("card", "send one of card, bank_account or wallet");
  }
  if (!t.ok) invalid(prefix + t.field, t.message);
  json::object o{{"token", t.token}, {"kind", t.kind}, {"brand", t.brand}, {"last4", t.last4}};
  if (t.kind == "card") {
    o["exp_month"] = t.exp_month;
    o["exp_year"] = t.exp_year;
  }
  return created(o);
}

json::value autopay_json(const app::Autopay& a) {
  return json::object{{"id", a.id}, {"account_id", a.account_id}, {"stream", a.stream},
                      {"method_id", a.method_id ? json::value(*a.method_id) : nullptr},
                      {"created_at", a.created_at}};
}

}  // namespace

void add_payment_method_routes(std::vector<Route>& t) {
  t.push_back({.method = "POST", .pattern = "/v1/accounts/{id}/autopay", .access = Access::Write,
               .handler = [](Call& c) {
                 auto& b = c.body();
                 return created(autopay_json(app::enroll_autopay(
                     *c.ctx, c.id(), req_string(b, "stream", 40), opt_id(b, "method_id"))));
               },
               .summary = "Enrol an invoice stream in AutoPay (the method, or the preferred one)",
               .status = 201, .request = "AutopayNew", .response = "Autopay"});
  t.push_back({.method = "GET", .pattern = "/v1/accounts/{id}/autopay", .access = Access::Read,
               .handler = [](Call& c) {
                 json::array out;
                 for (auto& a : app::list_autopay(*c.ctx, c.id())) out.push_back(autopay_json(a));
                 return ok(json::object{{"data", out}, {"has_more", false}});
               },
               .summary = "The account's AutoPay enrolments", .response = "Autopay", .list = true});
  t.push_back({.method = "DELETE", .pattern = "/v1/accounts/{id}/autopay/{stream}",
               .access = Access::Write,
               .handler = [](Call& c) {
                 app::cancel_autopay(*c.ctx, c.id(), c.param("stream"));
                 return ok(json::object{{"stream", c.param("stream")}, {"deleted", true}});
               },
               .summary = "Cancel AutoPay for a stream", .response = "Deleted"});
  t.push_back({.method = "POST", .pattern = "/sandbox/v1/tokens", .access = Access::Open,
               .handler = sandbox_token,
               .summary = "Sandbox processor: a card, bank account or wallet becomes a token "
                          "(a real processor's own form replaces this)",
               .status = 201, .request = "SandboxTokenRequest", .response = "SandboxToken",
               .own_tx = true});
  t.push_back({.method = "POST", .pattern = "/v1/accounts/{id}/payment-methods",
               .access = Access::Write, .handler = create_method,
               .summary = "Save a tokenized card, bank account (with its debit authorization; "
                          "micro-deposits are sent) or wallet on an account",
               .status = 201, .request = "PaymentMethodNew", .response = "PaymentMethod",
               .own_tx = true});
  t.push_back({.method = "GET", .pattern = "/v1/accounts/{id}/payment-methods",
               .access = Access::Read, .handler = list_methods,
               .summary = "The account's payment methods, then those its parent shares with it",
               .response = "PaymentMethod", .list = true});
  t.push_back({.method = "GET", .pattern = "/v1/payment-methods/{id}", .access = Access::Read,
               .handler = [](Call& c) { return ok(to_json(app::get_payment_method(*c.ctx, c.id()))); },
               .summary = "One payment method", .response = "PaymentMethod"});
  t.push_back({.method = "PATCH", .pattern = "/v1/payment-methods/{id}", .access = Access::Write,
               .handler = update_method,
               .summary = "Star (prefer) a verified method, or share it with child accounts",
               .request = "PaymentMethodPatch", .response = "PaymentMethod"});
  t.push_back({.method = "DELETE", .pattern = "/v1/payment-methods/{id}", .access = Access::Write,
               .handler = [](Call& c) {
                 app::delete_payment_method(*c.ctx, c.id());
                 return ok(json::object{{"id", c.id()}, {"deleted", true}});
               },
               .summary = "Delete a payment method", .response = "Deleted"});
  t.push_back({.method = "POST", .pattern = "/v1/payment-methods/{id}/verify",
               .access = Access::Write, .handler = verify_method,
               .summary = "Confirm a bank account's two micro-deposit amounts (limited tries)",
               .request = "MicroDeposits", .response = "PaymentMethod"});
}

}  // namespace remit::http
