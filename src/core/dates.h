#pragma once
// Calendar dates (no time of day) for billing periods; half-open periods [start, end).
#include <date/date.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace remit {

using Date = date::sys_days;
using Instant = std::chrono::sys_seconds;

std::optional<Date> parse_date(std::string_view s);  // strict YYYY-MM-DD
std::string format_date(Date d);                     // YYYY-MM-DD
std::string format_instant(Instant t);               // YYYY-MM-DDTHH:MM:SSZ
std::optional<Instant> parse_instant(std::string_view s);
// "YYYY-MM-DD" as the start of that day in `tz` (the meaning a date has everywhere in Remit),
// or an instant "YYYY-MM-DDTHH:MM:SSZ" as it is.
std::optional<Instant> parse_local_instant(std::string_view s, const std::string& tz);

Date make_date(int y, unsigned m, unsigned d);
// Same day-of-month n months later, clamped to the month's last day.
Date add_months(Date d, int n);
Date end_of_month(Date d);  // last day of d's month
int64_t days_between(Date a, Date b);  // b - a
int day_of_month(Date d);

// The calendar date of an instant in an IANA time zone ("UTC" or "America/Chicago").
Date local_date(Instant t, const std::string& tz);
bool valid_time_zone(const std::string& tz);
// The instant local midnight starts day d in time zone tz.
Instant local_midnight(Date d, const std::string& tz);
// The instant the clocks of time zone tz show hour h (0..23) of day d.
Instant local_time(Date d, std::chrono::hours h, const std::string& tz);

}  // namespace remit
