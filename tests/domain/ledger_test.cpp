// The money rules (domain/ledger.h), table-tested: every operation's postings balance, and the
// figures it leaves satisfy amount_due = total - credit applied - paid - credited - written off.
// Expectations are worked out from the rule's statement, not copied from the code's output.
#include "domain/ledger.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/error.h"

namespace remit::domain {
namespace {

using S = InvoiceStatus;

// The net of a set of postings per (book, invoice), for comparing against expectations.
std::map<std::pair<std::string, int64_t>, Minor> net(const Postings& p) {
  std::map<std::pair<std::string, int64_t>, Minor> m;
  for (auto& l : p) m[{book_name(l.book), l.invoice_id.value_or(0)}] += l.amount;
  for (auto it = m.begin(); it != m.end();) it = it->second == 0 ? m.erase(it) : std::next(it);
  return m;
}

Minor at(const std::map<std::pair<std::string, int64_t>, Minor>& m, const char* book, int64_t inv) {
  auto it = m.find({book, inv});
  return it == m.end() ? 0 : it->second;
}

InvoiceMoney invoice(Minor subtotal, Minor ca, Minor paid, Minor credited, Minor due) {
  InvoiceMoney m;
  m.id = 9;
  m.account_id = 3;
  m.status = due > 0 ? S::Open : S::Paid;
  m.subtotal = subtotal;
  m.credit_applied = ca;
  m.amount_paid = paid;
  m.amount_credited = credited;
  m.amount_due = due;
  return m;
}

TEST(Ledger, StateMachineAllowsOnlyItsTransitions) {
  const S all[] = {S::Draft, S::Open, S::Paid, S::Void, S::Uncollectible};
  std::set<std::pair<S, S>> allowed = {{S::Draft, S::Open}, {S::Draft, S::Paid},
                                       {S::Draft, S::Void}, {S::Open, S::Paid},
                                       {S::Open, S::Void},  {S::Open, S::Uncollectible},
                                       {S::Paid, S::Open}};
  for (S from : all)
    for (S to : all)
      EXPECT_EQ(can_transition(from, to), allowed.count({from, to}) == 1)
          << status_name(from) << " -> " << status_name(to);
  for (S s : all) EXPECT_EQ(parse_status(status_name(s)), s);
  EXPECT_FALSE(parse_status("Paid").has_value());
  EXPECT_EQ(settled_status(1), S::Open);
  EXPECT_EQ(settled_status(0), S::Paid);
}

TEST(Ledger, FinalizationAppliesCreditFirstAndTurnsNegativeTotalsIntoCredit) {
  struct Case {
    Minor subtotal, credit;
    Minor want_applied, want_due, want_added;
    S want_status;
  } cases[] = {
      {10000, 0, 0, 10000, 0, S::Open},     {10000, 2500, 2500, 7500, 0, S::Open},
      {10000, 10000, 10000, 0, 0, S::Paid}, {10000, 99999, 10000, 0, 0, S::Paid},
      {0, 500, 0, 0, 0, S::Paid},           {-4200, 100, 0, 0, 4200, S::Paid},
      {10000, -5, 0, 10000, 0, S::Open},  // never takes from a (corrupt) negative credit
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.subtotal);
    auto f = plan_finalization(c.subtotal, c.credit);
    EXPECT_EQ(f.credit_applied, c.want_applied);
    EXPECT_EQ(f.amount_due, c.want_due);
    EXPECT_EQ(f.credit_added, c.want_added);
    EXPECT_EQ(f.status, c.want_status);
    auto p = finalization_postings(3, 9, c.subtotal, f);
    EXPECT_EQ(postings_sum(p), 0);
    auto n = net(p);
    EXPECT_EQ(at(n, "ar", 9), c.want_due);
    EXPECT_EQ(at(n, "revenue", 0), -c.subtotal);
    EXPECT_EQ(at(n, "credit", 0), c.want_applied - c.want_added);  // debit: the liability shrinks
  }
}

TEST(Ledger, PaymentsGoToTheGivenInvoicesInOrderAndTheRestToCredit) {
  std::vector<Due> oldest_first = {{11, 3000}, {12, 5000}, {13, 0}, {14, 2000}};
  struct Case {
    Minor amount;
    std::vector<std::pair<int64_t, Minor>> want;
    Minor want_credit;
  } cases[] = {
      {1000, {{11, 1000}}, 0},
      {3000, {{11, 3000}}, 0},
      {7000, {{11, 3000}, {12, 4000}}, 0},
      {10000, {{11, 3000}, {12, 5000}, {14, 2000}}, 0},
      {12345, {{11, 3000}, {12, 5000}, {14, 2000}}, 2345},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.amount);
    auto a = allocate_payment(c.amount, oldest_first);
    EXPECT_EQ(a.applications, c.want);
    EXPECT_EQ(a.to_credit, c.want_credit);
    auto p = payment_postings(3, 77, c.amount, a);
    EXPECT_EQ(postings_sum(p), 0);
    for (auto& l : p) EXPECT_EQ(l.payment_id, std::optional<int64_t>(77));
    auto n = net(p);
    EXPECT_EQ(at(n, "cash", 0), c.amount);
    EXPECT_EQ(at(n, "credit", 0), -c.want_credit);
    for (auto& [inv, x] : c.want) EXPECT_EQ(at(n, "ar", inv), -x);
  }
  EXPECT_EQ(allocate_payment(500, {}).to_credit, 500);  // no open invoice: all credit
}

TEST(Ledger, CreditNotesLowerTheDueThenReleaseCreditThenPaymentsNewestFirst) {
  // total 100.00: 20.00 from credit, 50.00 paid by payments 5 (30.00) and 6 (20.00), 30.00 due
  auto inv = invoice(10000, 2000, 5000, 0, 3000);
  std::vector<Applied> newest_first = {{6, 2000}, {5, 3000}};
  struct Case {
    Minor amount, to_due, credit_released;
    std::vector<std::pair<int64_t, Minor>> released;
  } cases[] = {
      {1000, 1000, 0, {}},
      {3000, 3000, 0, {}},
      {4500, 3000, 1500, {}},
      {6000, 3000, 2000, {{6, 1000}}},
      {10000, 3000, 2000, {{6, 2000}, {5, 3000}}},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.amount);
    auto e = plan_credit_note(inv, c.amount, newest_first);
    EXPECT_EQ(e.to_due, c.to_due);
    EXPECT_EQ(e.credit_released, c.credit_released);
    std::vector<std::pair<int64_t, Minor>> got;
    for (auto& r : e.payments_released) got.push_back({r.payment_id, r.amount});
    EXPECT_EQ(got, c.released);
    EXPECT_EQ(e.to_credit, c.amount - c.to_due);
    auto p = credit_note_postings(inv, c.amount, e);
    EXPECT_EQ(postings_sum(p), 0);
    auto n = net(p);
    EXPECT_EQ(at(n, "revenue", 0), c.amount);
    EXPECT_EQ(at(n, "ar", 9), -c.to_due);  // the receivable follows the amount due
    EXPECT_EQ(at(n, "credit", 0), -(c.amount - c.to_due));
    // The figures after it still add up.
    Minor released = 0;
    for (auto& r : e.payments_released) released += r.amount;
    Minor ca = inv.credit_applied - e.credit_released, paid = inv.amount_paid - released,
          credited = c.amount, due = inv.amount_due - e.to_due;
    EXPECT_EQ(due, inv.total() - ca - paid - credited);
    EXPECT_GE(ca, 0);
    EXPECT_GE(paid, 0);
  }
}

TEST(Ledger, VoidWriteOffApplyCreditAndReversalBalance) {
  auto inv = invoice(10000, 2500, 0, 0, 7500);
  auto v = net(void_postings(inv));
  EXPECT_EQ(postings_sum(void_postings(inv)), 0);
  EXPECT_EQ(at(v, "ar", 9), -7500);
  EXPECT_EQ(at(v, "credit", 0), -2500);  // the applied credit goes back to the account
  EXPECT_EQ(at(v, "revenue", 0), 10000);

  auto w = net(write_off_postings(inv));
  EXPECT_EQ(postings_sum(write_off_postings(inv)), 0);
  EXPECT_EQ(at(w, "bad_debt", 0), 7500);
  EXPECT_EQ(at(w, "ar", 9), -7500);

  auto a = net(apply_credit_postings(inv, 1200));
  EXPECT_EQ(postings_sum(apply_credit_postings(inv, 1200)), 0);
  EXPECT_EQ(at(a, "ar", 9), -1200);
  EXPECT_EQ(at(a, "credit", 0), 1200);

  auto pay = payment_postings(3, 77, 9000, allocate_payment(9000, {{9, 7500}}));
  auto rev = reversal_postings(pay);
  EXPECT_EQ(postings_sum(rev), 0);
  Postings both = pay;
  both.insert(both.end(), rev.begin(), rev.end());
  EXPECT_TRUE(net(both).empty());
}

// A refund cheque (D12): the credit is owed as a cheque until issued, when cash goes out;
// voided, the credit comes back from wherever the money then is.
TEST(Ledger, ChequeRefundsMoveCreditToChequesPayableThenToCash) {
  auto sum = [](std::initializer_list<Postings> ps) {
    Postings all;
    for (auto& p : ps) all.insert(all.end(), p.begin(), p.end());
    return net(all);
  };
  auto refund = cheque_refund_postings(3, 4500), issue = cheque_issue_postings(3, 4500);
  for (auto* p : {&refund, &issue}) EXPECT_EQ(postings_sum(*p), 0);
  auto r = net(refund);
  EXPECT_EQ(at(r, "credit", 0), 4500);  // the account's credit (a liability) goes down
  EXPECT_EQ(at(r, "cheques_payable", 0), -4500);
  auto issued = sum({refund, issue});
  EXPECT_EQ(issued.size(), 2u);
  EXPECT_EQ(at(issued, "credit", 0), 4500);
  EXPECT_EQ(at(issued, "cash", 0), -4500);
  // Void before issue: nothing left but the credit back; after issue: the same.
  EXPECT_TRUE(sum({refund, cheque_void_postings(3, 4500, false)}).empty());
  EXPECT_TRUE(sum({refund, issue, cheque_void_postings(3, 4500, true)}).empty());
  for (auto& l : refund) EXPECT_EQ(l.account_id, 3);
  EXPECT_EQ(book_from_name("cheques_payable"), Book::ChequesPayable);
}

TEST(Ledger, SumsAreCheckedNotWrapped) {
  Postings p = {{Book::Cash, {}, {}, {}, INT64_MAX}, {Book::Ar, {}, {}, {}, 1}};
  EXPECT_THROW(postings_sum(p), Error);
  EXPECT_THROW(checked_add(INT64_MAX, 1), Error);
  EXPECT_THROW(checked_sub(INT64_MIN, 1), Error);
  EXPECT_THROW(checked_mul(INT64_MAX / 2, 3), Error);
  EXPECT_EQ(checked_mul(-4, 25), -100);
  EXPECT_EQ(line_amount(10'000'000'000, 1'000'000'000'00), std::nullopt);
  EXPECT_EQ(line_amount(10'000'000'000, 10'000), 1'000'000'000'000);  // exactly the limit
  EXPECT_EQ(line_amount(10'000'000'000, 10'001), std::nullopt);
  EXPECT_EQ(line_amount(1999, 150), 2999);  // 29.985 rounds half up
}

}  // namespace
}  // namespace remit::domain
