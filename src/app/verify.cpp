// `remit verify` (F7): proves the ledger balances and every figure agrees with it and with
// the records behind it. Sums are taken in SQL as two parts (amount / 10^9 and amount % 10^9,
// which cannot overflow) and combined and compared in 128 bits here, so whatever a database
// holds, verify names the records instead of failing on "integer overflow".
#include <fmt/format.h>

#include <functional>

#include "app/invoices.h"
#include "domain/invoice_state.h"

namespace remit::app {
using store::Query;

namespace {
using Wide = __int128;

// Two columns: the exact sum of `col` split in two parts; read back with wide().
#define SPLIT(col) "SUM(" col " / 1000000000), SUM(" col " % 1000000000)"

Wide wide(Query& q, int c) {
  if (q.null(c)) return 0;
  return static_cast<Wide>(q.i64(c)) * 1'000'000'000 + q.i64(c + 1);
}

std::string str(Wide v) {  // fmt cannot print __int128
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : v;
  std::string s;
  while (u) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  return neg ? "-" + s : s;
}

constexpr const char* kTenants = "SELECT id FROM tenants ORDER BY id";
constexpr const char* kTotal =
    "SELECT COUNT(*), " SPLIT("amount") " FROM ledger_entries WHERE tenant_id = ?";
// Candidates only (a balanced transaction may have non-zero parts); checked exactly below.
constexpr const char* kTxnCandidates =
    "SELECT txn_id, " SPLIT("amount") " FROM ledger_entries WHERE tenant_id = ? GROUP BY txn_id "
    "HAVING SUM(amount / 1000000000) <> 0 OR SUM(amount % 1000000000) <> 0";
// Each invoice with what its ledger, payments, credit notes and lines say.
constexpr const char* kInvoices =
    "SELECT i.id, i.status, i.subtotal, i.credit_applied, i.amount_paid, i.amount_credited, "
    "i.written_off, i.amount_due, ar.h, ar.l, pa.h, pa.l, cn.h, cn.l, li.h, li.l "
    "FROM invoices i "
    "LEFT JOIN (SELECT invoice_id, SUM(amount / 1000000000) AS h, SUM(amount % 1000000000) AS l "
    "  FROM ledger_entries WHERE tenant_id = ? AND book = 'ar' GROUP BY invoice_id) ar "
    "  ON ar.invoice_id = i.id "
    "LEFT JOIN (SELECT a.invoice_id, SUM(a.amount / 1000000000) AS h, "
    "  SUM(a.amount % 1000000000) AS l FROM payment_applications a JOIN payments p "
    "  ON p.tenant_id = a.tenant_id AND p.id = a.payment_id WHERE a.tenant_id = ? "
    "  AND p.status IN ('succeeded', 'pending', 'settled') GROUP BY a.invoice_id) pa "
    "  ON pa.invoice_id = i.id "
    "LEFT JOIN (SELECT invoice_id, SUM(amount / 1000000000) AS h, SUM(amount % 1000000000) AS l "
    "  FROM credit_notes WHERE tenant_id = ? GROUP BY invoice_id) cn ON cn.invoice_id = i.id "
    "LEFT JOIN (SELECT invoice_id, SUM(amount / 1000000000) AS h, SUM(amount % 1000000000) AS l "
    "  FROM invoice_lines WHERE tenant_id = ? GROUP BY invoice_id) li ON li.invoice_id = i.id "
    "WHERE i.tenant_id = ? ORDER BY i.id";
// Each payment with its applications and its ledger legs by book.
constexpr const char* kPayments =
    "SELECT p.id, p.status, p.amount, pa.h, pa.l, pa.neg, cash.h, cash.l, cr.h, cr.l, ar.h, ar.l, "
    "p.fee, fr.h, fr.l, p.refunded "
    "FROM payments p "
    "LEFT JOIN (SELECT payment_id, SUM(amount / 1000000000) AS h, SUM(amount % 1000000000) AS l, "
    "  SUM(CASE WHEN amount <= 0 THEN 1 ELSE 0 END) AS neg FROM payment_applications "
    "  WHERE tenant_id = ? GROUP BY payment_id) pa ON pa.payment_id = p.id "
    "LEFT JOIN (SELECT payment_id, SUM(amount / 1000000000) AS h, SUM(amount % 1000000000) AS l "
    "  FROM ledger_entries WHERE tenant_id = ? AND book IN ('cash', 'clearing') "
    "  GROUP BY payment_id) cash "
    "  ON cash.payment_id = p.id "
    "LEFT JOIN (SELECT payment_id, SUM(amount / 1000000000) AS h, SUM(amount % 1000000000) AS l "
    "  FROM ledger_entries WHERE tenant_id = ? AND book = 'credit' GROUP BY payment_id) cr "
    "  ON cr.payment_id = p.id "
    "LEFT JOIN (SELECT payment_id, SUM(amount / 1000000000) AS h, SUM(amount % 1000000000) AS l "
    "  FROM ledger_entries WHERE tenant_id = ? AND book = 'ar' GROUP BY payment_id) ar "
    "  ON ar.payment_id = p.id "
    "LEFT JOIN (SELECT payment_id, SUM(amount / 1000000000) AS h, SUM(amount % 1000000000) AS l "
    "  FROM ledger_entries WHERE tenant_id = ? AND book = 'fee_revenue' GROUP BY payment_id) fr "
    "  ON fr.payment_id = p.id "
    "WHERE p.tenant_id = ? ORDER BY p.id";
constexpr const char* kAccounts =
    "SELECT a.id, a.credit_balance, l.h, l.l FROM accounts a LEFT JOIN "
    "(SELECT account_id, SUM(amount / 1000000000) AS h, SUM(amount % 1000000000) AS l "
    "FROM ledger_entries WHERE tenant_id = ? AND book = 'credit' GROUP BY account_id) l "
    "ON l.account_id = a.id WHERE a.tenant_id = ? ORDER BY a.id";
// Each account with refund cheques owed (D12): its pending cheques against its cheques_payable
// book; a cheque of no positive amount is counted apart.
constexpr const char* kCheques =
    "SELECT a.id, c.h, c.l, l.h, l.l, COALESCE(c.bad, 0) FROM accounts a "
    "LEFT JOIN (SELECT account_id, "
    "  SUM(CASE WHEN status = 'pending' THEN amount / 1000000000 ELSE 0 END) AS h, "
    "  SUM(CASE WHEN status = 'pending' THEN amount % 1000000000 ELSE 0 END) AS l, "
    "  SUM(CASE WHEN amount <= 0 THEN 1 ELSE 0 END) AS bad "
    "  FROM cheque_refunds WHERE tenant_id = ? GROUP BY account_id) c ON c.account_id = a.id "
    "LEFT JOIN (SELECT account_id, SUM(amount / 1000000000) AS h, "
    "  SUM(amount % 1000000000) AS l FROM ledger_entries WHERE tenant_id = ? "
    "  AND book = 'cheques_payable' GROUP BY account_id) l ON l.account_id = a.id "
    "WHERE a.tenant_id = ? AND (c.account_id IS NOT NULL OR l.account_id IS NOT NULL) "
    "ORDER BY a.id";
constexpr const char* kChequesUnowned =
    "SELECT COUNT(*) FROM ledger_entries WHERE tenant_id = ? AND book = 'cheques_payable' "
    "AND account_id IS NULL";
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
    "SELECT id FROM invoices WHERE tenant_id = ? AND "
    "((status = 'draft' AND number IS NOT NULL) OR (status <> 'draft' AND status <> 'void' AND "
    "number IS NULL)) ORDER BY id LIMIT 20";

// What is wrong with one invoice's figures, or "".
std::string check_invoice(Query& q) {
  using S = domain::InvoiceStatus;
  auto status = domain::parse_status(q.text(1));
  if (!status) return fmt::format("unknown status '{}'", q.text(1));
  Wide subtotal = q.i64(2), ca = q.i64(3), paid = q.i64(4), credited = q.i64(5),
       wo = q.i64(6), due = q.i64(7), ar = wide(q, 8), apps = wide(q, 10),
       notes = wide(q, 12), lines = wide(q, 14);
  Wide total = subtotal > 0 ? subtotal : 0;
  if (subtotal != lines)
    return fmt::format("subtotal {} but its lines add up to {}", str(subtotal), str(lines));
  if (ca < 0 || paid < 0 || credited < 0 || wo < 0 || due < 0)
    return "has a negative figure (credit applied, paid, credited, written off or due)";
  if (paid != apps)
    return fmt::format("amount paid {} but its payment applications add up to {}", str(paid),
                       str(apps));
  if (credited != notes)
    return fmt::format("amount credited {} but its credit notes add up to {}", str(credited),
                       str(notes));
  if (*status == S::Draft || *status == S::Void) {  // nothing owed, nothing posted (net)
    if (ca || paid || credited || wo || ar || (*status == S::Void && due))
      return fmt::format("{} but shows money applied, due or posted", q.text(1));
    return "";
  }
  if (due != total - ca - paid - credited - wo)
    return fmt::format("amount due {} is not total {} - credit applied {} - paid {} - credited {} "
                       "- written off {}",
                       str(due), str(total), str(ca), str(paid), str(credited), str(wo));
  if (ar != due)
    return fmt::format("amount due {} but ledger receivable {}", str(due), str(ar));
  switch (*status) {
    case S::Open:
      if (due <= 0) return "open with nothing due";
      break;
    case S::Paid:
      if (due != 0) return fmt::format("paid with {} due", str(due));
      break;
    case S::Uncollectible:
      if (due != 0 || wo <= 0) return "uncollectible but nothing was written off";
      break;
    default: break;
  }
  return "";
}

// What is wrong with one payment, or "".
std::string check_payment(Query& q) {
  std::string status = q.text(1);
  // cash: the funds, in cash or still in the processor's clearing, with the fee
  Wide amount = q.i64(2), apps = wide(q, 3), cash = wide(q, 6), credit = wide(q, 8),
       ar = wide(q, 10), fee = q.i64(12), fee_revenue = wide(q, 13), refunded = q.i64(15);
  int64_t non_positive = q.null(5) ? 0 : q.i64(5);
  if (status == "reversed" || status == "returned") {
    if (apps || cash || credit || ar || fee_revenue)
      return status + " but still applied or in the ledger";
    return "";
  }
  if (status == "processing" || status == "failed" || status == "voided") {
    if (apps || cash || credit || ar || fee_revenue)
      return status + " but applied or in the ledger";
    return "";
  }
  if (status != "succeeded" && status != "pending" && status != "settled")
    return fmt::format("unknown status '{}'", status);
  if (amount <= 0) return fmt::format("amount {} is not positive", str(amount));
  if (non_positive) return "has an application that is not positive";
  if (apps > amount)
    return fmt::format("applications {} exceed its amount {}", str(apps), str(amount));
  if (-fee_revenue != fee)
    return fmt::format("fee {} but ledger fee revenue {}", str(fee), str(-fee_revenue));
  if (refunded < 0 || refunded > amount)
    return fmt::format("refunded {} of its amount {}", str(refunded), str(amount));
  if (cash != amount + fee - refunded)
    return fmt::format("amount {}, fee {} and refunds {} but ledger funds {}", str(amount),
                       str(fee), str(refunded), str(cash));
  amount -= refunded;  // what it still pays
  if (-credit != amount - apps)
    return fmt::format("unapplied rest {} but ledger credit {}", str(amount - apps), str(-credit));
  if (-ar != apps)
    return fmt::format("applications {} but ledger receivable {}", str(apps), str(-ar));
  return "";
}

}  // namespace

VerifyReport verify(store::Db& db) {
  VerifyReport r;
  store::Tx tx(db, false);  // one snapshot: concurrent writers never show half a change
  std::vector<int64_t> tenants;
  {
    Query q(db, kTenants);
    while (q.next()) tenants.push_back(q.i64(0));
  }
  constexpr int kMaxPerCheck = 20;
  for (int64_t t : tenants) {
    ++r.tenants;
    auto problem = [&](std::string s) { r.problems.push_back(fmt::format("tenant {}: {}", t, s)); };
    // Reports the first kMaxPerCheck problems of one check, then how many more there were.
    struct Capped {
      std::function<void(std::string)> add;
      int n = 0;
      void operator()(std::string s) {
        if (++n <= kMaxPerCheck) add(std::move(s));
      }
      void done(const char* what) {
        if (n > kMaxPerCheck) add(fmt::format("... and {} more {}", n - kMaxPerCheck, what));
      }
    };
    {
      Query q(db, kTotal, t);
      q.next();
      r.entries += q.i64(0);
      if (Wide s = wide(q, 1)) problem(fmt::format("ledger does not sum to zero ({})", str(s)));
    }
    {
      Capped c{problem};
      Query q(db, kTxnCandidates, t);
      while (q.next())
        if (Wide s = wide(q, 1))
          c(fmt::format("ledger transaction {} is off by {}", q.i64(0), str(s)));
      c.done("unbalanced ledger transactions");
    }
    {
      Capped c{problem};
      Query q(db, kInvoices, t, t, t, t, t);
      while (q.next())
        if (auto p = check_invoice(q); !p.empty()) c(fmt::format("invoice {}: {}", q.i64(0), p));
      c.done("invoices");
    }
    {
      Capped c{problem};
      Query q(db, kPayments, t, t, t, t, t, t);
      while (q.next())
        if (auto p = check_payment(q); !p.empty()) c(fmt::format("payment {}: {}", q.i64(0), p));
      c.done("payments");
    }
    {
      Capped c{problem};
      Query q(db, kAccounts, t, t);
      while (q.next()) {
        Wide credit = q.i64(1), book = -wide(q, 2);
        if (credit < 0)
          c(fmt::format("account {}: credit {} is negative", q.i64(0), str(credit)));
        else if (credit > kMaxAmount)
          c(fmt::format("account {}: credit {} is above the limit {}", q.i64(0), str(credit),
                        str(kMaxAmount)));
        else if (credit != book)
          c(fmt::format("account {}: credit {} but ledger says {}", q.i64(0), str(credit),
                        str(book)));
      }
      c.done("accounts");
    }
    {
      Capped c{problem};
      Query q(db, kCheques, t, t, t);
      while (q.next()) {
        Wide pending = wide(q, 1), book = -wide(q, 3);
        if (q.i64(5) != 0)
          c(fmt::format("account {}: {} refund cheques of no positive amount", q.i64(0), q.i64(5)));
        else if (pending != book)
          c(fmt::format("account {}: refund cheques pending {} but ledger cheques payable {}",
                        q.i64(0), str(pending), str(book)));
      }
      c.done("accounts' refund cheques");
      if (int64_t n = store::one_int(db, kChequesUnowned, t))
        problem(fmt::format("{} cheques payable ledger entries name no account", n));
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
      while (q.next())
        problem(fmt::format("invoice {}: numbered wrongly for its status", q.i64(0)));
    }
  }
  tx.commit();
  return r;
}

}  // namespace remit::app
