// Bill runs you can trust (C1) and the upcoming invoice (C4): a run interrupted between
// chunks resumes without invoicing anyone twice; runs happen at local midnight in the
// tenant's time zone; tenants never see each other's records; the upcoming invoice is
// what the next run then invoices.
#include "app/fixture.h"

namespace remit::test {
namespace {

class BillRunTest : public AppTest {
 protected:
  // Moves the tenant clock without running any jobs, to drive runs by hand.
  void set_clock(Instant t) {
    store::Tx x(db(), true);
    store::exec(db(), "UPDATE tenants SET clock_now = ? WHERE id = ?", format_instant(t), tenant_);
    x.commit();
  }
};

struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

TEST_F(BillRunTest, InterruptedRunResumesWithoutInvoicingTwice) {
  make_tenant("procirrus", D("2024-12-20"));
  int64_t p = price("Support plan", "recurring", "arrears", "month", 10000, "main");
  std::vector<int64_t> accounts;
  for (int i = 0; i < 7; ++i) {
    accounts.push_back(account("Customer " + std::to_string(i)).id);
    subscribe(accounts.back(), p, 100 * (i + 1), "2025-01-01");
  }
  // A child billed to its parent is billed inside the parent's chunk.
  auto child = account("Customer 0 - branch", accounts[0], true);
  subscribe(child.id, p, 100, "2025-01-01");
  advance_to("2025-01-31");
  set_clock(local_midnight(D("2025-02-01"), "UTC"));

  app::BillRunOptions opt;
  opt.chunk = 2;
  opt.after_chunk = [](int64_t so_far) {
    if (so_far >= 4) throw Interrupted();
  };
  EXPECT_THROW(app::run_bill_run(db(), clock_, tenant_, "main", D("2025-02-01"), opt), Interrupted);
  EXPECT_EQ(all_invoices().size(), 4u);
  auto runs = tx([](app::Ctx& c) { return app::list_bill_runs(c, {0, 50}); });
  ASSERT_EQ(runs.items.size(), 2u);  // 2025-01-01 (empty) and the one interrupted
  EXPECT_EQ(runs.items[1].status, "running");
  EXPECT_EQ(runs.items[1].invoices, 4);

  // Resumed by the next due-runs pass (what advance_clock and the server do).
  auto resumed = app::run_due_bill_runs(db(), clock_, tenant_);
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].invoices, 3);
  auto all = all_invoices();
  ASSERT_EQ(all.size(), 7u);
  for (size_t i = 0; i < accounts.size(); ++i) {
    auto mine = invoices_of(accounts[i]);
    ASSERT_EQ(mine.size(), 1u) << i;
    Minor want = 10000 * static_cast<Minor>(i + 1) + (i == 0 ? 10000 : 0);
    EXPECT_EQ(mine[0].subtotal, want) << i;
  }
  EXPECT_TRUE(invoices_of(child.id).empty());
  expect_gapless_numbers();
  expect_verifies();
  EXPECT_TRUE(app::run_bill_run(db(), clock_, tenant_, "main", D("2025-02-01")).was_done);
  EXPECT_EQ(all_invoices().size(), 7u);
}

TEST_F(BillRunTest, RunsHappenAtLocalMidnight) {
  make_tenant("westcentral", D("2024-12-20"), "America/Chicago", D("2025-01-03"));
  int64_t p = price("Managed services", "recurring", "arrears", "month", 95000, "recurring");
  auto a = account("Prairie Clinic");
  subscribe(a.id, p, 100, "2025-01-01");
  advance_to("2025-01-31");
  // 05:59:59 UTC on February 1 is still January 31 in Chicago (UTC-6).
  app::advance_clock(db(), clock_, tenant_, *parse_instant("2025-02-01T05:59:59Z"));
  EXPECT_EQ(S(today()), "2025-01-31");
  EXPECT_TRUE(invoices_of(a.id).empty());
  expect_invalid("cycle_end", [&] { app::run_bill_run(db(), clock_, tenant_, "recurring", D("2025-02-01")); });
  app::advance_clock(db(), clock_, tenant_, *parse_instant("2025-02-01T06:00:00Z"));
  EXPECT_EQ(S(today()), "2025-02-01");
  auto inv = invoice_issued(a.id, "2025-02-01");
  EXPECT_EQ(inv.subtotal, 95000);
  EXPECT_EQ(inv.due_date, "2025-03-03");
  EXPECT_EQ(app::clock_now(db(), clock_, tenant_), *parse_instant("2025-02-01T06:00:00Z"));
}

// In Santiago DST starts at midnight (2025-09-07 00:00 does not exist): moving the clock
// across that day must work, and the runs still happen on local dates.
TEST_F(BillRunTest, ClockMovesAcrossAMissingMidnight) {
  make_tenant("procirrus", D("2025-08-20"), "America/Santiago");
  int64_t p = price("Support plan", "recurring", "arrears", "month", 10000, "main");
  auto a = account("Viña Soporte");
  subscribe(a.id, p, 100, "2025-09-01");
  advance_to("2025-09-06");
  app::advance_clock(db(), clock_, tenant_, *parse_instant("2025-09-07T12:00:00Z"));
  EXPECT_EQ(S(today()), "2025-09-07");
  advance_to("2025-10-02");
  auto oct = invoice_issued(a.id, "2025-10-01");
  EXPECT_EQ(oct.subtotal, 10000);
  expect_verifies();
}

TEST_F(BillRunTest, TenantsAreIsolated) {
  int64_t t1 = make_tenant("procirrus", D("2024-12-20"), "UTC", {}, "ProCirrus");
  int64_t p1 = price("Seats", "recurring", "arrears", "month", 7500, "main");
  auto a1 = account("Acme");
  subscribe(a1.id, p1, 300, "2025-01-01");
  int64_t t2 = make_tenant("dakotapro", D("2024-12-20"), "UTC", {}, "DakotaPro");
  int64_t p2 = price("Seats", "recurring", "advance", "month", 5000, "main");
  auto a2 = account("Sioux Falls Dental");
  subscribe(a2.id, p2, 200, "2025-01-01");
  EXPECT_EQ(a1.number, a2.number);  // account numbers are per tenant
  advance_to("2025-03-01");
  tenant_ = t1;
  advance_to("2025-03-01");

  auto mine = all_invoices();
  ASSERT_EQ(mine.size(), 2u);  // Feb 1 and Mar 1, in arrears
  for (auto& i : mine) EXPECT_EQ(i.account_id, a1.id);
  EXPECT_EQ(*mine[0].number, 1);
  tenant_ = t2;
  auto theirs = all_invoices();
  ASSERT_EQ(theirs.size(), 3u);  // Jan 1, Feb 1, Mar 1, in advance
  EXPECT_EQ(*theirs[0].number, 1);  // numbering is per tenant
  // From tenant 1 nothing of tenant 2 can be read or touched.
  tenant_ = t1;
  expect_error(Code::NotFound, "", [&] { tx([&](app::Ctx& c) { app::get_invoice(c, theirs[0].id); }); });
  expect_error(Code::NotFound, "", [&] { get_account(a2.id); });
  expect_invalid("account_id", [&] { pay(a2.id, 100); });
  expect_invalid("invoice_id", [&] { pay(a1.id, 100, theirs[0].id); });
  expect_error(Code::NotFound, "", [&] { tx([&](app::Ctx& c) { app::void_invoice(c, theirs[0].id); }); });
  expect_invalid("price_id", [&] { subscribe(a1.id, p2, 100, "2025-03-01"); });
  expect_invalid("account_id", [&] { subscribe(a2.id, p1, 100, "2025-03-01"); });
  expect_verifies();
}

TEST_F(BillRunTest, UpcomingInvoiceIsWhatTheNextRunInvoices) {
  make_tenant("procirrus", D("2024-12-20"));
  int64_t seats = price("Managed IT (per user)", "recurring", "arrears", "month", 7500, "main");
  int64_t backup = price("Cloud backup (per GB)", "metered", "", "", 15, "main");
  auto a = account("Acme");
  auto child = account("Acme - branch", a.id, true);
  int64_t s = subscribe(a.id, seats, 1000, "2025-01-01");
  int64_t b = subscribe(a.id, backup, 100, "2025-01-01");
  subscribe(child.id, seats, 200, "2025-01-01");
  advance_to("2025-03-10");
  change_qty(s, 1200, "2025-03-10");
  tx([&](app::Ctx& c) { app::record_usage(c, {b, 4321, std::nullopt}); });
  charge(a.id, "Dell Latitude 5540 laptop", 100, 119900);
  work(child.id, "Dana Olsen", 150, 12500, "T-1", "Printer setup");
  auto up = tx([&](app::Ctx& c) { return app::upcoming_invoice(c, a.id, ""); });
  EXPECT_EQ(up.status, "upcoming");
  EXPECT_FALSE(up.number.has_value());
  EXPECT_EQ(up.issue_date, "2025-04-01");
  EXPECT_EQ(up.due_date, "2025-04-16");
  EXPECT_EQ(up.cycle_start.value_or(""), "2025-03-01");
  // The child's upcoming invoice is its parent's.
  auto up_child = tx([&](app::Ctx& c) { return app::upcoming_invoice(c, child.id, "main"); });
  EXPECT_EQ(up_child.account_id, a.id);
  EXPECT_EQ(up_child.subtotal, up.subtotal);
  // Seat segments, the child's seats, usage, the child's work, the charge.
  ASSERT_EQ(up.lines.size(), 6u);
  EXPECT_EQ(up.lines[0].amount, recurring_line("x", 7500, 1000, "2025-03-01", "2025-03-10", "2025-03-01", "2025-04-01").amount);
  EXPECT_EQ(up.lines[1].amount, recurring_line("x", 7500, 1200, "2025-03-10", "2025-04-01", "2025-03-01", "2025-04-01").amount);
  EXPECT_EQ(up.lines[2].description, "Cloud backup (per GB) (usage)");
  EXPECT_EQ(up.lines[3].description, "[" + child.number + "] Managed IT (per user)");
  EXPECT_EQ(up.lines[4].description, "[" + child.number + "] Work: Printer setup (Dana Olsen, ticket T-1)");
  EXPECT_EQ(up.lines[5].description, "Dell Latitude 5540 laptop");
  Minor sum = 0;
  for (auto& l : up.lines) sum += l.amount;
  EXPECT_EQ(up.subtotal, sum);
  EXPECT_EQ(up.amount_due, sum);

  advance_to("2025-04-01");
  auto inv = invoice_issued(a.id, "2025-04-01");
  EXPECT_EQ(inv.subtotal, up.subtotal);
  EXPECT_EQ(inv.due_date, up.due_date);
  ASSERT_EQ(inv.lines.size(), up.lines.size());
  for (size_t k = 0; k < up.lines.size(); ++k) {
    EXPECT_EQ(inv.lines[k].description, up.lines[k].description);
    EXPECT_EQ(inv.lines[k].period_start, up.lines[k].period_start);
    EXPECT_EQ(inv.lines[k].period_end, up.lines[k].period_end);
    EXPECT_EQ(inv.lines[k].quantity, up.lines[k].quantity);
    EXPECT_EQ(inv.lines[k].amount, up.lines[k].amount);
  }
  // After the run the upcoming invoice starts over with April.
  up = tx([&](app::Ctx& c) { return app::upcoming_invoice(c, a.id, ""); });
  EXPECT_EQ(up.issue_date, "2025-05-01");
  EXPECT_EQ(up.lines.size(), 2u);  // seats for A and for the child, nothing else yet
  expect_invalid("stream", [&] { tx([&](app::Ctx& c) { app::upcoming_invoice(c, a.id, "services"); }); });
  expect_error(Code::NotFound, "", [&] { tx([&](app::Ctx& c) { app::upcoming_invoice(c, 424242, ""); }); });
}

TEST_F(BillRunTest, UpcomingInvoiceAppliesAvailableCredit) {
  make_tenant("dakotapro", D("2024-12-20"));
  int64_t seats = price("Seats", "recurring", "advance", "month", 5000, "main");
  auto a = account("Acme");
  subscribe(a.id, seats, 300, "2025-01-01");
  advance_to("2025-01-10");
  pay(a.id, 15000 + 4000);  // January in full and 40.00 ahead
  auto up = tx([&](app::Ctx& c) { return app::upcoming_invoice(c, a.id, "main"); });
  EXPECT_EQ(up.subtotal, 15000);
  EXPECT_EQ(up.credit_applied, 4000);
  EXPECT_EQ(up.amount_due, 11000);
  advance_to("2025-02-01");
  auto feb = invoice_issued(a.id, "2025-02-01");
  EXPECT_EQ(feb.credit_applied, up.credit_applied);
  EXPECT_EQ(feb.amount_due, up.amount_due);
}

// DakotaPro [DP]: cancelling prepaid service leaves a credit on the next invoice, for a
// yearly price too (not eleven months later at its anniversary).
TEST_F(BillRunTest, CancelledPrepaidYearIsCreditedOnTheNextInvoice) {
  make_tenant("dakotapro", D("2024-12-20"));
  int64_t seats = price("Seats", "recurring", "advance", "month", 5000, "main");
  int64_t firewall = price("Firewall licence (yearly)", "recurring", "advance", "year", 36500, "main");
  auto a = account("Acme");
  subscribe(a.id, seats, 200, "2025-01-01");
  int64_t fw = subscribe(a.id, firewall, 100, "2025-01-01");
  advance_to("2025-03-10");
  cancel(fw, "2025-03-10");
  advance_to("2025-04-01");
  auto apr = invoice_issued(a.id, "2025-04-01");
  ASSERT_EQ(apr.lines.size(), 2u);
  EXPECT_EQ(apr.lines[0].amount, 10000);
  Minor used = prorate(36500 * 100, days("2025-01-01", "2025-03-10"), 365 * 100);
  EXPECT_EQ(apr.lines[1].kind, "adjustment");
  EXPECT_EQ(apr.lines[1].description, "Adjustment: Firewall licence (yearly) (reduced or cancelled)");
  EXPECT_EQ(apr.lines[1].period_start, "2025-01-01");
  EXPECT_EQ(apr.lines[1].period_end, "2026-01-01");
  EXPECT_EQ(apr.lines[1].amount, used - 36500);
  EXPECT_EQ(apr.subtotal, 10000 + used - 36500);
  EXPECT_LT(apr.subtotal, 0);
  EXPECT_EQ(get_account(a.id).credit_balance, -(10000 + used - 36500));
  // Nothing more for the firewall, the anniversary included.
  advance_to("2026-01-02");
  for (auto& inv : invoices_of(a.id)) {
    if (inv.issue_date <= "2025-04-01") continue;
    ASSERT_EQ(inv.lines.size(), 1u) << inv.issue_date;
    EXPECT_EQ(inv.lines[0].description, "Seats") << inv.issue_date;
  }
  expect_verifies();
}

// Changing a stream's invoice day after it has billed would move every period boundary:
// already-billed periods would be billed again, and the last run would no longer be a
// billing date. It is refused once the stream has had a bill run; before that it is fine.
TEST_F(BillRunTest, InvoiceDayIsFixedOnceTheStreamHasBilled) {
  make_tenant("procirrus", D("2024-12-20"));
  int64_t p = price("Support plan", "recurring", "arrears", "month", 10000, "main");
  auto a = account("Acme");
  subscribe(a.id, p, 100, "2025-01-01");
  advance_to("2025-02-05");
  auto patch = [&](int day) {
    return tx([&](app::Ctx& c) {
      app::StreamPatch sp;
      sp.invoice_day = day;
      return app::update_stream(c, "main", sp);
    });
  };
  expect_error(Code::FailedPrecondition, "", [&] { patch(15); });
  // Terms may still change; they apply to invoices issued from then on.
  tx([&](app::Ctx& c) {
    app::StreamPatch sp;
    sp.terms = domain::Terms{domain::Terms::Net, 30};
    app::update_stream(c, "main", sp);
  });
  advance_to("2025-03-02");
  EXPECT_EQ(invoice_issued(a.id, "2025-02-01").due_date, "2025-02-16");
  EXPECT_EQ(invoice_issued(a.id, "2025-03-01").due_date, "2025-03-31");
  expect_verifies();

  // A new tenant may still pick its invoice day before its first run.
  make_tenant("procirrus", D("2025-03-02"), "UTC", {}, "Fresh");
  auto s = patch(15);
  EXPECT_EQ(s.schedule.invoice_day, 15);
  int64_t q = price("Support plan", "recurring", "arrears", "month", 10000, "main");
  auto b = account("Birch");
  subscribe(b.id, q, 100, "2025-03-02");
  advance_to("2025-03-16");
  auto inv = invoice_issued(b.id, "2025-03-15");
  EXPECT_EQ(inv.cycle_start.value_or(""), "2025-02-15");
  ASSERT_EQ(inv.lines.size(), 1u);
  EXPECT_EQ(inv.lines[0].period_start, "2025-03-02");
  EXPECT_EQ(inv.lines[0].period_end, "2025-03-15");
  EXPECT_EQ(inv.lines[0].amount, prorate(10000, 13, 28));
  expect_verifies();
}

}  // namespace
}  // namespace remit::test
