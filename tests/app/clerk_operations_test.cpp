// The operations a billing clerk needs (issue "Money that stays right", item 6): each one
// validated, audited, through the ledger where money moves, and verifying afterwards.
#include "app/fixture.h"

namespace remit::test {
namespace {

constexpr Minor kPlan = 10000;  // monthly, in arrears
constexpr Minor kPro = 25000;   // the upgrade

class ClerkTest : public AppTest {
 protected:
  void SetUp() override {
    AppTest::SetUp();
    make_tenant("default", D("2025-01-01"));
    plan = price("Plan", "recurring", "arrears", "month", kPlan, "main");
    pro = price("Plan Pro", "recurring", "arrears", "month", kPro, "main");
    A = account("Acme").id;
    sub = subscribe(A, plan, 100, "2025-01-01");
  }
  app::Invoice inv(int64_t id) {
    return tx([&](app::Ctx& c) { return app::get_invoice(c, id); });
  }
  std::vector<std::string> audit_actions() {
    auto page = tx([&](app::Ctx& c) { return app::list_audit(c, {0, 200}); });
    std::vector<std::string> out;
    for (auto& e : page.items) out.push_back(e.action);
    return out;
  }
  bool audited(const std::string& action) {
    auto a = audit_actions();
    return std::find(a.begin(), a.end(), action) != a.end();
  }
  int64_t plan = 0, pro = 0, A = 0, sub = 0;
};

TEST_F(ClerkTest, ApplyAccountCreditToAnOpenInvoiceNow) {
  advance_to("2025-02-02");
  auto feb = invoice_issued(A, "2025-02-01");
  expect_error(Code::FailedPrecondition, "",
               [&] { tx([&](app::Ctx& c) { app::apply_credit(c, feb.id, std::nullopt); }); });
  // Credit arrives (an overpayment with nothing else open would do; a payment to the account
  // pays the open invoice first, so take credit from a credit note on a paid invoice).
  auto extra = tx([&](app::Ctx& c) {
    app::NewCharge ch{A, "", std::nullopt, "Setup", 100, 5000, true};
    return app::create_charge(c, ch);
  });
  pay(A, 5000, extra.invoice_id);
  tx([&](app::Ctx& c) { app::create_credit_note(c, *extra.invoice_id, 3000, "discount"); });
  EXPECT_EQ(get_account(A).credit_balance, 3000);
  expect_invalid("amount", [&] { tx([&](app::Ctx& c) { app::apply_credit(c, feb.id, 3001); }); });
  auto after = tx([&](app::Ctx& c) { return app::apply_credit(c, feb.id, 1000); });
  EXPECT_EQ(after.credit_applied, 1000);
  EXPECT_EQ(after.amount_due, kPlan - 1000);
  after = tx([&](app::Ctx& c) { return app::apply_credit(c, feb.id, std::nullopt); });  // the rest
  EXPECT_EQ(after.credit_applied, 3000);
  EXPECT_EQ(after.amount_due, kPlan - 3000);
  EXPECT_EQ(after.status, "open");
  EXPECT_EQ(get_account(A).credit_balance, 0);
  EXPECT_TRUE(audited("invoice.credit_applied"));
  expect_verifies();
}

TEST_F(ClerkTest, EditAndDeleteUnbilledWorkAndCharges) {
  advance_to("2025-01-10");
  auto w = work(A, "Dana", 150, 9000, "T-1", "Firewall");
  auto c = charge(A, "Router", 100, 20000);
  auto w2 = tx([&](app::Ctx& x) {
    app::WorkPatch p;
    p.hours = 200;
    p.description = "Firewall rules";
    return app::update_work_entry(x, w.id, p);
  });
  EXPECT_EQ(w2.hours, 200);
  EXPECT_EQ(w2.description, "Firewall rules");
  EXPECT_EQ(w2.who, "Dana");
  expect_invalid("hours", [&] {
    tx([&](app::Ctx& x) { app::update_work_entry(x, w.id, {.hours = 0}); });
  });
  auto c2 = tx([&](app::Ctx& x) { return app::update_charge(x, c.id, {.unit_amount = 18000}); });
  EXPECT_EQ(c2.unit_amount, 18000);
  expect_invalid("unit_amount", [&] {
    tx([&](app::Ctx& x) { app::update_charge(x, c.id, {.unit_amount = 100'000'000'01}); });
  });
  auto gone = charge(A, "Mistake", 100, 100);
  tx([&](app::Ctx& x) { app::delete_charge(x, gone.id); });
  advance_to("2025-02-02");
  auto feb = invoice_issued(A, "2025-02-01");
  Minor want = kPlan + prorate(9000, 200, 100) + 18000;  // the edited values, not the first
  EXPECT_EQ(feb.subtotal, want);
  // Once invoiced they cannot change: a credit note corrects them.
  expect_error(Code::FailedPrecondition, "", [&] {
    tx([&](app::Ctx& x) { app::update_charge(x, c.id, {.unit_amount = 1}); });
  });
  expect_error(Code::FailedPrecondition, "",
               [&] { tx([&](app::Ctx& x) { app::delete_work_entry(x, w.id); }); });
  expect_error(Code::NotFound, "",
               [&] { tx([&](app::Ctx& x) { app::delete_charge(x, gone.id); }); });
  EXPECT_TRUE(audited("work_entry.updated"));
  EXPECT_TRUE(audited("charge.updated"));
  EXPECT_TRUE(audited("charge.deleted"));
  expect_verifies();
}

TEST_F(ClerkTest, InvoiceListFilters) {
  advance_to("2025-04-02");
  auto list = [&](app::InvoiceFilter f) {
    return tx([&](app::Ctx& c) { return app::list_invoices(c, f, {0, 200}); }).items;
  };
  EXPECT_EQ(list({}).size(), 3u);
  EXPECT_EQ(list({.issued_from = "2025-02-15"}).size(), 2u);
  EXPECT_EQ(list({.issued_from = "2025-02-01", .issued_to = "2025-03-01"}).size(), 2u);
  auto mar = list({.cycle_end = "2025-03-01"});
  ASSERT_EQ(mar.size(), 1u);
  EXPECT_EQ(mar[0].issue_date, "2025-03-01");
  EXPECT_EQ(list({.stream = "main"}).size(), 3u);
  pay(A, kPlan, mar[0].id);
  EXPECT_EQ(list({.status = "paid"}).size(), 1u);
  EXPECT_EQ(list({.status = "open", .issued_to = "2025-02-01"}).size(), 1u);
  expect_invalid("stream", [&] { list({.stream = "nope"}); });
  expect_invalid("issued_to", [&] { list({.issued_from = "2025-03-01", .issued_to = "2025-02-01"}); });
  expect_invalid("cycle_end", [&] { list({.cycle_end = "2025-02-30"}); });
}

TEST_F(ClerkTest, UsageRecordsAndOneCreditNote) {
  int64_t metered = price("Transit", "metered", "", "", 5, "main");
  int64_t m = subscribe(A, metered, 100, "2025-01-01");
  advance_to("2025-01-20");
  int64_t u1 = tx([&](app::Ctx& c) { return app::record_usage(c, {m, 1250, "2025-01-05"}); });
  int64_t u2 = tx([&](app::Ctx& c) { return app::record_usage(c, {m, 300, std::nullopt}); });
  auto page = tx([&](app::Ctx& c) { return app::list_usage(c, m, {0, 50}); });
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].id, u1);
  EXPECT_EQ(page.items[0].quantity, 1250);
  EXPECT_EQ(page.items[0].date, "2025-01-05");
  EXPECT_EQ(page.items[1].id, u2);
  EXPECT_EQ(page.items[1].date, "2025-01-20");
  EXPECT_FALSE(page.items[1].invoice_id.has_value());
  advance_to("2025-02-02");
  page = tx([&](app::Ctx& c) { return app::list_usage(c, m, {0, 1}); });
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_TRUE(page.next.has_value());
  EXPECT_TRUE(page.items[0].invoice_id.has_value());
  expect_error(Code::NotFound, "",
               [&] { tx([&](app::Ctx& c) { app::list_usage(c, 999999, {0, 50}); }); });
  auto feb = invoice_issued(A, "2025-02-01");
  auto note = tx([&](app::Ctx& c) { return app::create_credit_note(c, feb.id, 700, "outage"); });
  auto got = tx([&](app::Ctx& c) { return app::get_credit_note(c, note.id); });
  EXPECT_EQ(got.amount, 700);
  EXPECT_EQ(got.invoice_id, feb.id);
  EXPECT_EQ(got.reason, "outage");
  expect_error(Code::NotFound, "",
               [&] { tx([&](app::Ctx& c) { app::get_credit_note(c, note.id + 100); }); });
}

TEST_F(ClerkTest, PriceChangeIsProratedByDayLikeAQuantityChange) {
  advance_to("2025-01-05");
  int64_t yearly = price("Plan yearly", "recurring", "arrears", "year", 100000, "main");
  int64_t other_stream_kind = price("Plan advance", "recurring", "advance", "month", kPro, "main");
  expect_invalid("price_id", [&] {
    tx([&](app::Ctx& c) { app::change_price(c, sub, yearly, "2025-01-11"); });
  });
  expect_invalid("price_id", [&] {
    tx([&](app::Ctx& c) { app::change_price(c, sub, other_stream_kind, "2025-01-11"); });
  });
  expect_invalid("price_id", [&] {
    tx([&](app::Ctx& c) { app::change_price(c, sub, 999999, "2025-01-11"); });
  });
  auto s = tx([&](app::Ctx& c) { return app::change_price(c, sub, pro, "2025-01-11"); });
  ASSERT_EQ(s.phases.size(), 2u);
  EXPECT_EQ(s.phases[1].price_id, pro);
  EXPECT_EQ(s.price_id, plan);  // still the plan today; pro from the 11th
  advance_to("2025-01-12");
  EXPECT_EQ(tx([&](app::Ctx& c) { return app::get_subscription(c, sub); }).price_id, pro);
  advance_to("2025-02-02");
  auto feb = invoice_issued(A, "2025-02-01");
  expect_invoice(feb, [&] {
    auto e = exp_header(A, "main", D("2025-01-01"), D("2025-02-01"), D("2025-03-03"), "");
    e.lines = {recurring_line("Plan", kPlan, 100, "2025-01-01", "2025-01-11", "2025-01-01", "2025-02-01"),
               recurring_line("Plan Pro", kPro, 100, "2025-01-11", "2025-02-01", "2025-01-01", "2025-02-01")};
    return e;
  }());
  EXPECT_TRUE(audited("subscription.price_changed"));
  expect_verifies();
}

TEST_F(ClerkTest, CancelSeveralAtOnceAllOrNothing) {
  int64_t s2 = subscribe(A, pro, 100, "2025-01-01");
  int64_t other = subscribe(account("Birch").id, plan, 100, "2025-01-01");
  advance_to("2025-01-10");
  // One bad id stops the whole call and names it; nothing was cancelled.
  expect_invalid("subscription_ids[1]", [&] {
    tx([&](app::Ctx& c) { app::cancel_subscriptions(c, A, {sub, other}, "2025-01-20"); });
  });
  EXPECT_FALSE(tx([&](app::Ctx& c) { return app::get_subscription(c, sub); }).end_date);
  expect_invalid("subscription_ids[1]", [&] {
    tx([&](app::Ctx& c) { app::cancel_subscriptions(c, A, {sub, sub}, "2025-01-20"); });
  });
  auto done = tx([&](app::Ctx& c) { return app::cancel_subscriptions(c, A, {sub, s2}, "2025-01-20"); });
  ASSERT_EQ(done.size(), 2u);
  for (auto& s : done) EXPECT_EQ(s.end_date, std::optional<std::string>("2025-01-20"));
  expect_error(Code::FailedPrecondition, "subscription_ids[0]", [&] {
    tx([&](app::Ctx& c) { app::cancel_subscriptions(c, A, {sub}, "2025-01-25"); });
  });
}

TEST_F(ClerkTest, UndoACancellationBeforeItTakesEffect) {
  advance_to("2025-01-10");
  cancel(sub, "2025-03-15");
  auto s = tx([&](app::Ctx& c) { return app::undo_cancellation(c, sub); });
  EXPECT_FALSE(s.end_date.has_value());
  expect_error(Code::FailedPrecondition, "",
               [&] { tx([&](app::Ctx& c) { app::undo_cancellation(c, sub); }); });
  cancel(sub, "2025-01-20");
  advance_to("2025-01-21");  // in effect: too late
  expect_error(Code::FailedPrecondition, "",
               [&] { tx([&](app::Ctx& c) { app::undo_cancellation(c, sub); }); });
  EXPECT_TRUE(audited("subscription.cancellation_undone"));
}

TEST_F(ClerkTest, ReverseAStaffPostedPaymentEnteredByMistake) {
  advance_to("2025-03-02");
  auto feb = invoice_issued(A, "2025-02-01"), mar = invoice_issued(A, "2025-03-01");
  auto p = pay(A, kPlan + 2500);  // Feb in full, 25.00 of March
  EXPECT_EQ(inv(feb.id).status, "paid");
  expect_invalid("reason", [&] { tx([&](app::Ctx& c) { app::reverse_payment(c, p.id, ""); }); });
  auto r = tx([&](app::Ctx& c) { return app::reverse_payment(c, p.id, "cheque bounced"); });
  EXPECT_EQ(r.status, "reversed");
  EXPECT_TRUE(r.reversed_at.has_value());
  EXPECT_TRUE(r.applications.empty());
  EXPECT_EQ(inv(feb.id).status, "open");
  EXPECT_EQ(inv(feb.id).amount_due, kPlan);
  EXPECT_EQ(inv(mar.id).amount_due, kPlan);
  expect_error(Code::FailedPrecondition, "", [&] {
    tx([&](app::Ctx& c) { app::reverse_payment(c, p.id, "again"); });
  });
  // A payment whose rest went to credit that was used since cannot be reversed.
  auto over = pay(A, 2 * kPlan + 500);  // both invoices, 5.00 credit
  EXPECT_EQ(get_account(A).credit_balance, 500);
  advance_to("2025-04-02");  // April's invoice takes the 5.00
  EXPECT_EQ(get_account(A).credit_balance, 0);
  expect_error(Code::FailedPrecondition, "", [&] {
    tx([&](app::Ctx& c) { app::reverse_payment(c, over.id, "wrong account"); });
  });
  EXPECT_TRUE(audited("payment.reversed"));
  expect_verifies();
}

}  // namespace
}  // namespace remit::test
