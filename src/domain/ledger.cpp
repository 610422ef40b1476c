#include "domain/ledger.h"

#include <algorithm>
#include <string>

#include "core/error.h"

namespace remit::domain {

const char* book_name(Book b) {
  switch (b) {
    case Book::Ar: return "ar";
    case Book::Revenue: return "revenue";
    case Book::Cash: return "cash";
    case Book::Credit: return "credit";
    case Book::BadDebt: return "bad_debt";
    case Book::Clearing: return "clearing";
    case Book::FeeRevenue: return "fee_revenue";
    case Book::ChequesPayable: return "cheques_payable";
  }
  return "ar";
}

Book book_from_name(std::string_view n) {
  for (Book b : {Book::Ar, Book::Revenue, Book::Cash, Book::Credit, Book::BadDebt, Book::Clearing,
                 Book::FeeRevenue, Book::ChequesPayable})
    if (n == book_name(b)) return b;
  throw Error(Code::Internal, "unknown ledger book " + std::string(n));
}

Minor postings_sum(const Postings& p) {
  Minor s = 0;
  for (auto& l : p) s = checked_add(s, l.amount);
  return s;
}

Finalization plan_finalization(Minor subtotal, Minor available_credit) {
  Finalization f;
  if (subtotal >= 0) {
    f.credit_applied = std::min(std::max<Minor>(available_credit, 0), subtotal);
    f.amount_due = subtotal - f.credit_applied;
  } else {
    f.credit_added = -subtotal;
  }
  f.status = settled_status(f.amount_due);
  return f;
}

Postings finalization_postings(int64_t account_id, int64_t invoice_id, Minor subtotal,
                               const Finalization& f) {
  if (subtotal >= 0)
    return {{Book::Ar, account_id, invoice_id, {}, f.amount_due},
            {Book::Credit, account_id, {}, {}, f.credit_applied},
            {Book::Revenue, {}, {}, {}, -subtotal}};
  // a net credit (e.g. a prepaid service cancelled) becomes account credit
  return {{Book::Revenue, {}, {}, {}, -subtotal}, {Book::Credit, account_id, {}, {}, subtotal}};
}

Allocation allocate_payment(Minor amount, const std::vector<Due>& targets) {
  Allocation a;
  Minor left = amount;
  for (auto& t : targets) {
    if (left == 0) break;
    Minor x = std::min(left, t.amount_due);
    if (x <= 0) continue;
    a.applications.push_back({t.invoice_id, x});
    left -= x;
  }
  a.to_credit = left;
  return a;
}

Postings payment_postings(int64_t account_id, int64_t payment_id, Minor amount,
                          const Allocation& a, Book funds) {
  Postings p = {{funds, {}, {}, payment_id, amount}};
  for (auto& [inv, x] : a.applications) p.push_back({Book::Ar, account_id, inv, payment_id, -x});
  p.push_back({Book::Credit, account_id, {}, payment_id, -a.to_credit});
  return p;
}

Postings fee_postings(int64_t payment_id, Minor fee) {
  return {{Book::Clearing, {}, {}, payment_id, fee}, {Book::FeeRevenue, {}, {}, payment_id, -fee}};
}

Postings settlement_postings(int64_t payment_id, Minor total) {
  return {{Book::Cash, {}, {}, payment_id, total}, {Book::Clearing, {}, {}, payment_id, -total}};
}

CreditNoteEffect plan_credit_note(const InvoiceMoney& inv, Minor amount,
                                  const std::vector<Applied>& applied) {
  CreditNoteEffect e;
  e.to_due = std::min(amount, inv.amount_due);
  Minor excess = amount - e.to_due;
  e.to_credit = excess;
  e.credit_released = std::min(excess, inv.credit_applied);
  excess -= e.credit_released;
  for (auto& a : applied) {
    if (excess == 0) break;
    Minor x = std::min(excess, a.amount);
    if (x <= 0) continue;
    e.payments_released.push_back({a.payment_id, x});
    excess -= x;
  }
  return e;
}

Postings credit_note_postings(const InvoiceMoney& inv, Minor amount, const CreditNoteEffect& e) {
  // Revenue down by the note; the receivable down by what it paid of the amount due. What it
  // released (applied credit, payments) is account credit again, traced to each payment.
  Postings p = {{Book::Revenue, {}, {}, {}, amount},
                {Book::Ar, inv.account_id, inv.id, {}, -e.to_due},
                {Book::Credit, inv.account_id, {}, {}, -e.credit_released}};
  for (auto& r : e.payments_released) {
    p.push_back({Book::Ar, inv.account_id, inv.id, r.payment_id, r.amount});
    p.push_back({Book::Ar, inv.account_id, inv.id, {}, -r.amount});
    p.push_back({Book::Credit, inv.account_id, {}, r.payment_id, -r.amount});
  }
  return p;
}

Postings void_postings(const InvoiceMoney& inv) {
  return {{Book::Revenue, {}, {}, {}, inv.subtotal},
          {Book::Ar, inv.account_id, inv.id, {}, -inv.amount_due},
          {Book::Credit, inv.account_id, {}, {}, -inv.credit_applied}};
}

Postings write_off_postings(const InvoiceMoney& inv) {
  return {{Book::BadDebt, {}, {}, {}, inv.amount_due},
          {Book::Ar, inv.account_id, inv.id, {}, -inv.amount_due}};
}

Postings apply_credit_postings(const InvoiceMoney& inv, Minor amount) {
  return {{Book::Credit, inv.account_id, {}, {}, amount},
          {Book::Ar, inv.account_id, inv.id, {}, -amount}};
}

Postings cheque_refund_postings(int64_t account_id, Minor amount) {
  return {{Book::Credit, account_id, {}, {}, amount},
          {Book::ChequesPayable, account_id, {}, {}, -amount}};
}

Postings cheque_issue_postings(int64_t account_id, Minor amount) {
  return {{Book::ChequesPayable, account_id, {}, {}, amount}, {Book::Cash, {}, {}, {}, -amount}};
}

Postings cheque_void_postings(int64_t account_id, Minor amount, bool issued) {
  if (issued) return {{Book::Cash, {}, {}, {}, amount}, {Book::Credit, account_id, {}, {}, -amount}};
  return {{Book::ChequesPayable, account_id, {}, {}, amount},
          {Book::Credit, account_id, {}, {}, -amount}};
}

Postings reversal_postings(const Postings& net) {
  Postings p;
  for (auto l : net) {
    l.amount = checked_sub(0, l.amount);
    p.push_back(l);
  }
  return p;
}

}  // namespace remit::domain
