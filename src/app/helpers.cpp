// Shared validation and ledger helpers (app/internal.h).
#include "app/internal.h"

#include <limits>

namespace remit::app::detail {
using store::Query;

namespace {
// The lock of the concurrency rule is this UPDATE (a row lock until commit on PostgreSQL),
// which also bumps the version the upcoming invoice is cached by.
constexpr const char* kLockAccount =
    "UPDATE accounts SET version = version + 1 WHERE tenant_id = ? AND id = ? "
    "RETURNING credit_balance";
constexpr const char* kBillingAccountOf =
    "SELECT billing_account_id FROM accounts WHERE tenant_id = ? AND id = ?";
// Through the partial index of payments still processing (a few rows), not the account's
// index: an account with thousands of payments made each payment read them all (the bench's
// post_payment at half speed). "+ 0" keeps the planner off (tenant_id, account_id).
constexpr const char* kProcessing =
    "SELECT COALESCE(SUM(amount), 0) FROM payments WHERE tenant_id = ? AND status = 'processing' "
    "AND account_id + 0 = ?";
constexpr const char* kAddCredit =
    "UPDATE accounts SET credit_balance = credit_balance + ? WHERE tenant_id = ? AND id = ? "
    "AND credit_balance >= -CAST(? AS BIGINT) AND credit_balance <= ?";
}  // namespace

store::RowSet ledger_rows() {
  return {"ledger_entries",
          {"tenant_id", "txn_id", "entry_date", "book", "account_id", "invoice_id", "payment_id",
           "amount"}};
}

void add_ledger(store::RowSet& rows, int64_t tenant_id, int64_t txn_id, Date date,
                const domain::Postings& legs) {
  if (domain::postings_sum(legs) != 0)
    throw Error(Code::Internal, "unbalanced ledger transaction");
  std::string d = format_date(date);
  for (auto& l : legs)
    if (l.amount != 0)
      rows.add(tenant_id, txn_id, d, domain::book_name(l.book), l.account_id, l.invoice_id,
               l.payment_id, l.amount);
}

void post_ledger(store::Db& db, int64_t tenant_id, Date date, const domain::Postings& legs,
                 int64_t txn_id) {
  if (txn_id == 0) txn_id = next_counter(db, tenant_id, "ledger_txn");
  auto rows = ledger_rows();
  add_ledger(rows, tenant_id, txn_id, date, legs);
  db.insert_rows(rows);
}

Minor lock_account(Ctx& ctx, int64_t billing_account_id) {
  Query q(ctx.db, kLockAccount, ctx.tenant.id, billing_account_id);
  if (!q.next()) not_found("account");
  Minor credit = q.i64(0);
  while (q.next()) {
  }
  return credit;
}

int64_t lock_billing_account(Ctx& ctx, int64_t account_id, std::string_view field) {
  int64_t billing;
  {
    Query q(ctx.db, kBillingAccountOf, ctx.tenant.id, account_id);
    if (!q.next()) invalid(std::string(field), "no such account");
    billing = q.i64(0);  // fixed at creation: a parent is never changed
  }
  lock_account(ctx, billing);
  return billing;
}

std::optional<Locked> lock_owner(Ctx& ctx, std::string_view table, int64_t id) {
  int64_t billing;
  {
    Query q(ctx.db,
            "SELECT a.billing_account_id FROM " + std::string(table) +
                " t JOIN accounts a ON a.tenant_id = t.tenant_id AND a.id = t.account_id "
                "WHERE t.tenant_id = ? AND t.id = ?",
            ctx.tenant.id, id);
    if (!q.next()) return std::nullopt;
    billing = q.i64(0);
  }
  return Locked{billing, lock_account(ctx, billing)};
}

void add_credit(store::Db& db, int64_t tenant_id, int64_t account_id, Minor delta) {
  if (delta == 0) return;
  // A decrease may leave a credit above the limit (stored before it was enforced) as it is.
  Minor ceiling = delta > 0 ? kMaxAmount - delta : std::numeric_limits<Minor>::max();
  if (store::exec(db, kAddCredit, delta, tenant_id, account_id, delta, ceiling) != 1)
    throw Error(Code::Internal, "account credit would go below 0 or above " +
                                    minor_to_decimal(kMaxAmount));
}

bool credit_fits(Minor credit, Minor added) { return added <= 0 || added <= kMaxAmount - credit; }

void require_credit_room(Ctx& ctx, int64_t account_id, Minor credit, Minor added,
                         std::string_view field) {
  Minor processing = store::one_int(ctx.db, kProcessing, ctx.tenant.id, account_id);
  if (!credit_fits(credit, checked_add(processing, std::max<Minor>(added, 0))))
    invalid(std::string(field), "the account's credit would pass " + minor_to_decimal(kMaxAmount));
}

Date require_date(std::string_view field, const std::string& s) {
  auto d = parse_date(s);
  if (!d) invalid(std::string(field), "must be a date YYYY-MM-DD");
  return *d;
}

Date date_or_today(const Ctx& ctx, std::string_view field, const std::optional<std::string>& s) {
  return s ? require_date(field, *s) : ctx.today;
}

std::optional<Date> opt_date(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return parse_date(*s);
}

const Stream& require_stream(const Ctx& ctx, std::string_view field, const std::string& code) {
  const Stream* s = ctx.tenant.stream(code);
  if (!s) invalid(std::string(field), "unknown invoice stream '" + code + "'");
  return *s;
}

const Stream& default_item_stream(const Ctx& ctx) {
  if (auto s = ctx.tenant.stream("services")) return *s;
  return ctx.tenant.streams.front();
}

std::vector<int64_t> page_ids(Ctx& ctx, std::string_view table, std::optional<int64_t> account_id,
                              int64_t after, int limit) {
  Query q(ctx.db, "SELECT id FROM " + std::string(table) + kAccountPage, ctx.tenant.id, account_id,
          account_id, after, limit);
  std::vector<int64_t> ids;
  while (q.next()) ids.push_back(q.i64(0));
  return ids;
}

int clamp_limit(int limit) { return limit < 1 ? 1 : limit > 200 ? 200 : limit; }

}  // namespace remit::app::detail
