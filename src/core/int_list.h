#pragma once
// Lists of integers as the database stores them in one text column: "12,15,40" (invoice ids,
// micro-deposit cents, retry days). REQUIRES: text written by join_ints (or checked digits).
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace remit {

inline std::vector<int64_t> split_ints(std::string_view s) {
  std::vector<int64_t> out;
  for (size_t at = 0; at < s.size();) {
    size_t comma = std::min(s.find(',', at), s.size());
    out.push_back(std::stoll(std::string(s.substr(at, comma - at))));
    at = comma + 1;
  }
  return out;
}

inline std::string join_ints(const std::vector<int64_t>& v) {
  std::string s;
  for (auto x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}

}  // namespace remit
