// Money rules (ARCHITECTURE "Habits"): integer minor units, proration rounds once, half away
// from zero, and a full period bills exactly its price.
#include "core/money.h"

#include <gtest/gtest.h>

#include <limits>

namespace remit {
namespace {

struct ProrateCase {
  Minor amount;
  int64_t num, den;
  Minor want;
};

TEST(Money, ProrateRoundsOnceHalfAwayFromZero) {
  const ProrateCase cases[] = {
      {1000, 1, 3, 333},     // 333.33
      {1000, 2, 3, 667},     // 666.67
      {5, 1, 2, 3},          // 2.5 rounds up
      {15, 1, 10, 2},        // 1.5 rounds up
      {14, 1, 10, 1},        // 1.4 rounds down
      {25, 1, 10, 3},        // 2.5 rounds up, not to even
      {-5, 1, 2, -3},        // -2.5 rounds away from zero
      {-15, 1, 10, -2},      // -1.5
      {-14, 1, 10, -1},      // -1.4
      {-1000, 2, 3, -667},   // -666.67
      {1000, -2, 3, -667},   // a negative day count prorates the same way
      {0, 7, 31, 0},
      {1234, 0, 31, 0},
      // 3 seats at 22.00 for 12 of 31 days: 660000 * 12 / 3100 = 2554.84
      {2200 * 300, 12, 31 * 100, 2555},
      // 5 seats at 50.00 for 16 of 30 days: 13333.33
      {5000 * 500, 16, 30 * 100, 13333},
      // metered: 123.45 units at 0.10: 1234.5
      {10, 12345, 100, 1235},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message() << c.amount << " * " << c.num << " / " << c.den);
    EXPECT_EQ(prorate(c.amount, c.num, c.den), c.want);
  }
}

TEST(Money, FullPeriodIsExactlyThePrice) {
  const Minor prices[] = {1, 99, 2200, 8995, 125000, 99999999, -6093};
  const int64_t days[] = {14, 28, 29, 30, 31, 365, 366};
  for (Minor p : prices)
    for (int64_t n : days) {
      EXPECT_EQ(prorate(p, n, n), p) << p << " over " << n;
      // quantities in hundredths: 7 seats over a whole period
      EXPECT_EQ(prorate(p * 700, n, n * 100), p * 7) << p << " x7 over " << n;
    }
}

TEST(Money, ProrateDoesNotOverflowOnLargeProducts) {
  const Minor big = 9'000'000'000'000'000'000LL / 100;  // near int64 range once multiplied
  EXPECT_EQ(prorate(big, 31, 31), big);
  EXPECT_EQ(prorate(big, 100, 100), big);
  EXPECT_EQ(prorate(big, 1, 2), big / 2);
}

TEST(Money, ProrateSplitsOfAPeriodSumToWithinOneCentPerSplit) {
  // Rounding once per segment: the pieces of a month never drift more than half a cent each.
  Minor price = 2200 * 300;
  for (int64_t split = 1; split < 31; ++split) {
    Minor a = prorate(price, split, 3100), b = prorate(price, 31 - split, 3100);
    EXPECT_LE(std::abs(a + b - 6600), 1) << split;
  }
}

struct ParseCase {
  const char* text;
  bool ok;
  Minor want;
};

TEST(Money, ParseDecimalMinor) {
  const ParseCase cases[] = {
      {"12", true, 1200},
      {"12.5", true, 1250},
      {"12.50", true, 1250},
      {"-3.07", true, -307},
      {"0.01", true, 1},
      {"0", true, 0},
      {"-0", true, 0},
      {"000123.40", true, 12340},
      {"999999999999999", true, 99999999999999900},  // 15 digits is the limit
      {"9999999999999999", false, 0},               // 16 digits
      {"", false, 0},
      {"-", false, 0},
      {"12.", false, 0},
      {".5", false, 0},
      {"-.5", false, 0},
      {"1.234", false, 0},
      {"1,000", false, 0},
      {"1,5", false, 0},
      {"abc", false, 0},
      {" 1", false, 0},
      {"1 ", false, 0},
      {"+1", false, 0},
      {"1e3", false, 0},
      {"--1", false, 0},
      {"1.-2", false, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    Minor out = -42;
    EXPECT_EQ(parse_decimal_minor(c.text, out), c.ok);
    if (c.ok) {
      EXPECT_EQ(out, c.want);
    }
  }
}

TEST(Money, MinorToDecimal) {
  const std::pair<Minor, const char*> cases[] = {
      {0, "0.00"},         {5, "0.05"},       {-5, "-0.05"},
      {1250, "12.50"},     {-307, "-3.07"},   {100000000, "1000000.00"},
      {std::numeric_limits<Minor>::min(), "-92233720368547758.08"},
      {std::numeric_limits<Minor>::max(), "92233720368547758.07"},
  };
  for (auto [m, want] : cases) EXPECT_EQ(minor_to_decimal(m), want) << m;
}

TEST(Money, DecimalRoundTrip) {
  for (Minor m : {0LL, 1LL, -1LL, 1999LL, -123456LL, 99999999999LL}) {
    Minor back = 0;
    ASSERT_TRUE(parse_decimal_minor(minor_to_decimal(m), back)) << m;
    EXPECT_EQ(back, m);
  }
}

TEST(Money, HundredthsToString) {
  const std::pair<int64_t, const char*> cases[] = {
      {300, "3"}, {125, "1.25"}, {150, "1.5"}, {5, "0.05"}, {0, "0"}, {-50, "-0.5"}, {-200, "-2"},
  };
  for (auto [q, want] : cases) EXPECT_EQ(hundredths_to_string(q), want) << q;
}

}  // namespace
}  // namespace remit
