// Regression tests for the defects found by testing Remit as a clerk and an attacker would
// (issue "Money that stays right"): each failed on the code before the fix.
#include <atomic>
#include <chrono>
#include <thread>

#include "app/fixture.h"

namespace remit::test {
namespace {

class DefectTest : public AppTest {
 protected:
  app::Invoice inv(int64_t id) {
    return tx([&](app::Ctx& c) { return app::get_invoice(c, id); });
  }
};

// 1. Two clerks (two connections, two threads) post the whole amount of one open invoice at
// the same moment: exactly one applies to it, the other finds it paid or goes to credit.
TEST_F(DefectTest, ConcurrentPaymentsOfOneInvoiceNeverBothApply) {
  make_tenant("default", D("2025-01-01"));
  int64_t plan = price("Plan", "recurring", "arrears", "month", 10000, "main");
  int64_t a = account("Acme").id;
  subscribe(a, plan, 100, "2025-01-01");
  advance_to("2025-02-02");
  auto feb = invoice_issued(a, "2025-02-01");
  constexpr int kClerks = 6;
  std::atomic<int> accepted{0}, refused{0};
  std::vector<std::thread> clerks;
  for (int i = 0; i < kClerks; ++i)
    clerks.emplace_back([&] {
      auto db = store::open_db(test_db_.url());
      for (int attempt = 0; attempt < 50; ++attempt) {
        try {
          store::Tx t(*db, true);
          app::Ctx ctx = app::make_ctx(*db, clock_, tenant_, "clerk");
          app::post_payment(ctx, {a, "cheque", "", 10000, std::nullopt, feb.id});
          t.commit();
          ++accepted;
          return;
        } catch (const Error& e) {
          if (e.code == Code::Retryable) continue;  // SQLite busy: try again, as the API does
          ++refused;  // "the invoice is not open"
          return;
        }
      }
    });
  for (auto& t : clerks) t.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(refused.load(), kClerks - 1);
  auto after = inv(feb.id);
  EXPECT_EQ(after.amount_paid, 10000);
  EXPECT_EQ(after.amount_due, 0);
  expect_verifies();
}

// 2. A metered price of 10^10 with a reading of 10^9 units overflowed into credit; 925 large
// charges overflowed the subtotal. Both are refused at input, naming the field and the limit.
TEST_F(DefectTest, AmountsThatCannotFitAnInvoiceAreRefusedAtInput) {
  make_tenant("default", D("2025-01-01"));
  int64_t metered = price("Transit", "metered", "", "", 10'000'000'000, "main");
  int64_t a = account("Acme").id;
  int64_t sub = subscribe(a, metered, 100, "2025-01-01");
  advance_to("2025-01-10");
  try {
    tx([&](app::Ctx& c) { app::record_usage(c, {sub, 1'000'000'000'00, std::nullopt}); });
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.field, "quantity");
    EXPECT_NE(std::string(e.what()).find("10000000000.00"), std::string::npos) << e.what();
  }
  tx([&](app::Ctx& c) { app::record_usage(c, {sub, 100, std::nullopt}); });  // 1 unit is fine
  // One charge: unit x quantity above the line limit.
  expect_invalid("quantity", [&] { charge(a, "Big", 100'000'000, 10'000'000'000); });
  // Many large charges: refused once the account's unbilled total would pass its limit.
  int accepted = 0;
  try {
    for (int i = 0; i < 925; ++i, ++accepted) charge(a, "Large", 10'000, 10'000'000'000);
    ADD_FAILURE() << "925 large charges accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.field, "unit_amount");
    EXPECT_NE(std::string(e.what()).find(minor_to_decimal(kMaxUnbilled)), std::string::npos);
  }
  EXPECT_LT(accepted, 925);
  advance_to("2025-02-02");
  auto feb = invoice_issued(a, "2025-02-01");
  EXPECT_GT(feb.subtotal, 0);
  EXPECT_LE(feb.subtotal, kMaxUnbilled + kMaxLine);
  EXPECT_EQ(get_account(a).credit_balance, 0);
  expect_verifies();
}

TEST_F(DefectTest, PaymentAmountsUpToTheDocumentedLimitWithTheRightMessage) {
  make_tenant("default", D("2025-01-01"));
  int64_t a = account("Acme").id;
  auto p = pay(a, 100'000'000'01);  // above 10^10: accepted, all credit
  EXPECT_EQ(p.unapplied, 100'000'000'01);
  try {
    pay(a, kMaxAmount + 1);
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.field, "amount");
    EXPECT_NE(std::string(e.what()).find(minor_to_decimal(kMaxAmount)), std::string::npos)
        << e.what();
  }
  expect_verifies();
}

// 3. $240/year in advance starting 2027-02-17 on a monthly in-advance stream first appeared
// on the invoice of 2028-02-01. It belongs on the next invoice, prorated from its start.
TEST_F(DefectTest, YearlyInAdvanceStartingMidMonthIsOnTheNextInvoice) {
  make_tenant("dakotapro", D("2027-01-01"));
  int64_t yearly = price("Static IP", "recurring", "advance", "year", 24000, "main");
  int64_t a = account("Acme").id;
  advance_to("2027-02-17");
  subscribe(a, yearly, 100, "2027-02-17");
  advance_to("2027-03-02");
  auto mar = invoice_issued(a, "2027-03-01");
  ASSERT_EQ(mar.lines.size(), 1u);
  EXPECT_EQ(mar.lines[0].period_start, "2027-02-17");
  EXPECT_EQ(mar.lines[0].period_end, "2028-02-01");
  EXPECT_EQ(mar.lines[0].amount, prorate(24000, days("2027-02-17", "2028-02-01"),
                                         days("2027-02-01", "2028-02-01")));
  advance_to("2028-02-02");  // nothing more until the anniversary, which bills the next year
  auto all = invoices_of(a);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].issue_date, "2028-02-01");
  EXPECT_EQ(all[1].subtotal, 24000);
  expect_verifies();
}

// 4. A reading dated 2027-06-15 recorded on 2027-07-05 lands on the August invoice under its
// own period, not merged into July's.
TEST_F(DefectTest, LateUsageReadingKeepsItsOwnPeriod) {
  make_tenant("default", D("2027-06-01"));
  int64_t metered = price("Transit", "metered", "", "", 7, "main");
  int64_t a = account("Acme").id;
  int64_t sub = subscribe(a, metered, 100, "2027-06-01");
  advance_to("2027-07-05");
  tx([&](app::Ctx& c) { app::record_usage(c, {sub, 4000, "2027-06-15"}); });
  tx([&](app::Ctx& c) { app::record_usage(c, {sub, 1000, "2027-07-05"}); });
  advance_to("2027-08-02");
  auto aug = invoice_issued(a, "2027-08-01");
  ASSERT_EQ(aug.lines.size(), 2u);
  EXPECT_EQ(aug.lines[0].period_start, "2027-06-01");
  EXPECT_EQ(aug.lines[0].period_end, "2027-07-01");
  EXPECT_EQ(aug.lines[0].quantity, 4000);
  EXPECT_EQ(aug.lines[1].period_start, "2027-07-01");
  EXPECT_EQ(aug.lines[1].period_end, "2027-08-01");
  EXPECT_EQ(aug.lines[1].quantity, 1000);
}

// 5. A voided invoice kept credit_applied after the credit went back to the account.
TEST_F(DefectTest, VoidedInvoiceShowsNoCreditApplied) {
  make_tenant("default", D("2025-01-01"));
  int64_t plan = price("Plan", "recurring", "arrears", "month", 10000, "main");
  int64_t a = account("Acme").id;
  subscribe(a, plan, 100, "2025-01-01");
  pay(a, 2500);  // no invoice yet: credit
  advance_to("2025-02-02");
  auto feb = invoice_issued(a, "2025-02-01");
  EXPECT_EQ(feb.credit_applied, 2500);
  auto v = tx([&](app::Ctx& c) { return app::void_invoice(c, feb.id); });
  EXPECT_EQ(v.status, "void");
  EXPECT_EQ(v.credit_applied, 0);
  EXPECT_EQ(v.amount_due, 0);
  EXPECT_EQ(get_account(a).credit_balance, 2500);
  expect_verifies();
}

// Found by attack-testing: two deletes of one charge at once crashed the PostgreSQL server
// (the second read the row again after waiting for the account's lock, and it was gone).
TEST_F(DefectTest, DeletingAChargeTwiceAtOnceIsOneSuccessAndOneNotFound) {
  make_tenant("default", D("2025-01-01"));
  int64_t a = account("Acme").id;
  int64_t id = charge(a, "Router", 100, 5000).id;
  std::atomic<bool> locked{false};
  std::thread first([&] {
    auto db = store::open_db(test_db_.url());
    store::Tx t(*db, true);
    app::Ctx ctx = app::make_ctx(*db, clock_, tenant_, "clerk 1");
    app::delete_charge(ctx, id);  // holds the account's lock until it commits
    locked = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    t.commit();
  });
  while (!locked) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  expect_error(Code::NotFound, "", [&] {
    auto db = store::open_db(test_db_.url());
    for (;;) {
      try {
        store::Tx t(*db, true);
        app::Ctx ctx = app::make_ctx(*db, clock_, tenant_, "clerk 2");
        app::delete_charge(ctx, id);
        t.commit();
        return;
      } catch (const Error& e) {
        if (e.code != Code::Retryable) throw;
      }
    }
  });
  first.join();
  expect_verifies();
}

// Found by attack-testing: voiding a prepaid invoice and then cancelling the service credited
// the unused days of a period the customer never owed. A reduction credits only what was owed.
TEST_F(DefectTest, CancellingAfterVoidingThePrepaidInvoiceCreditsNothing) {
  make_tenant("dakotapro", D("2027-01-01"));
  int64_t plan = price("Internet", "recurring", "advance", "month", 10000, "main");
  int64_t a = account("Acme").id, b = account("Birch").id;
  int64_t sa = subscribe(a, plan, 100, "2027-01-01");
  int64_t sb = subscribe(b, plan, 100, "2027-01-01");
  advance_to("2027-02-01");
  int64_t af = invoice_issued(a, "2027-02-01").id;
  tx([&](app::Ctx& c) { app::void_invoice(c, af); });
  auto bf = invoice_issued(b, "2027-02-01");  // B's is credited in full instead
  tx([&](app::Ctx& c) { app::create_credit_note(c, bf.id, bf.subtotal, "outage"); });
  Minor b_credit = get_account(b).credit_balance;
  advance_to("2027-02-02");
  cancel(sa, "2027-02-02");
  cancel(sb, "2027-02-02");
  advance_to("2027-03-02");
  EXPECT_EQ(get_account(a).credit_balance, 0);
  EXPECT_EQ(get_account(b).credit_balance, b_credit);
  for (auto acct : {a, b})
    for (auto& i : invoices_of(acct))
      for (auto& l : i.lines) EXPECT_GE(l.amount, 0) << i.issue_date << " " << l.description;
  expect_verifies();
}

// Found by attack-testing: account credit at the payment limit made a credit note, a void and
// a bill run (a negative invoice) fail with 500, and the failed run blocked the whole tenant.
// Later: credit notes and bill runs carried the credit above the limit. Now a credit note or
// a finalization that would pass it is refused with a 400, and the run leaves that account's
// negative invoice a draft and goes on for everyone.
TEST_F(DefectTest, CreditAtThePaymentLimitBlocksNothing) {
  make_tenant("dakotapro", D("2027-01-01"));
  int64_t plan = price("Internet", "recurring", "advance", "month", 10000, "main");
  int64_t a = account("Acme").id, b = account("Birch").id;
  int64_t sa = subscribe(a, plan, 100, "2027-01-01");
  subscribe(b, plan, 100, "2027-01-01");
  advance_to("2027-02-02");
  auto feb = invoice_issued(a, "2027-02-01");
  pay(a, balance(a).balance_due);  // nothing open any more
  pay(a, kMaxAmount);              // all credit: exactly the limit
  expect_invalid("amount", [&] { pay(a, 1); });  // a payment may not pass it
  expect_invalid("amount", [&] {
    tx([&](app::Ctx& c) { app::create_credit_note(c, feb.id, 100, "goodwill"); });
  });
  cancel(sa, "2027-02-15");  // a negative invoice next run would add more credit
  advance_to("2027-03-02");
  EXPECT_EQ(get_account(a).credit_balance, kMaxAmount);
  auto mar = invoice_issued(a, "2027-03-01");
  EXPECT_EQ(mar.status, "draft");
  EXPECT_LT(mar.subtotal, 0);
  expect_invalid("id", [&] { tx([&](app::Ctx& c) { app::finalize_invoice(c, mar.id); }); });
  EXPECT_EQ(invoice_issued(b, "2027-03-01").status, "open");  // the run went on for everyone
  EXPECT_EQ(get_account(a).credit_balance, kMaxAmount);
  expect_verifies();
}

// A void gives back the credit the invoice took: with the account's credit near the limit, a
// void that would pass it is refused with a 400 and changes nothing.
TEST_F(DefectTest, AVoidThatWouldPassTheCreditLimitIsRefused) {
  make_tenant("dakotapro", D("2027-01-01"));
  int64_t a = account("Acme").id;
  pay(a, 3000);  // credit, taken by the next invoice
  auto invoice_now = [&](Minor unit) {
    return *tx([&](app::Ctx& c) {
      return app::create_charge(c, {.account_id = a, .description = "Install", .quantity = 100,
                                    .unit_amount = unit, .invoice_now = true});
    }).invoice_id;
  };
  auto x = inv(invoice_now(10000));
  ASSERT_EQ(x.credit_applied, 3000);
  ASSERT_EQ(x.status, "open");
  pay(a, kMaxAmount, invoice_now(100));  // the rest is credit: the limit less 1.00
  expect_invalid("id", [&] { tx([&](app::Ctx& c) { app::void_invoice(c, x.id); }); });
  EXPECT_EQ(inv(x.id).status, "open");
  EXPECT_EQ(get_account(a).credit_balance, kMaxAmount - 100);
  expect_verifies();
}

}  // namespace
}  // namespace remit::test
