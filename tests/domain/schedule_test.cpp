// Stream schedules (B6, C1): monthly on an invoice day, or every two weeks from an anchor.
#include "domain/schedule.h"

#include <gtest/gtest.h>

#include "domain/test_dates.h"

namespace remit::domain {
namespace {
using test::D;
using test::S;

Schedule monthly(int day) { return {Cadence::Monthly, day, {}}; }
Schedule biweekly(const char* anchor) { return {Cadence::Biweekly, 1, D(anchor)}; }

struct BoundaryCase {
  Schedule s;
  const char* day;
  const char* want;
};

TEST(Schedule, BoundaryOnOrBefore) {
  const BoundaryCase cases[] = {
      {monthly(1), "2025-03-15", "2025-03-01"},
      {monthly(1), "2025-03-01", "2025-03-01"},
      {monthly(1), "2025-02-28", "2025-02-01"},
      {monthly(1), "2025-01-01", "2025-01-01"},
      {monthly(15), "2025-03-14", "2025-02-15"},
      {monthly(15), "2025-03-15", "2025-03-15"},
      {monthly(15), "2025-03-31", "2025-03-15"},
      {monthly(15), "2025-01-10", "2024-12-15"},
      {monthly(28), "2025-02-27", "2025-01-28"},
      {monthly(28), "2025-03-01", "2025-02-28"},
      {biweekly("2025-01-03"), "2025-01-03", "2025-01-03"},
      {biweekly("2025-01-03"), "2025-01-16", "2025-01-03"},
      {biweekly("2025-01-03"), "2025-01-17", "2025-01-17"},
      {biweekly("2025-01-03"), "2025-12-31", "2025-12-19"},
      {biweekly("2025-01-03"), "2024-12-25", "2024-12-20"},  // before the anchor
      {biweekly("2025-01-03"), "2024-12-20", "2024-12-20"},
      {biweekly("2025-01-03"), "2024-12-19", "2024-12-06"},
      {biweekly("2025-01-03"), "2025-01-02", "2024-12-20"},
  };
  for (auto& c : cases) {
    EXPECT_EQ(S(boundary_on_or_before(c.s, D(c.day))), c.want) << cadence_name(c.s.cadence) << " " << c.day;
    EXPECT_EQ(is_boundary(c.s, D(c.day)), std::string(c.day) == c.want) << c.day;
  }
}

TEST(Schedule, ShiftCycles) {
  EXPECT_EQ(S(shift_cycles(monthly(1), D("2025-01-01"), 1)), "2025-02-01");
  EXPECT_EQ(S(shift_cycles(monthly(1), D("2025-01-01"), 12)), "2026-01-01");
  EXPECT_EQ(S(shift_cycles(monthly(1), D("2025-01-01"), -1)), "2024-12-01");
  EXPECT_EQ(S(shift_cycles(monthly(15), D("2025-01-15"), 1)), "2025-02-15");
  EXPECT_EQ(S(shift_cycles(monthly(15), D("2025-01-15"), -2)), "2024-11-15");
  EXPECT_EQ(S(shift_cycles(monthly(28), D("2025-01-28"), 1)), "2025-02-28");
  EXPECT_EQ(S(shift_cycles(biweekly("2025-01-03"), D("2025-01-03"), 1)), "2025-01-17");
  EXPECT_EQ(S(shift_cycles(biweekly("2025-01-03"), D("2025-01-03"), -1)), "2024-12-20");
  EXPECT_EQ(S(shift_cycles(biweekly("2025-01-03"), D("2025-01-03"), 26)), "2026-01-02");
}

TEST(Schedule, BiweeklyBoundariesStepByFourteenDays) {
  Schedule s = biweekly("2025-01-03");
  Date b = D("2025-01-03");
  int n = 0;
  for (Date d = D("2025-01-03"); d < D("2026-01-01"); d += date::days{1}) {
    if (!is_boundary(s, d)) continue;
    EXPECT_EQ(d, b + date::days{14 * n}) << S(d);
    ++n;
  }
  EXPECT_EQ(n, 26);
}

TEST(Schedule, CyclesBetween) {
  EXPECT_EQ(cycles_between(monthly(1), D("2025-01-01"), D("2026-01-01")), 12);
  EXPECT_EQ(cycles_between(monthly(1), D("2025-01-01"), D("2025-01-01")), 0);
  EXPECT_EQ(cycles_between(monthly(15), D("2024-12-15"), D("2025-03-15")), 3);
  EXPECT_EQ(cycles_between(monthly(1), D("2024-03-01"), D("2025-02-01")), 11);
  EXPECT_EQ(cycles_between(biweekly("2025-01-03"), D("2025-01-03"), D("2025-01-31")), 2);
  EXPECT_EQ(cycles_between(biweekly("2025-01-03"), D("2024-12-20"), D("2026-01-02")), 27);
  // shift and count agree
  for (int n = 0; n < 30; ++n) {
    EXPECT_EQ(cycles_between(monthly(15), D("2025-01-15"), shift_cycles(monthly(15), D("2025-01-15"), n)), n);
    EXPECT_EQ(cycles_between(biweekly("2025-01-03"), D("2025-01-03"),
                             shift_cycles(biweekly("2025-01-03"), D("2025-01-03"), n)), n);
  }
}

TEST(Schedule, CadenceNames) {
  Cadence c{};
  EXPECT_TRUE(parse_cadence("monthly", c));
  EXPECT_EQ(c, Cadence::Monthly);
  EXPECT_TRUE(parse_cadence("biweekly", c));
  EXPECT_EQ(c, Cadence::Biweekly);
  EXPECT_FALSE(parse_cadence("weekly", c));
  EXPECT_FALSE(parse_cadence("", c));
  EXPECT_EQ(cadence_name(Cadence::Monthly), "monthly");
  EXPECT_EQ(cadence_name(Cadence::Biweekly), "biweekly");
}

}  // namespace
}  // namespace remit::domain
