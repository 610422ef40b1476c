#include "domain/schedule.h"

namespace remit::domain {
using namespace date;

Date boundary_on_or_before(const Schedule& s, Date d) {
  if (s.cadence == Cadence::Biweekly) {
    auto diff = days_between(s.anchor, d);
    auto k = diff >= 0 ? diff / 14 : -((-diff + 13) / 14);
    return s.anchor + days{k * 14};
  }
  year_month_day ymd{d};
  auto b = sys_days{ymd.year() / ymd.month() / day{static_cast<unsigned>(s.invoice_day)}};
  return b <= d ? b : add_months(b, -1);
}

Date shift_cycles(const Schedule& s, Date b, int n) {
  if (s.cadence == Cadence::Biweekly) return b + days{14 * n};
  return add_months(b, n);
}

bool is_boundary(const Schedule& s, Date d) { return boundary_on_or_before(s, d) == d; }

int cycles_between(const Schedule& s, Date a, Date b) {
  if (s.cadence == Cadence::Biweekly) return static_cast<int>(days_between(a, b) / 14);
  year_month_day x{a}, y{b};
  return (static_cast<int>(y.year()) - static_cast<int>(x.year())) * 12 +
         static_cast<int>(static_cast<unsigned>(y.month())) -
         static_cast<int>(static_cast<unsigned>(x.month()));
}

std::string cadence_name(Cadence c) { return c == Cadence::Monthly ? "monthly" : "biweekly"; }

bool parse_cadence(std::string_view s, Cadence& out) {
  if (s == "monthly") { out = Cadence::Monthly; return true; }
  if (s == "biweekly") { out = Cadence::Biweekly; return true; }
  return false;
}

}  // namespace remit::domain
