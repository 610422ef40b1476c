// The cheque register (D12): the refund run on demand, the register as JSON and CSV, cheques
// marked issued (one, or a whole run) or void.
#include "app/cheque_refunds.h"
#include "http/handler_util.h"

namespace remit::http {
namespace {

json::value run_json(const app::RefundRunResult& r) {
  json::array skipped;
  for (auto& s : r.skipped)
    skipped.push_back(json::object{{"account_id", s.account_id}, {"reason", s.reason}});
  return json::object{{"run_date", r.run_date}, {"refunded", r.refunded},
                      {"total", r.total},       {"already_refunded", r.already},
                      {"skipped", skipped}};
}

Response run(Call& c) {
  Date today;
  {
    store::Tx tx(*c.db, false);
    today = app::make_ctx(*c.db, c.svc.clock, c.tenant_id, c.actor).today;
  }
  return ok(run_json(app::run_cheque_refunds(*c.db, c.svc.clock, c.tenant_id, today, c.actor,
                                             c.req.client_ip)));
}

std::optional<std::string> status_query(Call& c) {
  return query_enum(c.query, "status", {"pending", "issued", "void"});
}

Response register_csv(Call& c) {
  auto date = query_date(c.query, "run_date");
  if (!date) invalid("run_date", "run_date is required: the run's date, YYYY-MM-DD");
  Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = app::cheque_register_csv(app::cheque_register(*c.ctx, *date, status_query(c)),
                                    c.ctx->tenant.currency);
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"cheque-register-" + *date + ".csv\"");
  return r;
}

Response mark_run(Call& c) {
  auto date = opt_date(c.body(), "run_date");
  if (!date) invalid("run_date", "run_date is required: the run's date, YYYY-MM-DD");
  return ok(json::object{{"run_date", *date}, {"issued", app::mark_run_issued(*c.ctx, *date)}});
}

Response void_cheque(Call& c) {
  std::string reason = req_string(c.body(), "reason", 500);
  return ok(to_json(app::void_cheque_refund(*c.ctx, c.id(), reason)));
}

Response list(Call& c) {
  return ok(page_json(app::list_cheque_refunds(*c.ctx, query_date(c.query, "run_date"),
                                               status_query(c), page_req(c.query))));
}

Response get_one(Call& c) { return ok(to_json(app::get_cheque_refund(*c.ctx, c.id()))); }

Response issued(Call& c) { return ok(to_json(app::mark_cheque_issued(*c.ctx, c.id()))); }

}  // namespace

void add_cheque_refund_routes(std::vector<Route>& t) {
  t.push_back({.method = "GET", .pattern = "/v1/cheque-refunds", .access = Access::Read,
               .handler = list,
               .summary = "The cheque register: refunds of closed accounts' credit by cheque",
               .response = "ChequeRefund", .list = true,
               .query = {{"run_date", "string", "only this run's cheques (YYYY-MM-DD)"},
                         {"status", "string", "pending, issued or void"}}});
  t.push_back({.method = "GET", .pattern = "/v1/cheque-refunds.csv", .access = Access::Read,
               .handler = register_csv,
               .summary = "A run's cheque register as CSV, by cheque number, to print from",
               .query = {{"run_date", "string", "the run's date (required)"},
                         {"status", "string", "pending, issued or void (default: all)"}},
               .content_type = "text/csv"});
  t.push_back({.method = "POST", .pattern = "/v1/cheque-refunds/run", .access = Access::Write,
               .handler = run,
               .summary = "Run the cheque refund run now (dated today); what was refunded "
                          "already today is not refunded again",
               .response = "ChequeRefundRun", .own_tx = true});
  t.push_back({.method = "POST", .pattern = "/v1/cheque-refunds/mark-issued",
               .access = Access::Write, .handler = mark_run,
               .summary = "Mark every pending cheque of a run issued",
               .request = "MarkChequesIssued", .response = "ChequesIssued"});
  t.push_back({.method = "GET", .pattern = "/v1/cheque-refunds/{id}", .access = Access::Read,
               .handler = get_one, .summary = "One cheque of the register",
               .response = "ChequeRefund"});
  t.push_back({.method = "POST", .pattern = "/v1/cheque-refunds/{id}/issued",
               .access = Access::Write, .handler = issued,
               .summary = "Mark a cheque issued (again: no change; a void one: 409)",
               .response = "ChequeRefund"});
  t.push_back({.method = "POST", .pattern = "/v1/cheque-refunds/{id}/void",
               .access = Access::Write, .handler = void_cheque,
               .summary = "Void a cheque (undeliverable, stopped): the credit goes back",
               .request = "ChequeRefundVoid", .response = "ChequeRefund"});
}

}  // namespace remit::http
