// Property tests with a fixed seed (reproducible: the seed is printed on failure) over
// proration and settlement: random prices, quantities, phases, schedules and dates within the
// documented limits. What must always hold:
//  - a full period bills exactly unit x quantity; proration rounds once per segment;
//  - settling by difference is idempotent: a period settled once has nothing more to bill,
//    whatever happened in between, and what was billed for a period always sums to its due;
//  - nothing within the limits overflows; beyond them the arithmetic refuses, never wraps.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "core/error.h"
#include "domain/billing.h"
#include "domain/test_dates.h"

namespace remit::domain {
namespace {
using test::D;

constexpr uint64_t kSeed = 20271123;
constexpr int kCases = 3000;

struct Rng {
  std::mt19937_64 g{kSeed};
  int64_t in(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(g); }
  bool coin() { return in(0, 1) == 1; }
};

Schedule random_schedule(Rng& r) {
  if (r.coin()) return {Cadence::Monthly, static_cast<int>(r.in(1, 28)), {}};
  return {Cadence::Biweekly, 1, D("2025-01-03") + date::days{r.in(0, 13)}};
}

TEST(MoneyProperties, ProrationIsExactForFullPeriodsAndRoundsOncePerSegment) {
  Rng r;
  for (int i = 0; i < kCases; ++i) {
    SCOPED_TRACE(::testing::Message() << "seed " << kSeed << " case " << i);
    Minor unit = r.in(0, 100'000'000'00);
    int64_t qty = r.in(1, 100'000'000);
    if (!line_amount(unit, qty)) continue;  // refused at input (line limit)
    int64_t n = r.in(1, 366);
    EXPECT_EQ(prorate(unit * qty, n, n * 100), *line_amount(unit, qty));
    // Split the period in two: each part rounded once, together within a cent of the whole.
    int64_t k = r.in(0, n);
    Minor a = prorate(unit * qty, k, n * 100), b = prorate(unit * qty, n - k, n * 100);
    Minor whole = prorate(unit * qty, n, n * 100);
    EXPECT_LE(std::abs(a + b - whole), 1);
    EXPECT_GE(a, 0);
    EXPECT_LE(a, whole);
  }
}

TEST(MoneyProperties, SettlementIsIdempotentAndBillsExactlyTheDue) {
  Rng r;
  for (int i = 0; i < kCases; ++i) {
    SCOPED_TRACE(::testing::Message() << "seed " << kSeed << " case " << i);
    Schedule sch = random_schedule(r);
    Price p;
    p.id = 1;
    p.product_name = "P";
    p.timing = r.coin() ? Timing::Advance : Timing::Arrears;
    p.interval_cycles = sch.cadence == Cadence::Monthly && r.in(0, 3) == 0 ? 12 : 1;
    p.unit_amount = r.in(0, 100'000'000'00);
    Subscription s;
    s.id = 7;
    s.account_id = 3;
    s.price = &p;
    s.start = D("2025-01-01") + date::days{r.in(0, 400)};
    int64_t qty = r.in(1, 100'000'000);
    if (!line_amount(p.unit_amount, qty)) qty = 100;
    if (!line_amount(p.unit_amount, qty)) p.unit_amount = 1000;
    // Up to three phases (quantity changes), maybe a cancellation.
    Date at = s.start;
    int phases = static_cast<int>(r.in(1, 3));
    for (int k = 0; k < phases; ++k) {
      Phase ph{at, std::nullopt, k == 0 ? qty : r.in(1, qty)};
      if (k + 1 < phases) {
        at = at + date::days{r.in(1, 90)};
        ph.end = at;
      }
      s.phases.push_back(ph);
    }
    if (r.coin()) s.end = at + date::days{r.in(1, 200)};
    // Bill every boundary for two years, recording what was billed per period.
    Date b = shift_cycles(sch, boundary_on_or_before(sch, s.start), 1);
    Date until = s.start + date::days{730};
    std::map<Date, Minor> billed;
    for (; b <= until; b = shift_cycles(sch, b, 1)) {
      std::vector<Line> out;
      ASSERT_NO_THROW(bill_subscription(sch, s, b, out));
      for (auto& l : out) {
        ASSERT_TRUE(l.cycle_start.has_value());
        billed[*l.cycle_start] += l.amount;
        s.billed.push_back({*l.cycle_start, l.amount});
      }
      // The same run again bills nothing: settlement by difference is idempotent.
      std::vector<Line> again;
      bill_subscription(sch, s, b, again);
      ASSERT_TRUE(again.empty()) << "run at " << test::S(b) << " billed twice";
    }
    // Every period settled so far was billed exactly its due, and never below 0.
    for (auto& [start, amount] : billed) {
      Date end = shift_cycles(sch, start, p.interval_cycles);
      if (end > b) continue;  // an in-advance period still running is trued up later
      Minor due = 0;
      for (auto& l : due_segments(s, start, end)) due += l.amount;
      EXPECT_EQ(amount, due) << "period " << test::S(start);
      EXPECT_GE(amount, 0);
    }
  }
}

TEST(MoneyProperties, ArithmeticBeyondTheLimitsRefusesNeverWraps) {
  Rng r;
  for (int i = 0; i < kCases; ++i) {
    Minor a = r.in(INT64_MAX / 4, INT64_MAX), b = r.in(INT64_MAX / 4, INT64_MAX);
    __int128 exact = static_cast<__int128>(a) + b;
    if (exact > INT64_MAX) {
      EXPECT_THROW(checked_add(a, b), Error);
    } else {
      EXPECT_EQ(checked_add(a, b), static_cast<Minor>(exact));
    }
    int64_t m = r.in(5, 1'000'000);  // a x m > INT64_MAX for every a drawn
    EXPECT_THROW(checked_mul(a, m), Error);
    EXPECT_THROW(prorate(a, m, 1), Error);
    EXPECT_FALSE(line_amount(a, m).has_value());
  }
}

}  // namespace
}  // namespace remit::domain
