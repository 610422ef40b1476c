// Bill runs (C1), the audit log (F6) and the test clock (F5). Bill runs and clock moves
// manage their own transactions (chunked), so their routes are own_tx: no Ctx is given.

#include "app/billing.h"
#include "app/tenants.h"
#include "core/error.h"
#include "http/handler_util.h"

namespace remit::http {
namespace {

// The tenant and its "today", read in a short transaction of its own.
app::Ctx read_ctx(Call& c) {
  store::Tx tx(*c.db, false);
  app::Ctx ctx = app::make_ctx(*c.db, c.svc.clock, c.tenant_id, c.actor, c.req.client_ip);
  tx.commit();
  return ctx;
}

Response run_bill_runs(Call& c) {
  auto& b = c.body();
  auto stream = opt_string(b, "stream", 64);
  auto cycle_end = opt_date(b, "cycle_end");
  app::BillRunOptions opt;
  opt.wait = opt_bool(b, "wait").value_or(true);
  opt.worker = "api";
  std::vector<app::BillRunResult> results;
  if (!stream && !cycle_end) {
    results = app::run_due_bill_runs(*c.db, c.svc.clock, c.tenant_id, opt);
  } else {
    app::Ctx ctx = read_ctx(c);
    std::string code = pick_stream(ctx.tenant, stream);
    const app::Stream& s = *ctx.tenant.stream(code);
    Date end = cycle_end ? *parse_date(*cycle_end)
                         : domain::boundary_on_or_before(s.schedule, ctx.today);
    if (cycle_end && !domain::is_boundary(s.schedule, end))
      invalid("cycle_end", "cycle_end must be a cycle boundary of the stream");
    if (end > ctx.today) invalid("cycle_end", "cycle_end must not be in the future");
    results.push_back(app::run_bill_run(*c.db, c.svc.clock, c.tenant_id, code, end, opt));
  }
  json::array runs;
  int64_t invoices = 0;
  for (auto& r : results) {
    runs.push_back(to_json(r));
    invoices += r.invoices;
  }
  return ok(json::object{{"runs", std::move(runs)}, {"invoices", invoices}});
}

Response list_bill_runs(Call& c) {
  return ok(page_json(app::list_bill_runs(*c.ctx, page_req(c.query))));
}

Response audit_log(Call& c) { return ok(page_json(app::list_audit(*c.ctx, page_req(c.query)))); }

json::value clock_json(const app::Tenant& t, Instant now) {
  return json::object{{"now", format_instant(now)},
                      {"today", format_date(local_date(now, t.time_zone))},
                      {"time_zone", t.time_zone},
                      {"test_mode", t.test_mode}};
}

Response get_clock(Call& c) { return ok(clock_json(c.ctx->tenant, c.ctx->now)); }

Response advance(Call& c) {
  auto& b = c.body();
  auto to_s = opt_string(b, "to", 64);
  auto days = opt_int(b, "days", 1, 3660);
  if (to_s && days) invalid("days", "give either to or days, not both");
  if (!to_s && !days) invalid("to", "to (a date or instant) or days is required");
  app::Ctx ctx = read_ctx(c);
  if (!ctx.tenant.test_mode)
    precondition("the clock can only be moved for a tenant in test mode");
  Instant to{};
  if (days) {
    to = ctx.now + std::chrono::days(*days);
  } else if (auto d = parse_date(*to_s)) {
    // A date means "make it that day": its start, or now if that day is already today.
    to = local_midnight(*d, ctx.tenant.time_zone);
    if (to < ctx.now && *d == ctx.today) to = ctx.now;
  } else if (auto i = parse_instant(*to_s)) {
    to = *i;
  } else {
    invalid("to", "to must be a date YYYY-MM-DD or an instant YYYY-MM-DDTHH:MM:SSZ");
  }
  if (to < ctx.now) invalid("to", "the clock cannot move back");
  Instant now = app::advance_clock(*c.db, c.svc.clock, c.tenant_id, to, &c.svc.env);
  return ok(clock_json(ctx.tenant, now));
}

}  // namespace

void add_billing_routes(std::vector<Route>& t) {
  t.push_back({.method = "POST", .pattern = "/v1/bill-runs", .access = Access::Write,
               .handler = run_bill_runs,
               .summary = "Run one stream's bill run, or with no body every run that is due",
               .request = "BillRunRequest", .response = "BillRunResults", .own_tx = true});
  t.push_back({.method = "GET", .pattern = "/v1/bill-runs", .access = Access::Read,
               .handler = list_bill_runs, .summary = "List bill runs", .response = "BillRun",
               .list = true});
  t.push_back({.method = "GET", .pattern = "/v1/audit-log", .access = Access::Read,
               .handler = audit_log, .summary = "The tenant's audit log, oldest first",
               .response = "AuditEntry", .list = true});
  t.push_back({.method = "GET", .pattern = "/v1/clock", .access = Access::Read,
               .handler = get_clock, .summary = "The tenant's clock (its own clock in test mode)",
               .response = "Clock"});
  t.push_back({.method = "POST", .pattern = "/v1/clock/advance", .access = Access::Write,
               .handler = advance,
               .summary = "Test mode only: move the tenant's clock forward, running the bill runs due",
               .request = "ClockAdvance", .response = "Clock", .own_tx = true});
}

}  // namespace remit::http
