#include "app/autopay.h"

#include <fmt/format.h>

#include "app/accounts.h"
#include "app/internal.h"

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

}  // namespace remit::app
