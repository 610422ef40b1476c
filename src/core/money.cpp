#include "core/money.h"

#include <fmt/format.h>

namespace remit {

Minor prorate(Minor amount, int64_t num, int64_t den) {
  __int128 p = static_cast<__int128>(amount) * num;
  bool neg = p < 0;
  if (neg) p = -p;
  __int128 q = (p * 2 + den) / (2 * static_cast<__int128>(den));
  return static_cast<Minor>(neg ? -q : q);
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
