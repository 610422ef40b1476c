// Corrections and money in (C2, D1, F7): credit notes, void, uncollectible, staff-posted
// payments applied oldest first or to a chosen invoice, overpayment to account credit.
// Every test ends with the ledger verifying.
#include "app/fixture.h"

namespace remit::test {
namespace {

constexpr Minor kPlan = 10000;  // Support plan, per month, in arrears

// One tenant (Net 30, invoiced on the 1st), account A billed 100.00 a month from January:
// after moving to April 2 it has three open invoices, Feb 1, Mar 1 and Apr 1.
class LedgerTest : public AppTest {
 protected:
  void SetUp() override {
    AppTest::SetUp();
    make_tenant("default", D("2024-12-20"));
    plan = price("Support plan", "recurring", "arrears", "month", kPlan, "main");
    A = account("Acme").id;
    B = account("Birch").id;
    sub = subscribe(A, plan, 100, "2025-01-01");
  }
  std::vector<app::Invoice> open_invoices(int64_t acct) {
    std::vector<app::Invoice> out;
    for (auto& i : invoices_of(acct))
      if (i.status == "open") out.push_back(i);
    return out;
  }
  app::Invoice inv(int64_t id) {
    return tx([&](app::Ctx& c) { return app::get_invoice(c, id); });
  }
  app::CreditNote credit_note(int64_t invoice, Minor amount, const std::string& reason = "goodwill") {
    return tx([&](app::Ctx& c) { return app::create_credit_note(c, invoice, amount, reason); });
  }
  int64_t plan = 0, A = 0, B = 0, sub = 0;
};

TEST_F(LedgerTest, CreditNotesLowerTheAmountDueUpToTheInvoiceTotal) {
  advance_to("2025-02-02");
  auto i = invoice_issued(A, "2025-02-01");
  EXPECT_EQ(i.amount_due, kPlan);
  auto n1 = credit_note(i.id, 3000, "outage on Jan 12");
  EXPECT_EQ(n1.number, 1);
  EXPECT_EQ(n1.amount, 3000);
  i = inv(i.id);
  EXPECT_EQ(i.amount_credited, 3000);
  EXPECT_EQ(i.amount_due, kPlan - 3000);
  EXPECT_EQ(i.status, "open");
  // More than what is left of the total is refused, naming the field.
  expect_invalid("amount", [&] { credit_note(i.id, kPlan - 3000 + 1); });
  expect_invalid("amount", [&] { credit_note(i.id, 0); });
  expect_invalid("amount", [&] { credit_note(i.id, -5); });
  expect_invalid("reason", [&] { credit_note(i.id, 100, ""); });
  expect_invalid("invoice_id", [&] { credit_note(999999, 100); });
  auto n2 = credit_note(i.id, kPlan - 3000);
  EXPECT_EQ(n2.number, 2);  // credit note numbers are gapless too
  i = inv(i.id);
  EXPECT_EQ(i.amount_due, 0);
  EXPECT_EQ(i.status, "paid");
  expect_invalid("amount", [&] { credit_note(i.id, 1); });
  EXPECT_EQ(get_account(A).credit_balance, 0);
  auto notes = tx([&](app::Ctx& c) { return app::list_credit_notes(c, i.id, {0, 50}); });
  EXPECT_EQ(notes.items.size(), 2u);
  expect_verifies();
}

TEST_F(LedgerTest, CreditNoteBeyondTheAmountDueBecomesAccountCredit) {
  advance_to("2025-02-10");
  auto feb = invoice_issued(A, "2025-02-01");
  pay(A, 6000);  // 40.00 still due
  auto n = credit_note(feb.id, kPlan, "service not delivered");
  EXPECT_EQ(n.amount, kPlan);
  // The note pays the 40.00 due and releases the 60.00 payment, which becomes account credit:
  // the invoice shows it credited in full, and its figures still add up.
  feb = inv(feb.id);
  EXPECT_EQ(feb.amount_paid, 0);
  EXPECT_EQ(feb.amount_credited, kPlan);
  EXPECT_EQ(feb.amount_due, 0);
  EXPECT_EQ(feb.status, "paid");
  EXPECT_EQ(get_account(A).credit_balance, 6000);
  auto payment = tx([&](app::Ctx& c) { return app::list_payments(c, A, {0, 50}); }).items.at(0);
  EXPECT_TRUE(payment.applications.empty());
  EXPECT_EQ(payment.unapplied, 6000);
  // The next invoice uses the credit.
  advance_to("2025-03-01");
  auto mar = invoice_issued(A, "2025-03-01");
  EXPECT_EQ(mar.credit_applied, 6000);
  EXPECT_EQ(mar.amount_due, kPlan - 6000);
  EXPECT_EQ(get_account(A).credit_balance, 0);
  // A credit note on a paid invoice is all account credit, and the invoice shows it credited:
  // it releases the credit the invoice used first, then payments.
  pay(A, kPlan - 6000, mar.id);
  credit_note(mar.id, 2500);
  EXPECT_EQ(get_account(A).credit_balance, 2500);
  mar = inv(mar.id);
  EXPECT_EQ(mar.amount_credited, 2500);
  EXPECT_EQ(mar.credit_applied, 6000 - 2500);
  EXPECT_EQ(mar.amount_paid, kPlan - 6000);
  EXPECT_EQ(mar.status, "paid");
  credit_note(mar.id, 5000);  // 35.00 more credit, then 15.00 of the payment
  mar = inv(mar.id);
  EXPECT_EQ(mar.credit_applied, 0);
  EXPECT_EQ(mar.amount_paid, kPlan - 6000 - 1500);
  EXPECT_EQ(mar.amount_credited, 7500);
  EXPECT_EQ(get_account(A).credit_balance, 7500);
  expect_verifies();
}

TEST_F(LedgerTest, VoidReversesAnOpenInvoice) {
  advance_to("2025-03-02");
  auto feb = invoice_issued(A, "2025-02-01");
  auto mar = invoice_issued(A, "2025-03-01");
  EXPECT_EQ(balance(A).balance_due, 2 * kPlan);
  auto v = tx([&](app::Ctx& c) { return app::void_invoice(c, feb.id); });
  EXPECT_EQ(v.status, "void");
  EXPECT_EQ(v.amount_due, 0);
  EXPECT_EQ(v.number, feb.number);  // the number stays used: no gap
  EXPECT_EQ(balance(A).balance_due, kPlan);
  // Void is final: no second void, no payment, no credit note.
  expect_error(Code::FailedPrecondition, "", [&] { tx([&](app::Ctx& c) { app::void_invoice(c, feb.id); }); });
  expect_invalid("invoice_id", [&] { pay(A, 100, feb.id); });
  expect_error(Code::FailedPrecondition, "", [&] { credit_note(feb.id, 100); });
  // An invoice with a payment on it is corrected by a credit note, not voided.
  pay(A, 100, mar.id);
  expect_error(Code::FailedPrecondition, "", [&] { tx([&](app::Ctx& c) { app::void_invoice(c, mar.id); }); });
  // A voided period is not billed again.
  advance_to("2025-04-01");
  EXPECT_EQ(invoices_of(A).size(), 3u);
  expect_gapless_numbers();
  expect_verifies();
}

TEST_F(LedgerTest, VoidGivesBackTheCreditTheInvoiceUsed) {
  advance_to("2025-01-15");
  pay(A, 4000);  // nothing open yet: all account credit
  EXPECT_EQ(get_account(A).credit_balance, 4000);
  advance_to("2025-02-01");
  auto feb = invoice_issued(A, "2025-02-01");
  EXPECT_EQ(feb.credit_applied, 4000);
  EXPECT_EQ(feb.amount_due, kPlan - 4000);
  EXPECT_EQ(get_account(A).credit_balance, 0);
  tx([&](app::Ctx& c) { app::void_invoice(c, feb.id); });
  EXPECT_EQ(get_account(A).credit_balance, 4000);
  EXPECT_EQ(balance(A).balance_due, 0);
  expect_verifies();
}

TEST_F(LedgerTest, UncollectibleWritesOffTheAmountDue) {
  advance_to("2025-02-10");
  auto feb = invoice_issued(A, "2025-02-01");
  pay(A, 2500, feb.id);
  auto u = tx([&](app::Ctx& c) { return app::mark_uncollectible(c, feb.id); });
  EXPECT_EQ(u.status, "uncollectible");
  EXPECT_EQ(u.amount_due, 0);
  EXPECT_EQ(u.amount_paid, 2500);
  EXPECT_EQ(balance(A).balance_due, 0);
  expect_error(Code::FailedPrecondition, "", [&] { tx([&](app::Ctx& c) { app::mark_uncollectible(c, feb.id); }); });
  expect_invalid("invoice_id", [&] { pay(A, 100, feb.id); });
  // The write-off is a bad-debt entry against the receivable.
  auto ledger = tx([&](app::Ctx& c) { return app::list_ledger(c, std::nullopt, {0, 200}); });
  Minor bad_debt = 0;
  for (auto& e : ledger.items)
    if (e.book == "bad_debt") bad_debt += e.amount;
  EXPECT_EQ(bad_debt, kPlan - 2500);
  expect_verifies();
}

TEST_F(LedgerTest, PaymentWithoutAnInvoiceGoesOldestFirst) {
  advance_to("2025-04-02");
  auto open = open_invoices(A);
  ASSERT_EQ(open.size(), 3u);
  auto p = pay(A, kPlan + kPlan / 2, std::nullopt, "bank_transfer");
  EXPECT_EQ(p.method, "bank_transfer");
  EXPECT_EQ(p.status, "succeeded");
  EXPECT_EQ(p.confirmation.size(), 12u);
  ASSERT_EQ(p.applications.size(), 2u);
  EXPECT_EQ(p.applications[0].invoice_id, open[0].id);  // February first
  EXPECT_EQ(p.applications[0].amount, kPlan);
  EXPECT_EQ(p.applications[1].invoice_id, open[1].id);  // then half of March
  EXPECT_EQ(p.applications[1].amount, kPlan / 2);
  EXPECT_EQ(p.unapplied, 0);
  EXPECT_EQ(inv(open[0].id).status, "paid");
  auto mar = inv(open[1].id);
  EXPECT_EQ(mar.status, "open");
  EXPECT_EQ(mar.amount_due, kPlan / 2);
  EXPECT_EQ(inv(open[2].id).amount_due, kPlan);
  EXPECT_EQ(balance(A).balance_due, kPlan / 2 + kPlan);
  expect_verifies();
}

TEST_F(LedgerTest, PaymentToAChosenInvoiceLeavesTheOthers) {
  advance_to("2025-04-02");
  auto open = open_invoices(A);
  ASSERT_EQ(open.size(), 3u);
  auto p = pay(A, 3000, open[2].id);  // the newest, April's
  ASSERT_EQ(p.applications.size(), 1u);
  EXPECT_EQ(p.applications[0].invoice_id, open[2].id);
  EXPECT_EQ(inv(open[2].id).amount_due, kPlan - 3000);
  EXPECT_EQ(inv(open[0].id).amount_due, kPlan);
  EXPECT_EQ(inv(open[1].id).amount_due, kPlan);
  // More than the chosen invoice owes: the rest is account credit, not the other invoices.
  p = pay(A, kPlan, open[2].id);
  EXPECT_EQ(p.unapplied, 3000);
  EXPECT_EQ(inv(open[2].id).status, "paid");
  EXPECT_EQ(inv(open[0].id).amount_due, kPlan);
  EXPECT_EQ(get_account(A).credit_balance, 3000);
  // Another account's invoice cannot be chosen.
  expect_invalid("invoice_id", [&] { pay(B, 100, open[0].id); });
  expect_verifies();
}

TEST_F(LedgerTest, OverpaymentBecomesCreditThatPaysTheNextInvoices) {
  advance_to("2025-02-05");
  auto p = pay(A, 25000);
  EXPECT_EQ(p.applications.size(), 1u);
  EXPECT_EQ(p.unapplied, 25000 - kPlan);
  EXPECT_EQ(get_account(A).credit_balance, 15000);
  auto b = balance(A);
  EXPECT_EQ(b.balance_due, 0);
  EXPECT_EQ(b.credit_balance, 15000);
  advance_to("2025-03-01");
  auto mar = invoice_issued(A, "2025-03-01");
  EXPECT_EQ(mar.credit_applied, kPlan);
  EXPECT_EQ(mar.amount_due, 0);
  EXPECT_EQ(mar.status, "paid");  // nothing left to pay
  advance_to("2025-04-01");
  auto apr = invoice_issued(A, "2025-04-01");
  EXPECT_EQ(apr.credit_applied, 5000);
  EXPECT_EQ(apr.amount_due, kPlan - 5000);
  EXPECT_EQ(apr.status, "open");
  EXPECT_EQ(get_account(A).credit_balance, 0);
  auto payments = tx([&](app::Ctx& c) { return app::list_payments(c, A, {0, 50}); });
  ASSERT_EQ(payments.items.size(), 1u);
  EXPECT_EQ(payments.items[0].unapplied, 15000);
  expect_verifies();
}

TEST_F(LedgerTest, PaymentValidation) {
  advance_to("2025-02-05");
  auto base = [&] {
    app::NewPayment p;
    p.account_id = A;
    p.method = "cheque";
    p.amount = 100;
    return p;
  };
  auto post = [&](app::NewPayment p) { tx([&](app::Ctx& c) { app::post_payment(c, p); }); };
  for (const char* m : {"cash", "Cheque", "card", ""}) {
    auto p = base();
    p.method = m;
    expect_invalid("method", [&] { post(p); });
  }
  for (Minor a : {Minor{0}, Minor{-100}, kMaxAmount + 1}) {
    auto p = base();
    p.amount = a;
    expect_invalid("amount", [&] { post(p); });
  }
  auto p = base();
  p.received_date = "2025-02-06";
  expect_invalid("received_date", [&] { post(p); });
  p.received_date = "05/02/2025";
  expect_invalid("received_date", [&] { post(p); });
  p = base();
  p.account_id = 424242;
  expect_invalid("account_id", [&] { post(p); });
  p = base();
  p.reference = std::string(101, 'x');
  expect_invalid("reference", [&] { post(p); });
  p = base();
  p.invoice_id = 424242;
  expect_invalid("invoice_id", [&] { post(p); });
  // Nothing was written by the refused payments.
  EXPECT_TRUE(tx([&](app::Ctx& c) { return app::list_payments(c, std::nullopt, {0, 50}); }).items.empty());
  expect_verifies();
}

// A child billed to its parent has no invoices and no credit of its own: its charges are
// on the parent's invoices, so a payment posted to it would sit as credit no run ever uses.
TEST_F(LedgerTest, PaymentsForAChildBilledToItsParentGoToTheParent) {
  auto child = account("Acme - branch", A, true);
  subscribe(child.id, plan, 100, "2025-01-01");
  advance_to("2025-02-05");
  auto feb = invoice_issued(A, "2025-02-01");
  EXPECT_EQ(feb.subtotal, 2 * kPlan);
  expect_invalid("account_id", [&] { pay(child.id, kPlan); });
  EXPECT_EQ(get_account(child.id).credit_balance, 0);
  auto p = pay(A, 2 * kPlan);
  EXPECT_EQ(p.applications.size(), 1u);
  EXPECT_EQ(inv(feb.id).status, "paid");
  expect_verifies();
}

TEST_F(LedgerTest, ChargeInvoicedAtOnceTakesTheNextNumber) {
  advance_to("2025-02-10");
  auto c = tx([&](app::Ctx& ctx) {
    app::NewCharge ch;
    ch.account_id = A;
    ch.description = "Rush onboarding";
    ch.unit_amount = 20000;
    ch.invoice_now = true;
    return app::create_charge(ctx, ch);
  });
  ASSERT_TRUE(c.invoice_id.has_value());
  auto i = inv(*c.invoice_id);
  EXPECT_EQ(i.number, 2);  // after February's run invoice
  EXPECT_EQ(i.issue_date, "2025-02-10");
  EXPECT_EQ(i.due_date, "2025-03-12");  // Net 30
  EXPECT_EQ(i.subtotal, 20000);
  EXPECT_EQ(i.amount_due, 20000);
  ASSERT_EQ(i.lines.size(), 1u);
  EXPECT_EQ(i.lines[0].kind, "charge");
  EXPECT_EQ(i.lines[0].description, "Rush onboarding");
  // It is not billed again by the next run.
  advance_to("2025-03-01");
  auto mar = invoice_issued(A, "2025-03-01");
  EXPECT_EQ(mar.lines.size(), 1u);
  EXPECT_EQ(mar.number, 3);
  expect_gapless_numbers();
  expect_verifies();
}

// With auto-finalize off a run leaves drafts: no number until finalized, and a draft
// voided never takes one.
class DraftTest : public AppTest {};

TEST_F(DraftTest, DraftsAreNumberedWhenFinalized) {
  tenant_ = [&] {
    store::Tx t(db(), true);
    app::NewTenant nt;
    nt.name = "Drafts";
    nt.test_mode = true;
    nt.auto_finalize = false;
    nt.clock_start = local_midnight(D("2024-12-20"), "UTC");
    int64_t id = app::create_tenant(db(), clock_, nt);
    t.commit();
    return id;
  }();
  int64_t plan = price("Support plan", "recurring", "arrears", "month", kPlan, "main");
  auto a = account("Acme"), b = account("Birch");
  subscribe(a.id, plan, 100, "2025-01-01");
  subscribe(b.id, plan, 200, "2025-01-01");
  advance_to("2025-02-02");
  auto ia = invoice_issued(a.id, "2025-02-01"), ib = invoice_issued(b.id, "2025-02-01");
  EXPECT_EQ(ia.status, "draft");
  EXPECT_FALSE(ia.number.has_value());
  EXPECT_EQ(ia.number_text(), "DRAFT");
  EXPECT_EQ(ia.amount_due, kPlan);
  EXPECT_EQ(balance(a.id).balance_due, 0);  // a draft is not owed yet
  expect_invalid("invoice_id", [&] { pay(a.id, 100, ia.id); });
  auto vb = tx([&](app::Ctx& c) { return app::void_invoice(c, ib.id); });
  EXPECT_EQ(vb.status, "void");
  EXPECT_FALSE(vb.number.has_value());
  auto fa = tx([&](app::Ctx& c) { return app::finalize_invoice(c, ia.id); });
  EXPECT_EQ(fa.status, "open");
  EXPECT_EQ(fa.number, 1);
  EXPECT_EQ(fa.number_text(), "INV-000001");
  EXPECT_EQ(balance(a.id).balance_due, kPlan);
  expect_error(Code::FailedPrecondition, "", [&] { tx([&](app::Ctx& c) { app::finalize_invoice(c, ia.id); }); });
  expect_verifies();
}

}  // namespace
}  // namespace remit::test
