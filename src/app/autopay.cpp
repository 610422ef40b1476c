#include "app/autopay.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/accounts.h"
#include "core/int_list.h"
#include "app/internal.h"
#include "app/payment_policy.h"
#include "app/processor_payments.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kActive =
    "SELECT id, account_id, stream, method_id, created_at FROM autopay_enrollments "
    "WHERE tenant_id = ? AND account_id = ? AND cancelled_at IS NULL ";
constexpr const char* kPreferred =
    "SELECT id FROM payment_methods WHERE tenant_id = ? AND account_id = ? AND preferred = 1 "
    "AND deleted_at IS NULL";

Autopay read(Query& q) {
  return {q.i64(0), q.i64(1), q.text(2), q.opt_i64(3), q.text(4)};
}

// The first attempt's day (0) and the policy's retry days after it.
std::vector<int64_t> attempt_days(const std::string& retry_days) {
  std::vector<int64_t> days{0};
  for (auto d : split_ints(retry_days)) days.push_back(d);
  return days;
}
}  // namespace

Autopay enroll_autopay(Ctx& ctx, int64_t account_id, const std::string& stream,
                       std::optional<int64_t> method_id) {
  const Stream& st = detail::require_stream(ctx, "stream", stream);
  Account a = get_account(ctx, account_id);
  detail::lock_account(ctx, a.billing_account_id);
  if (a.billing_account_id != account_id)
    invalid("account_id", "the account is billed to its parent account; enrol the parent");
  int64_t method = 0;
  if (method_id) {
    method = *method_id;
  } else {
    Query q(ctx.db, kPreferred, ctx.tenant.id, account_id);
    if (!q.next()) invalid("method_id", "the account has no preferred payment method: name one");
    method = q.i64(0);
  }
  usable_method(ctx, account_id, method, "method_id");
  store::exec(ctx.db,
              "UPDATE autopay_enrollments SET cancelled_at = ? WHERE tenant_id = ? AND "
              "account_id = ? AND stream = ? AND cancelled_at IS NULL",
              format_instant(ctx.now), ctx.tenant.id, account_id, st.code);
  int64_t id = store::one_int(
      ctx.db,
      "INSERT INTO autopay_enrollments (tenant_id, account_id, stream, method_id, created_at) "
      "VALUES (?, ?, ?, ?, ?) RETURNING id",
      ctx.tenant.id, account_id, st.code, method_id, format_instant(ctx.now));
  audit(ctx, "autopay.enrolled", "account", account_id, st.code);
  Query q(ctx.db, std::string(kActive) + "AND id = ?", ctx.tenant.id, account_id, id);
  q.next();
  return read(q);
}

void cancel_autopay(Ctx& ctx, int64_t account_id, const std::string& stream) {
  get_account(ctx, account_id);
  int64_t n = store::exec(ctx.db,
                          "UPDATE autopay_enrollments SET cancelled_at = ? WHERE tenant_id = ? AND "
                          "account_id = ? AND stream = ? AND cancelled_at IS NULL",
                          format_instant(ctx.now), ctx.tenant.id, account_id, stream);
  if (n == 0) not_found("autopay enrolment of stream " + stream);
  audit(ctx, "autopay.cancelled", "account", account_id, stream);
}

std::vector<Autopay> list_autopay(Ctx& ctx, int64_t account_id) {
  get_account(ctx, account_id);
  std::vector<Autopay> out;
  Query q(ctx.db, std::string(kActive) + "ORDER BY stream", ctx.tenant.id, account_id);
  while (q.next()) out.push_back(read(q));
  return out;
}

int run_autopay(Caller& c) {
  struct Due {
    int64_t account_id;
    std::optional<int64_t> method_id;
    int64_t invoice;
    std::string base;  // the autopay date
  };
  std::vector<Due> due;
  std::vector<int64_t> offsets;
  Date today;
  {
    store::Tx tx(c.db, false);
    Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, "system");
    today = ctx.today;
    PaymentPolicy policy = load_payment_policy(c.db, c.tenant_id);
    offsets = attempt_days(policy.autopay_retry_days);
    std::string col = policy.autopay_on == "invoice_date" ? "i.issue_date" : "i.due_date";
    // Open invoices of enrolled streams whose autopay date or a retry day has come.
    Query q(c.db,
            "SELECT e.account_id, e.method_id, i.id, " + col +
                " FROM autopay_enrollments e JOIN invoices i ON i.tenant_id = e.tenant_id AND "
                "i.account_id = e.account_id AND i.stream = e.stream WHERE e.tenant_id = ? AND "
                "e.cancelled_at IS NULL AND i.status = 'open' AND i.amount_due > 0 AND " + col +
                " <= ? AND " + col + " >= ? ORDER BY i.id",
            c.tenant_id, format_date(today), format_date(today - date::days{offsets.back()}));
    while (q.next()) due.push_back({q.i64(0), q.opt_i64(1), q.i64(2), q.text(3)});
  }
  int attempts = 0;
  for (auto& d : due) {
    Date base = detail::require_date("due_date", d.base);
    size_t k = 0;
    for (size_t i = 0; i < offsets.size(); ++i)
      if (base + date::days{offsets[i]} <= today) k = i;
    std::optional<int64_t> method = d.method_id;
    if (!method) {
      store::Tx tx(c.db, false);
      Query q(c.db, kPreferred, c.tenant_id, d.account_id);
      if (q.next()) method = q.i64(0);
    }
    PaymentRequest r;
    r.account_id = d.account_id;
    r.invoice_ids = {d.invoice};
    r.method_id = method.value_or(0);
    r.request_key = fmt::format("autopay-{}-{}", d.invoice, k);
    r.channel = "autopay";
    r.pre_authorized = true;
    try {
      pay(c, r);
      ++attempts;
    } catch (const Error& e) {
      if (e.code == Code::Retryable || e.code == Code::Internal) throw;  // the job retries
      // Declined (payment.failed is raised), or no usable method: tried again on the next
      // retry day.
      spdlog::info("event=autopay_not_paid tenant={} invoice={} attempt={} reason=\"{}\"",
                   c.tenant_id, d.invoice, k + 1, e.what());
      ++attempts;
    }
  }
  return attempts;
}

}  // namespace remit::app
