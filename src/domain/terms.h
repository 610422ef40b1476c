#pragma once
// Payment terms (C3): Net N days, or due at the end of the invoice's month.
#include "core/dates.h"

#include <string>

namespace remit::domain {

struct Terms {
  enum Kind { Net, EndOfMonth } kind = Net;
  int days = 30;  // Net only
};

Date due_date(const Terms& t, Date issued);
std::string terms_label(const Terms& t);  // "Net 15", "Due end of month"
bool parse_terms(std::string_view kind, int days, Terms& out);

}  // namespace remit::domain
