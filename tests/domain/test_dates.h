#pragma once
// Date literals for tests: D("2025-03-15"). Throws on a typo rather than testing 1970.
#include <stdexcept>
#include <string>

#include "core/dates.h"

namespace remit::test {

inline Date D(const std::string& s) {
  auto d = parse_date(s);
  if (!d) throw std::runtime_error("bad test date " + s);
  return *d;
}

inline std::string S(Date d) { return format_date(d); }

}  // namespace remit::test
