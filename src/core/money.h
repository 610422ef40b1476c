#pragma once
// Money is an integer count of minor units (cents) in the tenant's currency; never a double.
#include <cstdint>
#include <string>

namespace remit {

using Minor = int64_t;

// amount * num / den, rounded once, half away from zero. den > 0.
// prorate(p, n, n) == p exactly, so a full period bills its exact price.
Minor prorate(Minor amount, int64_t num, int64_t den);

// "1234.56"-style plain decimal with 2 places (no grouping); used by CSV and JSON views.
std::string minor_to_decimal(Minor m);

// Parses "12", "12.5", "12.50", "-3.07" into minor units; false on anything else
// or on more than 2 decimal places.
bool parse_decimal_minor(std::string_view s, Minor& out);

// Quantities are stored in hundredths (1.25 hours = 125, 3 seats = 300).
std::string hundredths_to_string(int64_t q);

}  // namespace remit
