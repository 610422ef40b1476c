#include "core/money.h"

#include <fmt/format.h>

#include "core/error.h"

namespace remit {

Minor prorate(Minor amount, int64_t num, int64_t den) {
  __int128 p = static_cast<__int128>(amount) * num;
  bool neg = p < 0;
  if (neg) p = -p;
  __int128 q = (p * 2 + den) / (2 * static_cast<__int128>(den));
  if (q > INT64_MAX) throw Error(Code::Internal, "money arithmetic overflow");
  return static_cast<Minor>(neg ? -q : q);
}

Minor checked_add(Minor a, Minor b) {
  Minor r;
  if (__builtin_add_overflow(a, b, &r)) throw Error(Code::Internal, "money arithmetic overflow");
  return r;
}

Minor checked_sub(Minor a, Minor b) {
  Minor r;
  if (__builtin_sub_overflow(a, b, &r)) throw Error(Code::Internal, "money arithmetic overflow");
  return r;
}

Minor checked_mul(Minor a, int64_t b) {
  Minor r;
  if (__builtin_mul_overflow(a, b, &r)) throw Error(Code::Internal, "money arithmetic overflow");
  return r;
}

std::optional<Minor> line_amount(Minor unit, int64_t hundredths, Minor limit) {
  __int128 p = static_cast<__int128>(unit) * hundredths;
  __int128 mag = p < 0 ? -p : p;
  if (mag > static_cast<__int128>(limit) * 100 + 49) return std::nullopt;
  return prorate(unit, hundredths, 100);
}

std::string minor_to_decimal(Minor m) {
  bool neg = m < 0;
  uint64_t a = neg ? static_cast<uint64_t>(-(m + 1)) + 1 : static_cast<uint64_t>(m);
  return fmt::format("{}{}.{:02}", neg ? "-" : "", a / 100, a % 100);
}

bool parse_decimal_minor(std::string_view s, Minor& out) {
  if (s.empty()) return false;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '-') { neg = true; i = 1; }
  if (i >= s.size()) return false;
  int64_t whole = 0;
  int digits = 0;
  for (; i < s.size() && s[i] != '.'; ++i) {
    if (s[i] < '0' || s[i] > '9' || ++digits > 15) return false;
    whole = whole * 10 + (s[i] - '0');
  }
  if (digits == 0) return false;
  int64_t frac = 0;
  if (i < s.size()) {
    ++i;  // '.'
    int fd = 0;
    for (; i < s.size(); ++i, ++fd) {
      if (s[i] < '0' || s[i] > '9' || fd >= 2) return false;
      frac = frac * 10 + (s[i] - '0');
    }
    if (fd == 0) return false;
    if (fd == 1) frac *= 10;
  }
  out = (whole * 100 + frac) * (neg ? -1 : 1);
  return true;
}

std::string hundredths_to_string(int64_t q) {
  if (q % 100 == 0) return fmt::format("{}", q / 100);
  std::string s = minor_to_decimal(q);
  if (s.back() == '0') s.pop_back();
  return s;
}

}  // namespace remit
