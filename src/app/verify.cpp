// `remit verify` (F7): proves the ledger balances and every cached balance agrees with it.
#include <fmt/format.h>

#include "app/invoices.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kTenants = "SELECT id FROM tenants ORDER BY id";
constexpr const char* kTotal =
    "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM ledger_entries WHERE tenant_id = ?";
constexpr const char* kUnbalancedTxns =
    "SELECT txn_id, SUM(amount) FROM ledger_entries WHERE tenant_id = ? GROUP BY txn_id "
    "HAVING SUM(amount) <> 0 LIMIT 20";
constexpr const char* kInvoiceVsLedger =
    "SELECT i.id, i.amount_due, COALESCE(l.s, 0) FROM invoices i LEFT JOIN "
    "(SELECT invoice_id, SUM(amount) AS s FROM ledger_entries WHERE tenant_id = ? AND book = 'ar' "
    "GROUP BY invoice_id) l ON l.invoice_id = i.id "
    "WHERE i.tenant_id = ? AND i.status <> 'draft' AND i.amount_due <> COALESCE(l.s, 0) LIMIT 20";
constexpr const char* kInvoiceArithmetic =
    "SELECT id FROM invoices WHERE tenant_id = ? AND status IN ('open', 'paid') AND amount_due <> "
    "(CASE WHEN subtotal > 0 THEN subtotal ELSE 0 END) - credit_applied - amount_paid - "
    "amount_credited LIMIT 20";
constexpr const char* kInvoiceLines =
    "SELECT i.id FROM invoices i LEFT JOIN (SELECT invoice_id, SUM(amount) AS s FROM invoice_lines "
    "WHERE tenant_id = ? GROUP BY invoice_id) l ON l.invoice_id = i.id "
    "WHERE i.tenant_id = ? AND i.subtotal <> COALESCE(l.s, 0) LIMIT 20";
constexpr const char* kCreditVsLedger =
    "SELECT a.id, a.credit_balance, COALESCE(l.s, 0) FROM accounts a LEFT JOIN "
    "(SELECT account_id, SUM(amount) AS s FROM ledger_entries WHERE tenant_id = ? "
    "AND book = 'credit' GROUP BY account_id) l ON l.account_id = a.id "
    "WHERE a.tenant_id = ? AND a.credit_balance <> -COALESCE(l.s, 0) LIMIT 20";
constexpr const char* kOrphans =
    "SELECT (SELECT COUNT(*) FROM invoice_lines l WHERE l.tenant_id = ? AND NOT EXISTS "
    "(SELECT 1 FROM invoices i WHERE i.id = l.invoice_id AND i.tenant_id = l.tenant_id)), "
    "(SELECT COUNT(*) FROM invoices i WHERE i.tenant_id = ? AND NOT EXISTS "
    "(SELECT 1 FROM accounts a WHERE a.id = i.account_id AND a.tenant_id = i.tenant_id))";
constexpr const char* kNumbers =
    "SELECT COUNT(number), COALESCE(MAX(number), 0), COUNT(*) FROM invoices WHERE tenant_id = ?";
constexpr const char* kCounter =
    "SELECT value FROM counters WHERE tenant_id = ? AND name = 'invoice'";
constexpr const char* kStatusNumbers =
    "SELECT COUNT(*) FROM invoices WHERE tenant_id = ? AND "
    "((status = 'draft' AND number IS NOT NULL) OR (status <> 'draft' AND status <> 'void' AND "
    "number IS NULL))";
}  // namespace

VerifyReport verify(store::Db& db) {
  VerifyReport r;
  store::Tx tx(db, false);
  std::vector<int64_t> tenants;
  {
    Query q(db, kTenants);
    while (q.next()) tenants.push_back(q.i64(0));
  }
  for (int64_t t : tenants) {
    ++r.tenants;
    auto problem = [&](std::string s) { r.problems.push_back(fmt::format("tenant {}: {}", t, s)); };
    {
      Query q(db, kTotal, t);
      q.next();
      r.entries += q.i64(0);
      if (q.i64(1) != 0) problem(fmt::format("ledger does not sum to zero ({})", q.i64(1)));
    }
    {
      Query q(db, kUnbalancedTxns, t);
      while (q.next()) problem(fmt::format("ledger transaction {} is off by {}", q.i64(0), q.i64(1)));
    }
    {
      Query q(db, kInvoiceVsLedger, t, t);
      while (q.next())
        problem(fmt::format("invoice {} amount due {} but ledger receivable {}", q.i64(0), q.i64(1),
                            q.i64(2)));
    }
    {
      Query q(db, kInvoiceArithmetic, t);
      while (q.next()) problem(fmt::format("invoice {} totals do not add up", q.i64(0)));
    }
    {
      Query q(db, kInvoiceLines, t, t);
      while (q.next()) problem(fmt::format("invoice {} subtotal differs from its lines", q.i64(0)));
    }
    {
      Query q(db, kCreditVsLedger, t, t);
      while (q.next())
        problem(fmt::format("account {} credit {} but ledger says {}", q.i64(0), q.i64(1), -q.i64(2)));
    }
    {
      Query q(db, kOrphans, t, t);
      q.next();
      if (q.i64(0) != 0) problem(fmt::format("{} invoice lines without their invoice", q.i64(0)));
      if (q.i64(1) != 0) problem(fmt::format("{} invoices without their account", q.i64(1)));
    }
    {
      Query q(db, kNumbers, t);
      q.next();
      int64_t numbered = q.i64(0), max = q.i64(1);
      r.invoices += q.i64(2);
      if (numbered != max)
        problem(fmt::format("invoice numbers have gaps: {} numbered, highest {}", numbered, max));
      Query c(db, kCounter, t);
      if (c.next() && c.i64(0) != max)
        problem(fmt::format("invoice counter {} but highest number {}", c.i64(0), max));
    }
    {
      Query q(db, kStatusNumbers, t);
      q.next();
      if (q.i64(0) != 0) problem(fmt::format("{} invoices numbered wrongly for their status", q.i64(0)));
    }
  }
  tx.commit();
  return r;
}

}  // namespace remit::app
