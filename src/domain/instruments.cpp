#include "domain/instruments.h"

#include <algorithm>

namespace remit::domain {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool luhn_valid(std::string_view d) {
  if (d.size() < 12 || d.size() > 19 || !all_digits(d)) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = d.rbegin(); it != d.rend(); ++it, twice = !twice) {
    int v = *it - '0';
    if (twice) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
  }
  return sum % 10 == 0;
}

std::string card_brand(std::string_view d) {
  auto prefix = [&](size_t n) { return d.size() >= n ? std::stoi(std::string(d.substr(0, n))) : -1; };
  if (d.starts_with("4")) return "visa";
  if ((prefix(2) >= 51 && prefix(2) <= 55) || (prefix(4) >= 2221 && prefix(4) <= 2720))
    return "mastercard";
  if (prefix(2) == 34 || prefix(2) == 37) return "amex";
  if (d.starts_with("6011") || d.starts_with("65")) return "discover";
  return "";
}

bool aba_routing_valid(std::string_view r) {
  if (r.size() != 9 || !all_digits(r)) return false;
  static const int w[9] = {3, 7, 1, 3, 7, 1, 3, 7, 1};
  int sum = 0;
  for (size_t i = 0; i < 9; ++i) sum += w[i] * (r[i] - '0');
  return sum % 10 == 0;
}

std::string last4(std::string_view s) { return std::string(s.substr(s.size() > 4 ? s.size() - 4 : 0)); }

std::string masked(std::string_view l4) { return "\u2022\u2022\u2022\u2022" + std::string(l4); }

}  // namespace remit::domain
