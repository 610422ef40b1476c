// Payments through the processor (D4-D7, D10): quote, pay (one method or split), returns,
// and the janitor and settlement runs for operators and test clocks.
#include "app/invoices.h"
#include "app/processor_payments.h"
#include "app/refunds.h"
#include "app/scheduled_payments.h"
#include "http/handler_util.h"
#include "payments/bank_files.h"

namespace remit::http {
namespace {

app::PaymentRequest read_request(Call& c) {
  auto& b = c.body();
  app::PaymentRequest r;
  r.account_id = req_id(b, "account_id");
  if (b.contains("invoice_ids")) {
    if (!b.at("invoice_ids").is_array()) invalid("invoice_ids", "must be a list of invoice ids");
    auto& a = b.at("invoice_ids").as_array();
    if (a.size() > 100) invalid("invoice_ids", "at most 100 invoices");
    for (size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_int64() || a[i].as_int64() < 1)
        invalid("invoice_ids[" + std::to_string(i) + "]", "must be an invoice id");
      r.invoice_ids.push_back(a[i].as_int64());
    }
  }
  r.amount = opt_money(b, "amount", 1);
  r.method_id = opt_id(b, "method_id");
  r.token = opt_string(b, "token", 200).value_or("");
  r.save_method = opt_bool(b, "save_method").value_or(false);
  if (b.contains("parts")) {
    if (!b.at("parts").is_array())
      invalid("parts", "must be a list of {method_id or token, amount}");
    auto& a = b.at("parts").as_array();
    for (size_t i = 0; i < a.size(); ++i) {
      std::string f = "parts[" + std::to_string(i) + "]";
      if (!a[i].is_object()) invalid(f, "must be an object {method_id or token, amount}");
      auto& o = a[i].as_object();
      if (o.contains("method_id") == o.contains("token"))
        invalid(f + ".method_id", "give method_id or token");
      if (!o.contains("amount")) invalid(f + ".amount", "is required");
      if (o.contains("token"))
        r.parts.push_back({0, req_money(o, "amount", 1), req_string(o, "token", 200)});
      else
        r.parts.push_back({req_id(o, "method_id"), req_money(o, "amount", 1)});
    }
    if (r.method_id) invalid("method_id", "give method_id or parts, not both");
  }
  r.request_key = c.req.idempotency_key;
  return r;
}

Response quote(Call& c) {
  app::Caller caller = c.caller();
  auto q = app::quote_payment(caller, read_request(c));
  json::array parts;
  for (size_t i = 0; i < q.parts.size(); ++i)
    parts.push_back(json::object{
        {q.parts[i].token.empty() ? "method_id" : "token",
         q.parts[i].token.empty() ? json::value(q.parts[i].method_id) : json::value(q.parts[i].token)},
        {"amount", q.parts[i].amount},
        {"fee", q.part_fees[i]}});
  return ok(json::object{{"amount", q.amount}, {"fees", q.fees}, {"total", q.total}, {"parts", parts}});
}

Response pay(Call& c) {
  app::Caller caller = c.caller();
  auto o = app::pay(caller, read_request(c));
  json::array parts;
  for (auto& p : o.parts) parts.push_back(to_json(p));
  json::object body{{"confirmation", o.confirmation}, {"status", o.status},
                    {"amount", o.amount},             {"fees", o.fees},
                    {"total", o.amount + o.fees},     {"parts", parts}};
  // 202: the processor has not answered yet; the janitor finishes it (GET the parts later).
  return json_reply(o.status == "processing" ? 202 : 201, body);
}

Response return_payment(Call& c) {
  auto& b = c.body();
  return ok(to_json(app::return_payment(*c.ctx, c.id(), req_string(b, "return_code", 10),
                                        opt_money(b, "bank_fee", 0, 100000).value_or(0))));
}

json::value scheduled_json(const app::ScheduledPayment& s) {
  json::array ids;
  for (auto id : s.invoice_ids) ids.push_back(id);
  return json::object{{"id", s.id},         {"account_id", s.account_id}, {"method_id", s.method_id},
                      {"invoice_ids", ids}, {"amount", s.amount},         {"run_on", s.run_on},
                      {"status", s.status},
                      {"payment_id", s.payment_id ? json::value(*s.payment_id) : nullptr},
                      {"created_at", s.created_at}};
}

Response schedule(Call& c) {
  auto& b = c.body();
  app::NewScheduledPayment s;
  s.account_id = c.id();
  s.method_id = req_id(b, "method_id");
  auto run_on = opt_date(b, "run_on");
  if (!run_on) invalid("run_on", "run_on is required: YYYY-MM-DD");
  s.run_on = *run_on;
  if (b.contains("invoice_ids")) {
    if (!b.at("invoice_ids").is_array()) invalid("invoice_ids", "must be a list of invoice ids");
    auto& a = b.at("invoice_ids").as_array();
    for (size_t i = 0; i < a.size() && i < 100; ++i) {
      if (!a[i].is_int64()) invalid("invoice_ids[" + std::to_string(i) + "]", "must be an invoice id");
      s.invoice_ids.push_back(a[i].as_int64());
    }
  }
  s.amount = opt_money(b, "amount", 1);
  return created(scheduled_json(app::schedule_payment(*c.ctx, s)));
}

}  // namespace

void add_processor_payment_routes(std::vector<Route>& t) {
  t.push_back({.method = "GET", .pattern = "/v1/bank-files", .access = Access::Write,
               .handler = [](Call& c) {
                 app::Caller caller = c.caller();
                 std::optional<std::string> d = query_date(c.query, "date");
                 Date day;
                 {
                   store::Tx tx(*c.db, false);
                   day = d ? *parse_date(*d)
                           : app::make_ctx(*c.db, c.svc.clock, c.tenant_id, c.actor).today;
                 }
                 Response r;
                 r.content_type = "text/plain; charset=us-ascii";
                 r.body = payments::day_bank_file(caller, day);
                 r.headers.emplace_back("Content-Disposition", "attachment; filename=\"ach-" +
                                                                   format_date(day) + ".txt\"");
                 return r;
               },
               .summary = "The day's NACHA file: bank debits (PPD, WEB) and micro-deposits (ACCTVERIFY)",
               .query = {{"date", "string", "YYYY-MM-DD, default today"}},
               .content_type = "text/plain", .own_tx = true});
  t.push_back({.method = "POST", .pattern = "/v1/bank-files/returns", .access = Access::Write,
               .handler = [](Call& c) {
                 app::Caller caller = c.caller();
                 auto r = payments::import_bank_file(caller, c.req.body);
                 json::array unknown;
                 for (auto& u : r.unknown) unknown.push_back(json::value(u));
                 return ok(json::object{{"returns_applied", r.returns_applied},
                                        {"returns_already_applied", r.returns_already},
                                        {"changes_applied", r.changes_applied},
                                        {"unknown", unknown}});
               },
               .summary = "Import a NACHA return file (the body, as text): returns applied once, "
                          "notifications of change update the bank account; a malformed file changes nothing",
               .response = "BankFileImport", .own_tx = true});
  t.push_back({.method = "POST", .pattern = "/v1/accounts/{id}/scheduled-payments",
               .access = Access::Write, .handler = schedule,
               .summary = "Schedule a payment for a day on or before the invoices' due date",
               .status = 201, .request = "ScheduledPaymentNew", .response = "ScheduledPayment"});
  t.push_back({.method = "GET", .pattern = "/v1/accounts/{id}/scheduled-payments",
               .access = Access::Read,
               .handler = [](Call& c) {
                 json::array out;
                 for (auto& s : app::list_scheduled_payments(*c.ctx, c.id())) out.push_back(scheduled_json(s));
                 return ok(json::object{{"data", out}, {"has_more", false}});
               },
               .summary = "The account's scheduled payments", .response = "ScheduledPayment", .list = true});
  t.push_back({.method = "PATCH", .pattern = "/v1/scheduled-payments/{id}", .access = Access::Write,
               .handler = [](Call& c) {
                 auto& b = c.body();
                 if (b.contains("invoice_ids"))  // was ignored with a 200 (found by re-testing)
                   invalid("invoice_ids", "the invoices of a scheduled payment do not change: cancel it and schedule another");
                 app::ScheduledPaymentPatch p{opt_id(b, "method_id"), opt_money(b, "amount", 1),
                                              opt_date(b, "run_on")};
                 return ok(scheduled_json(app::update_scheduled_payment(*c.ctx, c.id(), p)));
               },
               .summary = "Change a scheduled payment's method, amount or day (before its day)",
               .request = "ScheduledPaymentPatch", .response = "ScheduledPayment"});
  t.push_back({.method = "DELETE", .pattern = "/v1/scheduled-payments/{id}", .access = Access::Write,
               .handler = [](Call& c) {
                 return ok(scheduled_json(app::cancel_scheduled_payment(*c.ctx, c.id())));
               },
               .summary = "Cancel a scheduled payment (before its day)", .response = "ScheduledPayment"});
  t.push_back({.method = "POST", .pattern = "/v1/payments/quote", .access = Access::Read,
               .handler = quote, .summary = "What a payment would cost: its convenience fees, before confirming",
               .request = "PaymentRequest", .response = "PaymentQuote", .own_tx = true});
  t.push_back({.method = "POST", .pattern = "/v1/payments/charge", .access = Access::Write,
               .handler = pay,
               .summary = "Pay invoices or an amount with saved methods, split all or nothing "
                          "(402 when declined; 202 while the processor has not answered)",
               .status = 201, .request = "PaymentRequest", .response = "PaymentResult",
               .own_tx = true});
  t.push_back({.method = "POST", .pattern = "/v1/payments/{id}/return", .access = Access::Write,
               .handler = return_payment,
               .summary = "Record a returned payment (bank debit or cheque): reversed, fees charged",
               .request = "PaymentReturn", .response = "Payment"});
  t.push_back({.method = "POST", .pattern = "/v1/payments/{id}/refund", .access = Access::Write,
               .handler = [](Call& c) {
                 auto& b = c.body();
                 app::Caller caller = c.caller();
                 auto r = app::refund_payment(caller, c.id(), req_money(b, "amount", 1),
                                              opt_string(b, "reason", 500).value_or(""), c.req.idempotency_key);
                 return json_reply(r.status == "processing" ? 202 : 201,
                                   json::object{{"id", r.id}, {"payment_id", r.payment_id},
                                                {"amount", r.amount}, {"reason", r.reason},
                                                {"status", r.status}, {"created_at", r.created_at}});
               },
               .summary = "Refund all or part of a card or wallet payment to its method (the fee is kept)",
               .status = 201, .request = "RefundNew", .response = "Refund", .own_tx = true});
  t.push_back({.method = "POST", .pattern = "/v1/payments/janitor", .access = Access::Write,
               .handler = [](Call& c) {
                 app::Caller caller = c.caller();
                 int n = app::resolve_processing(caller, std::chrono::seconds(60)) +
                         app::resolve_refunds(caller, std::chrono::seconds(60));
                 return ok(json::object{{"resolved", n}});
               },
               .summary = "Finish payments and refunds the processor did not answer (older than a minute)",
               .response = "JanitorResult", .own_tx = true});
  t.push_back({.method = "POST", .pattern = "/v1/payments/settle", .access = Access::Write,
               .handler = [](Call& c) {
                 app::Caller caller = c.caller();
                 auto n = app::settle_payments(caller);
                 return ok(json::object{{"settled", n.settled}, {"returned", n.returned}});
               },
               .summary = "Ask the processor which payments settled or were returned (the daily job does this)",
               .response = "SettleResult", .own_tx = true});
}

}  // namespace remit::http
