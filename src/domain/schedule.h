#pragma once
// Invoice stream schedules (B6, C1): when a stream's billing cycles begin and end.
#include "core/dates.h"

#include <string>

namespace remit::domain {

enum class Cadence { Monthly, Biweekly };

struct Schedule {
  Cadence cadence = Cadence::Monthly;
  int invoice_day = 1;  // Monthly: day of month 1..28 a cycle starts (and is invoiced)
  Date anchor{};        // Biweekly: any cycle boundary; others are anchor +/- 14k days
};

// The latest cycle boundary on or before d.
Date boundary_on_or_before(const Schedule& s, Date d);
// The boundary `n` cycles after (n > 0) or before (n < 0) boundary b.
Date shift_cycles(const Schedule& s, Date b, int n);
bool is_boundary(const Schedule& s, Date d);
// Number of whole cycles from boundary a to boundary b (b >= a).
int cycles_between(const Schedule& s, Date a, Date b);

std::string cadence_name(Cadence c);
bool parse_cadence(std::string_view s, Cadence& out);

}  // namespace remit::domain
