// Calendar dates for billing periods: strict parsing, month arithmetic that clamps to the
// month's end, and the local date of an instant in the tenant's time zone.
#include "core/dates.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace remit {
namespace {

Date D(const char* s) {
  auto d = parse_date(s);
  if (!d) throw std::runtime_error(std::string("bad test date ") + s);
  return *d;
}

Instant I(const char* s) {
  auto t = parse_instant(s);
  if (!t) throw std::runtime_error(std::string("bad test instant ") + s);
  return *t;
}

TEST(Dates, ParseDateIsStrict) {
  const std::pair<const char*, bool> cases[] = {
      {"2025-01-31", true},  {"2024-02-29", true},  {"2025-02-29", false}, {"2025-04-31", false},
      {"2025-13-01", false}, {"2025-00-10", false}, {"2025-01-00", false}, {"2025-1-01", false},
      {"2025-01-1", false},  {"2025/01/01", false}, {" 2025-01-01", false}, {"2025-01-01 ", false},
      {"1899-12-31", false}, {"1900-01-01", true},  {"9999-12-31", true},  {"", false},
      {"20250101", false},   {"2025-0a-01", false}, {"+025-01-01", false},
  };
  for (auto [s, ok] : cases) EXPECT_EQ(parse_date(s).has_value(), ok) << s;
}

TEST(Dates, FormatRoundTrips) {
  for (const char* s : {"2025-01-01", "2024-02-29", "1999-12-31", "2030-10-05"})
    EXPECT_EQ(format_date(D(s)), s);
  EXPECT_EQ(format_date(make_date(2025, 3, 9)), "2025-03-09");
  EXPECT_EQ(D("2025-03-09"), make_date(2025, 3, 9));
}

TEST(Dates, Instants) {
  EXPECT_EQ(format_instant(I("2025-03-09T07:05:01Z")), "2025-03-09T07:05:01Z");
  EXPECT_EQ(format_instant(I("2025-03-09")), "2025-03-09T00:00:00Z");
  for (const char* bad : {"2025-03-09T24:00:00Z", "2025-03-09T07:60:00Z", "2025-03-09 07:05:01Z",
                          "2025-03-09T07:05:01", "2025-03-09T07:05:01+01:00", "2025-02-30"})
    EXPECT_FALSE(parse_instant(bad).has_value()) << bad;
}

struct AddMonthsCase {
  const char* from;
  int n;
  const char* want;
};

TEST(Dates, AddMonthsClampsToTheLastDay) {
  const AddMonthsCase cases[] = {
      {"2025-01-15", 1, "2025-02-15"},  {"2025-01-31", 1, "2025-02-28"},
      {"2024-01-31", 1, "2024-02-29"},  {"2025-03-31", -1, "2025-02-28"},
      {"2025-03-31", 1, "2025-04-30"},  {"2023-01-31", 13, "2024-02-29"},
      {"2025-12-15", 1, "2026-01-15"},  {"2025-01-15", -1, "2024-12-15"},
      {"2025-05-31", -12, "2024-05-31"}, {"2024-02-29", 12, "2025-02-28"},
      {"2025-06-30", 0, "2025-06-30"},
  };
  for (auto& c : cases) EXPECT_EQ(format_date(add_months(D(c.from), c.n)), c.want) << c.from << " + " << c.n;
}

TEST(Dates, MonthEndsAndDayCounts) {
  EXPECT_EQ(format_date(end_of_month(D("2025-02-01"))), "2025-02-28");
  EXPECT_EQ(format_date(end_of_month(D("2024-02-10"))), "2024-02-29");
  EXPECT_EQ(format_date(end_of_month(D("2025-12-31"))), "2025-12-31");
  EXPECT_EQ(days_between(D("2025-01-01"), D("2025-02-01")), 31);
  EXPECT_EQ(days_between(D("2025-02-01"), D("2025-03-01")), 28);
  EXPECT_EQ(days_between(D("2024-02-01"), D("2024-03-01")), 29);
  EXPECT_EQ(days_between(D("2025-01-01"), D("2026-01-01")), 365);
  EXPECT_EQ(days_between(D("2025-03-01"), D("2025-02-01")), -28);
  EXPECT_EQ(day_of_month(D("2025-07-19")), 19);
}

struct LocalCase {
  const char* instant;
  const char* tz;
  const char* want;
};

TEST(Dates, LocalDateInATimeZone) {
  const LocalCase cases[] = {
      {"2025-01-01T05:59:59Z", "America/Chicago", "2024-12-31"},  // CST is UTC-6
      {"2025-01-01T06:00:00Z", "America/Chicago", "2025-01-01"},
      {"2025-07-01T04:59:59Z", "America/Chicago", "2025-06-30"},  // CDT is UTC-5
      {"2025-07-01T05:00:00Z", "America/Chicago", "2025-07-01"},
      {"2024-12-31T16:00:00Z", "Asia/Shanghai", "2025-01-01"},   // UTC+8
      {"2024-12-31T15:59:59Z", "Asia/Shanghai", "2024-12-31"},
      {"2024-12-31T23:59:59Z", "UTC", "2024-12-31"},
      {"2024-12-31T23:59:59Z", "", "2024-12-31"},
  };
  for (auto& c : cases) EXPECT_EQ(format_date(local_date(I(c.instant), c.tz)), c.want) << c.instant << " " << c.tz;
}

TEST(Dates, LocalMidnightAcrossDaylightSaving) {
  // US DST began 2025-03-09 at 02:00 local: midnight that day is still CST.
  EXPECT_EQ(format_instant(local_midnight(D("2025-03-09"), "America/Chicago")), "2025-03-09T06:00:00Z");
  EXPECT_EQ(format_instant(local_midnight(D("2025-03-10"), "America/Chicago")), "2025-03-10T05:00:00Z");
  EXPECT_EQ(format_instant(local_midnight(D("2025-11-02"), "America/Chicago")), "2025-11-02T05:00:00Z");
  EXPECT_EQ(format_instant(local_midnight(D("2025-11-03"), "America/Chicago")), "2025-11-03T06:00:00Z");
  EXPECT_EQ(format_instant(local_midnight(D("2025-01-01"), "UTC")), "2025-01-01T00:00:00Z");
  for (const char* d : {"2025-03-09", "2025-03-10", "2025-11-02", "2025-06-15"})
    EXPECT_EQ(format_date(local_date(local_midnight(D(d), "America/Chicago"), "America/Chicago")), d);
}

// Where DST starts at midnight (Santiago, Havana) local midnight does not exist: the day
// starts at the transition, 01:00 local. It must not throw.
TEST(Dates, LocalMidnightThatDoesNotExist) {
  EXPECT_EQ(format_instant(local_midnight(D("2025-09-07"), "America/Santiago")), "2025-09-07T04:00:00Z");
  EXPECT_EQ(format_instant(local_midnight(D("2025-03-09"), "America/Havana")), "2025-03-09T05:00:00Z");
  for (auto [d, tz] : {std::pair{"2025-09-07", "America/Santiago"}, {"2025-03-09", "America/Havana"},
                       {"2025-04-06", "America/Santiago"}, {"2025-11-02", "America/Havana"}}) {
    Instant t = local_midnight(D(d), tz);
    EXPECT_EQ(format_date(local_date(t, tz)), d) << tz;
    EXPECT_EQ(format_date(local_date(t - std::chrono::seconds{1}, tz)), format_date(D(d) - date::days{1})) << tz;
  }
}

TEST(Dates, ValidTimeZone) {
  EXPECT_TRUE(valid_time_zone("UTC"));
  EXPECT_TRUE(valid_time_zone("America/Chicago"));
  EXPECT_TRUE(valid_time_zone("Asia/Shanghai"));
  EXPECT_FALSE(valid_time_zone("Mars/Olympus_Mons"));
  EXPECT_FALSE(valid_time_zone(""));
}

TEST(Errors, CodeNames) {
  EXPECT_STREQ(code_name(Code::InvalidArgument), "invalid_argument");
  EXPECT_STREQ(code_name(Code::FailedPrecondition), "failed_precondition");
  EXPECT_STREQ(code_name(Code::Retryable), "unavailable");
  try {
    invalid("quantity", "must be positive");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code, Code::InvalidArgument);
    EXPECT_EQ(e.field, "quantity");
    EXPECT_STREQ(e.what(), "must be positive");
  }
}

}  // namespace
}  // namespace remit
