#pragma once
// Money is an integer count of minor units (cents) in the tenant's currency; never a double.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace remit {

using Minor = int64_t;

// Limits chosen so that every invoice, balance and ledger sum fits in 64 bits with room to
// spare (docs/billing.md "Limits"). Inputs beyond them are refused with a 400 naming the field.
inline constexpr Minor kMaxAmount = 1'000'000'000'000'000;  // 10^15: any amount or balance
inline constexpr Minor kMaxLine = 1'000'000'000'000;        // 10^12: one line (unit x quantity)
// 10^13: a billing account's unbilled items, and its recurring charges per period
inline constexpr Minor kMaxUnbilled = 10'000'000'000'000;

// Overflow-checked arithmetic on money: a result outside int64 throws Error(Internal)
// (never a wrapped number). Inputs are limited so that it never happens in practice.
Minor checked_add(Minor a, Minor b);
Minor checked_sub(Minor a, Minor b);
Minor checked_mul(Minor a, int64_t b);
// unit x quantity in hundredths (rounded once, half away from zero), or nullopt when the
// result would exceed `limit` in magnitude. For input checks.
std::optional<Minor> line_amount(Minor unit, int64_t hundredths, Minor limit = kMaxLine);

// amount * num / den, rounded once, half away from zero. den > 0.
// prorate(p, n, n) == p exactly, so a full period bills its exact price. Computed in 128
// bits; a result outside int64 throws Error(Internal).
Minor prorate(Minor amount, int64_t num, int64_t den);

// "1234.56"-style plain decimal with 2 places (no grouping); used by CSV and JSON views.
std::string minor_to_decimal(Minor m);

// Parses "12", "12.5", "12.50", "-3.07" into minor units; false on anything else
// or on more than 2 decimal places.
bool parse_decimal_minor(std::string_view s, Minor& out);

// Quantities are stored in hundredths (1.25 hours = 125, 3 seats = 300).
std::string hundredths_to_string(int64_t q);

}  // namespace remit
