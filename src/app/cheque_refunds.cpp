// The cheque refund run and the life of a cheque: issued, void (app/cheque_refunds.h).
#include "app/cheque_refunds.h"

#include <spdlog/spdlog.h>

#include "app/accounts.h"
#include "app/internal.h"
#include "app/outbox.h"
#include "app/payment_policy.h"
#include "core/int_list.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kCandidates =
    "SELECT a.id FROM accounts a WHERE a.tenant_id = ? AND a.status = 'closed' "
    "AND a.credit_balance > 0 AND NOT EXISTS (SELECT 1 FROM cheque_refunds c WHERE "
    "c.tenant_id = a.tenant_id AND c.account_id = a.id AND c.run_date = ?) ORDER BY a.id";
constexpr const char* kAlready =
    "SELECT COUNT(*) FROM cheque_refunds WHERE tenant_id = ? AND run_date = ?";
constexpr const char* kHasCheque =
    "SELECT COUNT(*) FROM cheque_refunds WHERE tenant_id = ? AND account_id = ? AND run_date = ?";
constexpr const char* kUnsettled =
    "SELECT COUNT(*) FROM payments WHERE tenant_id = ? AND account_id = ? "
    "AND status IN ('processing', 'pending')";
constexpr const char* kOwed =
    "SELECT COALESCE(SUM(amount_due), 0) FROM invoices WHERE tenant_id = ? AND account_id = ? "
    "AND status = 'open'";
constexpr const char* kInsert =
    "INSERT INTO cheque_refunds (tenant_id, account_id, run_date, cheque_number, amount, payee, "
    "address, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?) RETURNING id";
constexpr const char* kIssue =
    "UPDATE cheque_refunds SET status = 'issued', issued_at = ? WHERE tenant_id = ? AND id = ? "
    "AND status = 'pending'";
constexpr const char* kVoid =
    "UPDATE cheque_refunds SET status = 'void', voided_at = ?, void_reason = ? "
    "WHERE tenant_id = ? AND id = ? AND status IN ('pending', 'issued')";
constexpr const char* kRunPending =
    "SELECT id FROM cheque_refunds WHERE tenant_id = ? AND run_date = ? AND status = 'pending' "
    "ORDER BY account_id, id";

std::string payee_of(const Account& a) {
  if (!a.company.empty()) return a.company;
  return a.last_name.empty() ? a.name : a.name + " " + a.last_name;
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// One account's cheque, in the caller's transaction. Returns the amount refunded (0 when it
// was refunded already), or the reason it waits for a later run.
struct One {
  Minor amount = 0;
  bool already = false;
  std::string skipped;
};
One refund_account(Ctx& ctx, int64_t account_id, Date run_date) {
  Minor credit = detail::lock_account(ctx, account_id);  // reads below are under the lock
  Account a = get_account(ctx, account_id);
  std::string day = format_date(run_date);
  if (store::one_int(ctx.db, kHasCheque, ctx.tenant.id, account_id, day) > 0) return {0, true, ""};
  if (a.status != "closed" || credit <= 0) return {};  // changed since the candidates were read
  if (store::one_int(ctx.db, kUnsettled, ctx.tenant.id, account_id) > 0)
    return {0, false, "a payment is still processing or pending (not yet settled)"};
  Minor owed = store::one_int(ctx.db, kOwed, ctx.tenant.id, account_id);
  Minor amount = credit - owed;
  if (amount <= 0) return {0, false, "its credit does not exceed what it owes on open invoices"};
  if (blank(a.address)) return {0, false, "no mailing address"};
  int64_t number = next_counter(ctx.db, ctx.tenant.id, "cheque_number");
  int64_t id = store::one_int(ctx.db, kInsert, ctx.tenant.id, account_id, day, number, amount,
                              payee_of(a), a.address, format_instant(ctx.now));
  detail::post_ledger(ctx.db, ctx.tenant.id, ctx.today,
                      domain::cheque_refund_postings(account_id, amount));
  detail::add_credit(ctx.db, ctx.tenant.id, account_id, -amount);
  audit(ctx, "cheque_refund.created", "account", account_id,
        "cheque " + std::to_string(number) + " " + minor_to_decimal(amount));
  Notices n(ctx);
  n.event("cheque_refund.created", "cheque_refund", id,
          cheque_refund_data(get_cheque_refund(ctx, id)));
  n.email("cheque_refund", id, join_emails(a.emails));
  n.write();
  return {amount, false, ""};
}

// Runs f(ctx) in a write transaction, again when the database asks for a retry.
template <class F>
auto in_write_tx(store::Db& db, const Clock& clock, int64_t tenant_id, const std::string& actor,
                 const std::string& source, F f) {
  for (int attempt = 1;; ++attempt) {
    try {
      store::Tx tx(db, true);
      Ctx ctx = make_ctx(db, clock, tenant_id, actor, source);
      auto r = f(ctx);
      tx.commit();
      return r;
    } catch (const Error& e) {
      if (e.code != Code::Retryable || attempt == 3) throw;
    }
  }
}

// The cheque, locked (its account's lock) and read under the lock; `credit`, when given,
// receives the account's credit.
ChequeRefund lock_cheque(Ctx& ctx, int64_t id, Minor* credit = nullptr) {
  auto locked = detail::lock_owner(ctx, "cheque_refunds", id);
  if (!locked) not_found("cheque refund");
  if (credit) *credit = locked->credit;
  return get_cheque_refund(ctx, id);
}

ChequeRefund issue(Ctx& ctx, ChequeRefund c) {
  if (c.status == "issued") return c;
  if (c.status != "pending") precondition("cheque " + std::to_string(c.cheque_number) + " is void");
  store::exec(ctx.db, kIssue, format_instant(ctx.now), ctx.tenant.id, c.id);
  detail::post_ledger(ctx.db, ctx.tenant.id, ctx.today,
                      domain::cheque_issue_postings(c.account_id, c.amount));
  audit(ctx, "cheque_refund.issued", "cheque_refund", c.id, std::to_string(c.cheque_number));
  ChequeRefund done = get_cheque_refund(ctx, c.id);
  record_event(ctx, "cheque_refund.issued", "cheque_refund", c.id, cheque_refund_data(done));
  return done;
}
}  // namespace

bool is_refund_run_day(const PaymentPolicy& p, Date day) {
  for (int64_t d : split_ints(p.refund_run_days))
    if (d == day_of_month(day)) return true;
  return false;
}

RefundRunResult run_cheque_refunds(store::Db& db, const Clock& clock, int64_t tenant_id,
                                   Date run_date, const std::string& actor,
                                   const std::string& source) {
  RefundRunResult r;
  r.run_date = format_date(run_date);
  std::vector<int64_t> accounts;
  {
    store::Tx tx(db, false);
    r.already = static_cast<int>(store::one_int(db, kAlready, tenant_id, r.run_date));
    Query q(db, kCandidates, tenant_id, r.run_date);
    while (q.next()) accounts.push_back(q.i64(0));
  }
  for (int64_t id : accounts) {
    One one = in_write_tx(db, clock, tenant_id, actor, source,
                          [&](Ctx& ctx) { return refund_account(ctx, id, run_date); });
    if (one.already) {
      ++r.already;
    } else if (!one.skipped.empty()) {
      r.skipped.push_back({id, one.skipped});
    } else if (one.amount > 0) {
      ++r.refunded;
      r.total = checked_add(r.total, one.amount);
    }
  }
  if (r.refunded || !r.skipped.empty())
    spdlog::info("event=cheque_refund_run tenant={} run_date={} refunded={} total={} skipped={}",
                 tenant_id, r.run_date, r.refunded, r.total, r.skipped.size());
  return r;
}

ChequeRefund mark_cheque_issued(Ctx& ctx, int64_t id) { return issue(ctx, lock_cheque(ctx, id)); }

int64_t mark_run_issued(Ctx& ctx, const std::string& run_date) {
  detail::require_date("run_date", run_date);
  std::vector<int64_t> ids;
  {
    Query q(ctx.db, kRunPending, ctx.tenant.id, run_date);
    while (q.next()) ids.push_back(q.i64(0));
  }
  int64_t n = 0;
  for (int64_t id : ids)  // by account: the locks are taken in ascending order
    if (issue(ctx, lock_cheque(ctx, id)).status == "issued") ++n;
  return n;
}

ChequeRefund void_cheque_refund(Ctx& ctx, int64_t id, const std::string& reason) {
  if (blank(reason) || reason.size() > 500) invalid("reason", "must be 1-500 characters");
  Minor credit;
  ChequeRefund c = lock_cheque(ctx, id, &credit);
  if (c.status == "void")
    precondition("cheque " + std::to_string(c.cheque_number) + " is already void");
  detail::require_credit_room(ctx, c.account_id, credit, c.amount, "id");  // the amount returns as credit
  store::exec(ctx.db, kVoid, format_instant(ctx.now), reason, ctx.tenant.id, id);
  detail::post_ledger(ctx.db, ctx.tenant.id, ctx.today,
                      domain::cheque_void_postings(c.account_id, c.amount, c.status == "issued"));
  detail::add_credit(ctx.db, ctx.tenant.id, c.account_id, c.amount);
  audit(ctx, "cheque_refund.voided", "cheque_refund", id, reason);
  ChequeRefund done = get_cheque_refund(ctx, id);
  record_event(ctx, "cheque_refund.voided", "cheque_refund", id, cheque_refund_data(done));
  return done;
}

}  // namespace remit::app
