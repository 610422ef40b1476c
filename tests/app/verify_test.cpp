// `remit verify` proves the invariants, not only that the ledger balances: each test corrupts a
// real database in one way and expects verify to fail naming the record, and never to fail on
// arithmetic (values near the 64-bit limits included).
#include "app/fixture.h"

namespace remit::test {
namespace {

constexpr Minor kPlan = 10000;

// A provider with a paid, a partly paid and an open invoice, a credit note, an overpayment and
// a written-off invoice: every kind of record verify checks.
class VerifyTest : public AppTest {
 protected:
  void SetUp() override {
    AppTest::SetUp();
    t = make_tenant("default", D("2025-01-01"));
    int64_t plan = price("Plan", "recurring", "arrears", "month", kPlan, "main");
    A = account("Acme").id;
    B = account("Birch").id;
    subscribe(A, plan, 100, "2025-01-01");
    subscribe(B, plan, 100, "2025-01-01");
    advance_to("2025-04-02");
    auto a = invoices_of(A);
    feb = a.at(0).id;
    mar = a.at(1).id;
    pay(A, kPlan, feb);
    payment = pay(A, kPlan / 2, mar).id;
    tx([&](app::Ctx& c) { app::create_credit_note(c, mar, 1000, "outage"); });
    pay(B, 3 * kPlan + 700);  // all three of B's invoices, 7.00 to credit
    tx([&](app::Ctx& c) { app::mark_uncollectible(c, a.at(2).id); });
    expect_verifies();
  }
  void sql(const std::string& s) {
    store::Tx tx(db(), true);
    db().exec_script(s);
    tx.commit();
  }
  // Verify fails, and one of its problems contains every one of `words`.
  void expect_problem(std::initializer_list<std::string> words) {
    auto r = app::verify(db());
    ASSERT_FALSE(r.ok()) << "verify passed a corrupt database";
    std::string all;
    for (auto& p : r.problems) {
      all += p + "\n";
      bool every = true;
      for (auto& w : words) every = every && p.find(w) != std::string::npos;
      if (every) return;
    }
    ADD_FAILURE() << "no problem names all of the expected words; got:\n" << all;
  }
  std::string id(int64_t v) { return std::to_string(v); }
  int64_t t = 0, A = 0, B = 0, feb = 0, mar = 0, payment = 0;
};

TEST_F(VerifyTest, AmountDueThatDoesNotAddUp) {
  sql("UPDATE invoices SET amount_due = amount_due + 1 WHERE id = " + id(mar));
  expect_problem({"invoice " + id(mar), "amount due"});
}

TEST_F(VerifyTest, NegativeAmountDue) {
  // Overpaid: paid twice its total, due negative (what double application looked like).
  sql("UPDATE invoices SET amount_paid = 2 * subtotal, amount_due = -subtotal WHERE id = " +
      id(feb));
  expect_problem({"invoice " + id(feb), "negative"});
}

TEST_F(VerifyTest, AmountPaidThatIsNotItsApplications) {
  sql("UPDATE payment_applications SET amount = amount - 1 WHERE invoice_id = " + id(feb));
  expect_problem({"invoice " + id(feb), "payment applications"});
}

TEST_F(VerifyTest, AmountCreditedThatIsNotItsCreditNotes) {
  sql("UPDATE credit_notes SET amount = amount + 5 WHERE invoice_id = " + id(mar));
  expect_problem({"invoice " + id(mar), "credit notes"});
}

TEST_F(VerifyTest, StatusThatDisagreesWithTheAmounts) {
  sql("UPDATE invoices SET status = 'paid' WHERE id = " + id(mar));
  expect_problem({"invoice " + id(mar), "paid with"});
  sql("UPDATE invoices SET status = 'open' WHERE id = " + id(mar));
  sql("UPDATE invoices SET status = 'open' WHERE id = " + id(feb));
  expect_problem({"invoice " + id(feb), "open with nothing due"});
}

TEST_F(VerifyTest, PaymentWhoseApplicationsAndRestDoNotMakeItsAmount) {
  sql("UPDATE payments SET amount = amount + 100 WHERE id = " + id(payment));
  expect_problem({"payment " + id(payment)});
}

TEST_F(VerifyTest, NegativeAccountCredit) {
  sql("UPDATE accounts SET credit_balance = -5 WHERE id = " + id(A));
  expect_problem({"account " + id(A), "negative"});
}

// The limit of docs/billing.md "Limits": credit above 10^15 is reported as such.
TEST_F(VerifyTest, AccountCreditAboveTheLimit) {
  sql("UPDATE accounts SET credit_balance = " + std::to_string(kMaxAmount + 1) + " WHERE id = " +
      id(B));
  expect_problem({"account " + id(B), "above the limit"});
}

TEST_F(VerifyTest, CreditThatIsNotItsBook) {
  sql("UPDATE accounts SET credit_balance = credit_balance + 1 WHERE id = " + id(B));
  expect_problem({"account " + id(B), "ledger says"});
}

TEST_F(VerifyTest, UnbalancedLedgerTransaction) {
  sql("UPDATE ledger_entries SET amount = amount + 1 WHERE book = 'cash' AND payment_id = " +
      id(payment));
  expect_problem({"ledger transaction", "off by 1"});
}

// Values near the 64-bit limits make verify name the records, not fail with "integer overflow".
TEST_F(VerifyTest, HugeValuesAreReportedNotOverflowed) {
  const std::string big = std::to_string(INT64_MAX - 10);
  sql("UPDATE invoice_lines SET amount = " + big + " WHERE invoice_id = " + id(feb));
  sql("UPDATE invoices SET subtotal = " + big + ", amount_due = " + big + " WHERE id = " + id(mar));
  sql("UPDATE ledger_entries SET amount = " + big + " WHERE book = 'revenue'");
  sql("UPDATE accounts SET credit_balance = -" + big + " WHERE id = " + id(B));
  auto r = app::verify(db());
  ASSERT_FALSE(r.ok());
  expect_problem({"invoice " + id(feb), "subtotal"});
  expect_problem({"invoice " + id(mar)});
  expect_problem({"ledger does not sum to zero"});
  expect_problem({"account " + id(B), "negative"});
}

TEST_F(VerifyTest, ReportsOrphanedLinesAndInvoices) {
  bool sqlite = db().backend() == "sqlite";  // SQLite still enforces these keys: lift them
  if (sqlite) db().exec_script("PRAGMA foreign_keys=OFF");
  {
    store::Tx tx(db(), true);
    store::exec(db(),
                "INSERT INTO invoice_lines (tenant_id, invoice_id, account_id, kind, description, "
                "period_start, period_end, quantity, unit_amount, amount) "
                "VALUES (?, 999999, 1, 'charge', 'orphan', '2025-01-01', '2025-01-02', 100, 0, 0)",
                t);
    store::exec(db(),
                "INSERT INTO invoices (tenant_id, account_id, stream, status, issue_date, due_date, "
                "terms, subtotal, amount_due, created_at) VALUES (?, 888888, 'main', 'draft', "
                "'2025-01-10', '2025-01-25', 'Net 15', 0, 0, 'x')",
                t);
    tx.commit();
  }
  if (sqlite) db().exec_script("PRAGMA foreign_keys=ON");
  expect_problem({"1 invoice lines without their invoice"});
  expect_problem({"1 invoices without their account"});
}

}  // namespace
}  // namespace remit::test
