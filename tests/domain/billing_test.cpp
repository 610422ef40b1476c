// The pure billing rules (B1, B2, B4, B5, C1): what one bill run at a stream boundary
// bills for one subscription. Every expected amount is worked out here from the price and
// the day counts, never copied from the code's output.
#include "domain/billing.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "domain/test_dates.h"

namespace remit::domain {
namespace {
using test::D;
using test::S;

const Schedule kMonthly{Cadence::Monthly, 1, {}};

Price recurring(Timing t, Minor unit, int cycles = 1) {
  Price p;
  p.id = 1;
  p.product_name = "Seats";
  p.kind = PriceKind::Recurring;
  p.timing = t;
  p.unit_amount = unit;
  p.interval_cycles = cycles;
  p.stream = "main";
  return p;
}

Subscription sub(const Price& p, const char* start, int64_t qty = 300) {
  Subscription s;
  s.id = 7;
  s.account_id = 3;
  s.price = &p;
  s.start = D(start);
  s.phases.push_back({D(start), std::nullopt, qty});
  return s;
}

std::vector<Line> bill(const Subscription& s, const char* b, const Schedule& sch = kMonthly) {
  std::vector<Line> out;
  bill_subscription(sch, s, D(b), out);
  return out;
}

int64_t days(const char* a, const char* b) { return days_between(D(a), D(b)); }

// amount of `qty` (hundredths) at `unit` for `part` of a period of `whole` days
Minor part(Minor unit, int64_t qty, int64_t part, int64_t whole) {
  return prorate(unit * qty, part, whole * 100);
}

void expect_line(const Line& l, LineKind kind, const std::string& desc, const char* start,
                 const char* end, int64_t qty, Minor amount) {
  EXPECT_EQ(l.kind, kind) << desc;
  EXPECT_EQ(l.description, desc);
  EXPECT_EQ(S(l.period_start), start) << desc;
  EXPECT_EQ(S(l.period_end), end) << desc;
  EXPECT_EQ(l.quantity, qty) << desc;
  EXPECT_EQ(l.amount, amount) << desc;
  EXPECT_EQ(l.account_id, 3) << desc;
}

TEST(Billing, ArrearsBillsThePeriodJustEnded) {
  Price p = recurring(Timing::Arrears, 2200);
  auto s = sub(p, "2025-01-01");
  auto out = bill(s, "2025-02-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Recurring, "Seats", "2025-01-01", "2025-02-01", 300, 3 * 2200);
  EXPECT_EQ(S(*out[0].cycle_start), "2025-01-01");
  EXPECT_EQ(out[0].unit_amount, 2200);
  EXPECT_EQ(out[0].subscription_id, 7);
  // A short month bills the same flat price.
  out = bill(s, "2025-03-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Recurring, "Seats", "2025-02-01", "2025-03-01", 300, 3 * 2200);
  // Before the subscription starts nothing is billed.
  EXPECT_TRUE(bill(s, "2025-01-01").empty());
}

TEST(Billing, AdvanceBillsTheComingPeriod) {
  Price p = recurring(Timing::Advance, 2200);
  auto s = sub(p, "2025-01-01");
  auto out = bill(s, "2025-01-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Recurring, "Seats", "2025-01-01", "2025-02-01", 300, 6600);
  // The next run finds January settled and bills February only.
  s.billed = {{D("2025-01-01"), 6600}};
  out = bill(s, "2025-02-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Recurring, "Seats", "2025-02-01", "2025-03-01", 300, 6600);
  EXPECT_EQ(S(*out[0].cycle_start), "2025-02-01");
}

TEST(Billing, MidCycleStartInArrearsIsProratedByDay) {
  Price p = recurring(Timing::Arrears, 2200);
  auto s = sub(p, "2025-01-20");
  auto out = bill(s, "2025-02-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Recurring, "Seats (prorated)", "2025-01-20", "2025-02-01", 300,
              part(2200, 300, days("2025-01-20", "2025-02-01"), 31));
  EXPECT_EQ(out[0].amount, 2555);  // 6600 * 12 / 31 = 2554.84, as a sanity anchor
  EXPECT_EQ(S(*out[0].cycle_start), "2025-01-01");
}

TEST(Billing, MidCycleStartInAdvanceTruesUpAndBillsTheNextPeriod) {
  Price p = recurring(Timing::Advance, 2200);
  auto s = sub(p, "2025-01-20");
  auto out = bill(s, "2025-02-01");
  ASSERT_EQ(out.size(), 2u);
  expect_line(out[0], LineKind::Recurring, "Seats (prorated)", "2025-01-20", "2025-02-01", 300,
              part(2200, 300, 12, 31));
  expect_line(out[1], LineKind::Recurring, "Seats", "2025-02-01", "2025-03-01", 300, 6600);
  // A start later than the next boundary is billed (prorated, in advance) by the run
  // at the boundary that opens its first period.
  auto late = sub(p, "2025-03-20");
  EXPECT_TRUE(bill(late, "2025-02-01").empty());
  out = bill(late, "2025-03-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Recurring, "Seats (prorated)", "2025-03-20", "2025-04-01", 300,
              part(2200, 300, 12, 31));
}

TEST(Billing, SeatChangeInArrearsGivesOneLinePerSegment) {
  Price p = recurring(Timing::Arrears, 2200);
  auto s = sub(p, "2025-01-01");
  s.phases = {{D("2025-01-01"), D("2025-01-15"), 300}, {D("2025-01-15"), std::nullopt, 500}};
  auto out = bill(s, "2025-02-01");
  ASSERT_EQ(out.size(), 2u);
  expect_line(out[0], LineKind::Recurring, "Seats (prorated)", "2025-01-01", "2025-01-15", 300,
              part(2200, 300, 14, 31));
  expect_line(out[1], LineKind::Recurring, "Seats (prorated)", "2025-01-15", "2025-02-01", 500,
              part(2200, 500, 17, 31));
  // The following month is whole again at the new quantity.
  out = bill(s, "2025-03-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Recurring, "Seats", "2025-02-01", "2025-03-01", 500, 5 * 2200);
}

TEST(Billing, SeatChangeInAdvanceIsTrueUpByOneAdjustment) {
  Price p = recurring(Timing::Advance, 5000);
  auto s = sub(p, "2025-01-01", 500);
  s.phases = {{D("2025-01-01"), D("2025-04-17"), 500}, {D("2025-04-17"), std::nullopt, 700}};
  s.billed = {{D("2025-04-01"), 5 * 5000}};
  auto out = bill(s, "2025-05-01");
  ASSERT_EQ(out.size(), 2u);
  Minor due = part(5000, 500, 16, 30) + part(5000, 700, 14, 30);  // rounded once per phase
  EXPECT_EQ(due, 13333 + 16333);
  expect_line(out[0], LineKind::Adjustment, "Adjustment: Seats (added)", "2025-04-01", "2025-05-01",
              0, due - 25000);
  EXPECT_EQ(S(*out[0].cycle_start), "2025-04-01");
  expect_line(out[1], LineKind::Recurring, "Seats", "2025-05-01", "2025-06-01", 700, 7 * 5000);
}

TEST(Billing, SeatDecreaseInAdvanceCreditsTheDifference) {
  Price p = recurring(Timing::Advance, 5000);
  auto s = sub(p, "2025-01-01", 700);
  s.phases = {{D("2025-01-01"), D("2025-06-11"), 700}, {D("2025-06-11"), std::nullopt, 200}};
  s.billed = {{D("2025-06-01"), 35000}};
  auto out = bill(s, "2025-07-01");
  ASSERT_EQ(out.size(), 2u);
  Minor due = part(5000, 700, 10, 30) + part(5000, 200, 20, 30);
  expect_line(out[0], LineKind::Adjustment, "Adjustment: Seats (reduced or cancelled)",
              "2025-06-01", "2025-07-01", 0, due - 35000);
  EXPECT_LT(out[0].amount, 0);
  expect_line(out[1], LineKind::Recurring, "Seats", "2025-07-01", "2025-08-01", 200, 10000);
}

TEST(Billing, CancellingPrepaidServiceLeavesACredit) {
  Price p = recurring(Timing::Advance, 8995);
  auto s = sub(p, "2025-01-01", 100);
  s.end = D("2025-08-11");
  s.billed = {{D("2025-08-01"), 8995}};
  auto out = bill(s, "2025-09-01");
  ASSERT_EQ(out.size(), 1u);  // nothing for September
  Minor due = part(8995, 100, 10, 31);
  expect_line(out[0], LineKind::Adjustment, "Adjustment: Seats (reduced or cancelled)",
              "2025-08-01", "2025-09-01", 0, due - 8995);
  EXPECT_EQ(out[0].amount, -6093);  // 8995 * 10 / 31 = 2901.6 -> 2902; 2902 - 8995
  // Later runs bill nothing at all.
  s.billed.push_back({D("2025-08-01"), due - 8995});
  EXPECT_TRUE(bill(s, "2025-10-01").empty());
  // Cancelling on the first day of a prepaid period credits all of it.
  auto whole = sub(p, "2025-01-01", 100);
  whole.end = D("2025-08-01");
  whole.billed = {{D("2025-08-01"), 8995}};
  out = bill(whole, "2025-09-01");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].amount, -8995);
}

TEST(Billing, CancellationInArrearsBillsTheLastPartialPeriodOnly) {
  Price p = recurring(Timing::Arrears, 25000);
  auto s = sub(p, "2025-01-01", 100);
  s.end = D("2025-06-20");
  auto out = bill(s, "2025-07-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Recurring, "Seats (prorated)", "2025-06-01", "2025-06-20", 100,
              part(25000, 100, 19, 30));
  EXPECT_TRUE(bill(s, "2025-08-01").empty());
}

TEST(Billing, NothingDueAndNothingBilledWritesNoLine) {
  Price p = recurring(Timing::Advance, 2200);
  auto s = sub(p, "2025-01-01");
  s.billed = {{D("2025-01-01"), 6600}, {D("2025-02-01"), 6600}};
  EXPECT_TRUE(bill(s, "2025-02-01").empty());  // a repeated run finds everything settled
  Price free = recurring(Timing::Arrears, 0);
  EXPECT_TRUE(bill(sub(free, "2025-01-01"), "2025-02-01").empty());
}

TEST(Billing, YearlyPriceBillsOnlyOnItsAnniversary) {
  Price p = recurring(Timing::Advance, 2500, 12);
  auto s = sub(p, "2025-01-01", 100);
  auto out = bill(s, "2025-01-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Recurring, "Seats", "2025-01-01", "2026-01-01", 100, 2500);
  s.billed = {{D("2025-01-01"), 2500}};
  for (Date b = D("2025-02-01"); b < D("2026-01-01"); b = add_months(b, 1)) {
    std::vector<Line> none;
    bill_subscription(kMonthly, s, b, none);
    EXPECT_TRUE(none.empty()) << S(b);
    EXPECT_FALSE(subscription_periods(kMonthly, s, b).has_value()) << S(b);
  }
  out = bill(s, "2026-01-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Recurring, "Seats", "2026-01-01", "2027-01-01", 100, 2500);
}

// Cancelling a prepaid yearly price is settled at the first run after it ends, not at the
// anniversary months later; the anniversary then finds nothing left to settle.
TEST(Billing, CancelledYearlyPriceIsSettledAtTheNextRun) {
  Price p = recurring(Timing::Advance, 36500, 12);
  auto s = sub(p, "2025-01-01", 100);
  s.end = D("2025-03-10");
  s.billed = {{D("2025-01-01"), 36500}};
  EXPECT_TRUE(bill(s, "2025-03-01").empty());  // not ended yet
  auto out = bill(s, "2025-04-01");
  ASSERT_EQ(out.size(), 1u);
  Minor used = part(36500, 100, days("2025-01-01", "2025-03-10"), 365);
  EXPECT_EQ(used, 6800);
  expect_line(out[0], LineKind::Adjustment, "Adjustment: Seats (reduced or cancelled)", "2025-01-01",
              "2026-01-01", 0, used - 36500);
  EXPECT_EQ(S(*out[0].cycle_start), "2025-01-01");
  s.billed.push_back({D("2025-01-01"), used - 36500});
  for (Date b = D("2025-05-01"); b <= D("2026-02-01"); b = add_months(b, 1)) {
    std::vector<Line> none;
    bill_subscription(kMonthly, s, b, none);
    EXPECT_TRUE(none.empty()) << S(b);
  }
  // Ending exactly on a monthly boundary is settled by that boundary's run.
  auto t = sub(p, "2025-01-01", 100);
  t.end = D("2025-06-01");
  t.billed = {{D("2025-01-01"), 36500}};
  EXPECT_TRUE(bill(t, "2025-05-01").empty());
  out = bill(t, "2025-06-01");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].amount, part(36500, 100, days("2025-01-01", "2025-06-01"), 365) - 36500);
  // In arrears the last partial year is billed when it ends.
  Price a = recurring(Timing::Arrears, 36500, 12);
  auto u = sub(a, "2025-03-10", 100);
  u.end = D("2025-05-20");
  out = bill(u, "2025-06-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Recurring, "Seats (prorated)", "2025-03-10", "2025-05-20", 100,
              part(36500, 100, days("2025-03-10", "2025-05-20"), days("2025-03-01", "2026-03-01")));
}

// Found by testing as a clerk: a cancellation back-dated to the start of a prepaid year (or
// into it, dated more than a month back) was credited only at the year's anniversary, 11
// months late. It is settled by the next run, once.
TEST(Billing, ABackDatedYearlyCancellationIsSettledAtTheNextRun) {
  Price p = recurring(Timing::Advance, 36500, 12);
  auto s = sub(p, "2025-01-01", 100);
  s.billed = {{D("2025-01-01"), 36500}, {D("2026-01-01"), 36500}};
  s.end = D("2026-01-01");  // cancelled on Feb 2, 2026, as of the year's first day
  auto out = bill(s, "2026-03-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Adjustment, "Adjustment: Seats (reduced or cancelled)", "2026-01-01",
              "2027-01-01", 0, -36500);
  s.billed.push_back({D("2026-01-01"), -36500});
  for (Date b = D("2026-04-01"); b <= D("2027-02-01"); b = add_months(b, 1)) {
    std::vector<Line> none;
    bill_subscription(kMonthly, s, b, none);
    EXPECT_TRUE(none.empty()) << S(b);
  }
  // Back-dated into the year, more than a cycle back: the unused part, at the next run.
  auto t = sub(p, "2025-01-01", 100);
  t.billed = {{D("2025-01-01"), 36500}, {D("2026-01-01"), 36500}};
  t.end = D("2026-01-15");
  out = bill(t, "2026-04-01");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].amount, part(36500, 100, days("2026-01-01", "2026-01-15"), 365) - 36500);
  EXPECT_EQ(S(*out[0].cycle_start), "2026-01-01");
}

TEST(Billing, YearlyPriceStartedMidYearIsProratedOverTheYear) {
  Price p = recurring(Timing::Advance, 18000, 12);
  auto s = sub(p, "2025-03-10", 100);
  auto per = subscription_periods(kMonthly, s, D("2025-03-01"));
  ASSERT_TRUE(per.has_value());
  EXPECT_EQ(S(per->prev), "2024-03-01");
  EXPECT_EQ(S(per->next), "2026-03-01");
  auto out = bill(s, "2025-03-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Recurring, "Seats (prorated)", "2025-03-10", "2026-03-01", 100,
              part(18000, 100, days("2025-03-10", "2026-03-01"), days("2025-03-01", "2026-03-01")));
  EXPECT_FALSE(subscription_periods(kMonthly, s, D("2025-04-01")).has_value());
  EXPECT_TRUE(subscription_periods(kMonthly, s, D("2026-03-01")).has_value());
}

TEST(Billing, BiweeklyPrice) {
  Schedule bw{Cadence::Biweekly, 1, D("2025-01-03")};
  Price p = recurring(Timing::Advance, 35000);
  auto s = sub(p, "2025-01-10", 100);
  auto out = bill(s, "2025-01-17", bw);
  ASSERT_EQ(out.size(), 2u);
  expect_line(out[0], LineKind::Recurring, "Seats (prorated)", "2025-01-10", "2025-01-17", 100,
              part(35000, 100, 7, 14));
  expect_line(out[1], LineKind::Recurring, "Seats", "2025-01-17", "2025-01-31", 100, 35000);
}

TEST(Billing, MeteredUsageIsBilledPerUnitInArrears) {
  Price p = recurring(Timing::Arrears, 10);
  p.kind = PriceKind::Metered;
  p.product_name = "Backup storage (GB)";
  auto s = sub(p, "2025-01-01", 100);
  EXPECT_TRUE(bill(s, "2025-02-01").empty());  // no usage, no line
  s.pending_usage = {{D("2025-01-01"), 12345}};  // 123.45 GB
  auto out = bill(s, "2025-02-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Usage, "Backup storage (GB) (usage)", "2025-01-01", "2025-02-01",
              12345, prorate(10, 12345, 100));
  EXPECT_EQ(out[0].amount, 1235);  // 1234.5 rounds up
  // A subscription started mid-period shows its own start.
  auto late = sub(p, "2025-01-20", 100);
  late.pending_usage = {{D("2025-01-01"), 200}};
  out = bill(late, "2025-02-01");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(S(out[0].period_start), "2025-01-20");
  EXPECT_EQ(out[0].amount, 20);
}

// A reading dated in an earlier cycle but recorded after that cycle's run is billed on the
// next invoice under its own period, not merged into the current one.
TEST(Billing, LateUsageKeepsItsOwnPeriod) {
  Price p = recurring(Timing::Arrears, 10);
  p.kind = PriceKind::Metered;
  p.product_name = "Transit (GB)";
  auto s = sub(p, "2027-01-01", 100);
  s.pending_usage = {{D("2027-07-01"), 300}, {D("2027-06-01"), 500}, {D("2027-07-01"), 100}};
  auto out = bill(s, "2027-08-01");
  ASSERT_EQ(out.size(), 2u);
  expect_line(out[0], LineKind::Usage, "Transit (GB) (usage)", "2027-06-01", "2027-07-01", 500,
              prorate(10, 500, 100));
  expect_line(out[1], LineKind::Usage, "Transit (GB) (usage)", "2027-07-01", "2027-08-01", 400,
              prorate(10, 400, 100));
}

// A yearly price in advance that starts mid-month, after that month's run, is billed by the
// next run (prorated from its start for the year that began at its cycle), not a year later.
TEST(Billing, YearlyInAdvanceStartingMidMonthIsBilledByTheNextRun) {
  Price p = recurring(Timing::Advance, 24000, 12);
  auto s = sub(p, "2027-02-17", 100);  // created on 2027-02-17, after the February run
  auto out = bill(s, "2027-03-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Recurring, "Seats (prorated)", "2027-02-17", "2028-02-01", 100,
              part(24000, 100, days("2027-02-17", "2028-02-01"), days("2027-02-01", "2028-02-01")));
  EXPECT_EQ(S(*out[0].cycle_start), "2027-02-01");
  // Billed once: later runs of that year add nothing; the anniversary bills the next year.
  s.billed.push_back({D("2027-02-01"), out[0].amount});
  EXPECT_TRUE(bill(s, "2027-04-01").empty());
  out = bill(s, "2028-02-01");
  ASSERT_EQ(out.size(), 1u);
  expect_line(out[0], LineKind::Recurring, "Seats", "2028-02-01", "2029-02-01", 100, 24000);
}

TEST(Billing, APriceChangeBillsEachPhaseAtItsOwnPrice) {
  Price basic = recurring(Timing::Arrears, 3000), pro = recurring(Timing::Arrears, 9000);
  pro.id = 2;
  pro.product_name = "Seats Pro";
  auto s = sub(basic, "2025-01-01", 200);
  s.phases[0].end = D("2025-01-11");
  s.phases.push_back({D("2025-01-11"), std::nullopt, 200, &pro});
  auto out = bill(s, "2025-02-01");
  ASSERT_EQ(out.size(), 2u);
  expect_line(out[0], LineKind::Recurring, "Seats (prorated)", "2025-01-01", "2025-01-11", 200,
              part(3000, 200, 10, 31));
  expect_line(out[1], LineKind::Recurring, "Seats Pro (prorated)", "2025-01-11", "2025-02-01",
              200, part(9000, 200, 21, 31));
}

TEST(Billing, AmountsThatWouldOverflowAreRefusedNotWrapped) {
  Price p = recurring(Timing::Arrears, 10'000'000'000);
  p.kind = PriceKind::Metered;
  auto s = sub(p, "2025-01-01", 100);
  s.pending_usage = {{D("2025-01-01"), 100'000'000'000}};  // 10^9 units at 10^8.00
  EXPECT_THROW(bill(s, "2025-02-01"), Error);
  Price big = recurring(Timing::Arrears, INT64_MAX / 2);
  EXPECT_THROW(bill(sub(big, "2025-01-01", 300), "2025-02-01"), Error);
}

TEST(Billing, WorkAndChargesAreBilledInFull) {
  PendingItem w{PendingItem::Work, 11, 3, "Work: firewall rules (Dana, ticket T-1)", D("2025-02-03"), 125, 9500};
  Line l = bill_item(w);
  EXPECT_EQ(l.kind, LineKind::Work);
  EXPECT_EQ(l.item_id, 11);
  EXPECT_EQ(l.description, "Work: firewall rules (Dana, ticket T-1)");
  EXPECT_EQ(S(l.period_start), "2025-02-03");
  EXPECT_EQ(S(l.period_end), "2025-02-04");
  EXPECT_EQ(l.quantity, 125);
  EXPECT_EQ(l.unit_amount, 9500);
  EXPECT_EQ(l.amount, 11875);  // 1.25 h x 95.00
  EXPECT_FALSE(l.cycle_start.has_value());
  PendingItem c{PendingItem::Charge, 12, 3, "Dell laptop", D("2025-02-10"), 200, 119900};
  l = bill_item(c);
  EXPECT_EQ(l.kind, LineKind::Charge);
  EXPECT_EQ(l.amount, 2 * 119900);
  PendingItem odd{PendingItem::Work, 13, 3, "w", D("2025-02-10"), 33, 10001};  // 0.33 h
  EXPECT_EQ(bill_item(odd).amount, prorate(10001, 33, 100));
}

TEST(Billing, DueSegmentsOfAWholePeriodSumToThePrice) {
  Price p = recurring(Timing::Arrears, 2999);
  auto s = sub(p, "2025-01-01", 700);
  auto segs = due_segments(s, D("2025-02-01"), D("2025-03-01"));
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0].amount, 7 * 2999);
  EXPECT_EQ(segs[0].description, "Seats");
}

TEST(Billing, EarliestChangeDate) {
  Price m = recurring(Timing::Arrears, 100);
  EXPECT_EQ(S(earliest_change_date(kMonthly, sub(m, "2025-01-20"), D("2025-03-15"))), "2025-03-01");
  EXPECT_EQ(S(earliest_change_date(kMonthly, sub(m, "2025-03-20"), D("2025-03-15"))), "2025-03-20");
  EXPECT_EQ(S(earliest_change_date(kMonthly, sub(m, "2025-03-10"), D("2025-03-15"))), "2025-03-10");
  Price y = recurring(Timing::Advance, 100, 12);
  EXPECT_EQ(S(earliest_change_date(kMonthly, sub(y, "2025-01-01"), D("2025-07-15"))), "2025-01-01");
  EXPECT_EQ(S(earliest_change_date(kMonthly, sub(y, "2025-01-01"), D("2026-02-15"))), "2026-01-01");
}

TEST(Billing, LineKindNames) {
  EXPECT_STREQ(line_kind_name(LineKind::Recurring), "recurring");
  EXPECT_STREQ(line_kind_name(LineKind::Adjustment), "adjustment");
  EXPECT_STREQ(line_kind_name(LineKind::Usage), "usage");
  EXPECT_STREQ(line_kind_name(LineKind::Work), "work");
  EXPECT_STREQ(line_kind_name(LineKind::Charge), "charge");
}

}  // namespace
}  // namespace remit::domain
