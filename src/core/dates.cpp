#include "core/dates.h"

#include <date/tz.h>
#include <fmt/format.h>

namespace remit {
using namespace date;

std::optional<Date> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto num = [&](size_t pos, size_t len) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 1900 || y > 9999 || m < 1 || d < 1) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

std::string format_date(Date d) {
  year_month_day ymd{d};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string format_instant(Instant t) {
  auto d = floor<days>(t);
  hh_mm_ss tod{t - d};
  return fmt::format("{}T{:02}:{:02}:{:02}Z", format_date(d), tod.hours().count(),
                     tod.minutes().count(), tod.seconds().count());
}

std::optional<Instant> parse_local_instant(std::string_view s, const std::string& tz) {
  if (s.size() == 10) {
    auto d = parse_date(s);
    return d ? std::optional(local_midnight(*d, tz)) : std::nullopt;
  }
  return parse_instant(s);
}

std::optional<Instant> parse_instant(std::string_view s) {
  if (s.size() == 10) {
    auto d = parse_date(s);
    if (!d) return std::nullopt;
    return Instant{*d};
  }
  if (s.size() != 20 || s[10] != 'T' || s[19] != 'Z' || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  auto d = parse_date(s.substr(0, 10));
  if (!d) return std::nullopt;
  int hms[3];
  for (int k = 0; k < 3; ++k) {
    char a = s[11 + 3 * k], b = s[12 + 3 * k];
    if (a < '0' || a > '9' || b < '0' || b > '9') return std::nullopt;
    hms[k] = (a - '0') * 10 + (b - '0');
  }
  if (hms[0] > 23 || hms[1] > 59 || hms[2] > 59) return std::nullopt;
  return Instant{*d} + std::chrono::hours{hms[0]} + std::chrono::minutes{hms[1]} +
         std::chrono::seconds{hms[2]};
}

Date make_date(int y, unsigned m, unsigned d) { return sys_days{year{y} / month{m} / day{d}}; }

Date add_months(Date d, int n) {
  year_month_day ymd{d};
  year_month ym = year_month{ymd.year(), ymd.month()} + months{n};
  auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  return sys_days{ym.year() / ym.month() / std::min(ymd.day(), last)};
}

Date end_of_month(Date d) {
  year_month_day ymd{d};
  return sys_days{year_month_day_last{ymd.year(), month_day_last{ymd.month()}}};
}

int64_t days_between(Date a, Date b) { return (b - a).count(); }

int day_of_month(Date d) { return static_cast<int>(static_cast<unsigned>(year_month_day{d}.day())); }

Date local_date(Instant t, const std::string& tz) {
  if (tz.empty() || tz == "UTC") return floor<days>(t);
  zoned_seconds z{tz, t};
  return Date{floor<days>(z.get_local_time()).time_since_epoch()};
}

Instant local_midnight(Date d, const std::string& tz) {
  if (tz.empty() || tz == "UTC") return Instant{d};
  // Where DST starts at midnight the day begins at the transition; where it ends just after
  // midnight, at the first midnight. Without a choice date throws on such days.
  zoned_seconds z{tz, local_seconds{d.time_since_epoch()}, choose::earliest};
  return z.get_sys_time();
}

Instant local_time(Date d, std::chrono::hours h, const std::string& tz) {
  if (tz.empty() || tz == "UTC") return Instant{d} + h;
  // An hour that does not exist (DST starts) is the instant the clocks jump; one that occurs
  // twice (DST ends), its first occurrence.
  zoned_seconds z{tz, local_seconds{d.time_since_epoch()} + h, choose::earliest};
  return z.get_sys_time();
}

bool valid_time_zone(const std::string& tz) {
  if (tz == "UTC") return true;
  try {
    (void)locate_zone(tz);
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace remit
