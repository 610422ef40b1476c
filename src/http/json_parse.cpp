#include "http/json_parse.h"

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "core/dates.h"
#include "core/error.h"
#include "core/text.h"

namespace remit::http {
namespace {

constexpr int64_t kMaxQuantity = 100'000'000'000;   // 10^9 units, in hundredths

std::string name(std::string_view f) { return std::string(f); }

const json::value* find(const json::object& o, std::string_view f) {
  auto it = o.find(f);
  if (it == o.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

[[noreturn]] void required(std::string_view f) { invalid(name(f), name(f) + " is required"); }

std::string allowed_list(std::initializer_list<std::string_view> allowed) {
  std::string s;
  for (auto a : allowed) {
    if (!s.empty()) s += ", ";
    s += a;
  }
  return s;
}

bool is_allowed(std::string_view v, std::initializer_list<std::string_view> allowed) {
  for (auto a : allowed)
    if (a == v) return true;
  return false;
}

std::optional<int64_t> parse_i64(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

json::object parse_body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return {};
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) invalid("", "malformed JSON");
  if (!v.is_object()) invalid("", "the body must be a JSON object");
  return std::move(v.get_object());
}

std::optional<std::string> opt_string(const json::object& o, std::string_view f, size_t max_len) {
  auto* v = find(o, f);
  if (!v) return std::nullopt;
  if (!v->is_string()) invalid(name(f), name(f) + " must be a string");
  auto& s = v->get_string();
  if (s.size() > max_len)
    invalid(name(f), fmt::format("{} must be at most {} characters", f, max_len));
  if (!clean_text(s)) invalid(name(f), name(f) + " " + kUncleanText);
  return std::string(s);
}

std::string req_string(const json::object& o, std::string_view f, size_t max_len) {
  auto s = opt_string(o, f, max_len);
  if (!s || s->find_first_not_of(" \t\r\n") == std::string::npos) required(f);
  return *s;
}

std::optional<bool> opt_bool(const json::object& o, std::string_view f) {
  auto* v = find(o, f);
  if (!v) return std::nullopt;
  if (!v->is_bool()) invalid(name(f), name(f) + " must be true or false");
  return v->get_bool();
}

std::optional<int64_t> to_integer(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(v.get_uint64());
  }
  if (v.is_double()) {  // 12.0 or 1e3: accepted when exactly integral and in range
    double d = v.get_double();
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.0e15)
      return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

std::optional<int64_t> opt_int(const json::object& o, std::string_view f, int64_t min,
                               int64_t max) {
  auto* v = find(o, f);
  if (!v) return std::nullopt;
  auto i = to_integer(*v);
  if (!i) invalid(name(f), name(f) + " must be an integer");
  if (*i < min || *i > max)
    invalid(name(f), fmt::format("{} must be between {} and {}", f, min, max));
  return i;
}

std::optional<int64_t> opt_id(const json::object& o, std::string_view f) {
  auto* v = find(o, f);
  if (!v) return std::nullopt;
  auto i = to_integer(*v);
  if (!i || *i < 1) invalid(name(f), name(f) + " must be a positive integer id");
  return i;
}

int64_t req_id(const json::object& o, std::string_view f) {
  auto i = opt_id(o, f);
  if (!i) required(f);
  return *i;
}

std::optional<Minor> opt_money(const json::object& o, std::string_view f, Minor min, Minor max) {
  auto* v = find(o, f);
  if (!v) return std::nullopt;
  auto i = to_integer(*v);
  if (!i) invalid(name(f), name(f) + " must be an integer amount in minor units (cents)");
  if (*i < min || *i > max)
    invalid(name(f), fmt::format("{} must be between {} and {} minor units ({} to {})", f, min,
                                 max, minor_to_decimal(min), minor_to_decimal(max)));
  return i;
}

Minor req_money(const json::object& o, std::string_view f, Minor min, Minor max) {
  auto m = opt_money(o, f, min, max);
  if (!m) required(f);
  return *m;
}

std::optional<int64_t> to_hundredths(const json::value& v) {
  if (auto i = to_integer(v)) {
    if (*i > kMaxQuantity / 100 || *i < -kMaxQuantity / 100) return std::nullopt;
    return *i * 100;
  }
  if (v.is_double()) {
    // The parser kept only the nearest double, so "exactly 2 decimals" is decided on that:
    // 1.1 * 100 = 110.00000000000001 is 110, while 1.005 * 100 = 100.49999999999999 is not
    // a whole number of hundredths and is refused.
    double h = v.get_double() * 100.0;
    if (!std::isfinite(h) || std::fabs(h) > static_cast<double>(kMaxQuantity)) return std::nullopt;
    double r = std::round(h);
    // Only the error of the double itself is forgiven: 1.0000000001 is not 1.
    if (std::fabs(h - r) > std::fabs(h) * 4 * std::numeric_limits<double>::epsilon())
      return std::nullopt;
    return static_cast<int64_t>(r);
  }
  if (v.is_string()) {  // "1.25": exact, for clients that keep decimals as strings
    Minor m = 0;
    if (!parse_decimal_minor(std::string_view(v.get_string()), m)) return std::nullopt;
    if (m > kMaxQuantity || m < -kMaxQuantity) return std::nullopt;
    return m;
  }
  return std::nullopt;
}

std::optional<int64_t> opt_quantity(const json::object& o, std::string_view f, int64_t min) {
  auto* v = find(o, f);
  if (!v) return std::nullopt;
  auto h = to_hundredths(*v);
  if (!h) {
    bool number = v->is_number() || v->is_string();
    double d = v->is_number() ? v->to_number<double>()
               : v->is_string() ? std::strtod(std::string(v->get_string()).c_str(), nullptr)
                                : 0;
    if (number && std::fabs(d) > static_cast<double>(kMaxQuantity / 100))
      invalid(name(f), fmt::format("{} must be at most {}", f, kMaxQuantity / 100));
    invalid(name(f), name(f) + " must be a number with at most 2 decimal places");
  }
  if (*h < min)
    invalid(name(f), min == 0 ? name(f) + " must not be negative"
                              : name(f) + " must be greater than zero");
  return h;
}

int64_t req_quantity(const json::object& o, std::string_view f, int64_t min) {
  auto q = opt_quantity(o, f, min);
  if (!q) required(f);
  return *q;
}

std::optional<std::string> opt_date(const json::object& o, std::string_view f) {
  auto* v = find(o, f);
  if (!v) return std::nullopt;
  if (!v->is_string() || !parse_date(std::string_view(v->get_string())))
    invalid(name(f), name(f) + " must be a date YYYY-MM-DD");
  return std::string(v->get_string());
}

std::optional<std::string> opt_enum(const json::object& o, std::string_view f,
                                    std::initializer_list<std::string_view> allowed) {
  auto* v = find(o, f);
  if (!v) return std::nullopt;
  if (!v->is_string() || !is_allowed(v->get_string(), allowed))
    invalid(name(f), fmt::format("{} must be one of: {}", f, allowed_list(allowed)));
  return std::string(v->get_string());
}

std::string req_enum(const json::object& o, std::string_view f,
                     std::initializer_list<std::string_view> allowed) {
  auto e = opt_enum(o, f, allowed);
  if (!e) required(f);
  return *e;
}

std::optional<std::vector<std::string>> opt_string_array(const json::object& o,
                                                         std::string_view f) {
  auto* v = find(o, f);
  if (!v) return std::nullopt;
  if (!v->is_array()) invalid(name(f), name(f) + " must be an array of strings");
  std::vector<std::string> out;
  for (auto& e : v->get_array()) {
    if (!e.is_string() || e.get_string().size() > 320)
      invalid(name(f), name(f) + " must be an array of strings");
    if (!clean_text(e.get_string())) invalid(name(f), name(f) + " " + kUncleanText);
    out.emplace_back(e.get_string());
  }
  if (out.size() > 20) invalid(name(f), name(f) + " may hold at most 20 entries");
  return out;
}

const std::string* query_param(const QueryParams& q, std::string_view n) {
  for (auto& [k, v] : q)
    if (k == n) return &v;
  return nullptr;
}

std::optional<int64_t> query_id(const QueryParams& q, std::string_view n) {
  auto* s = query_param(q, n);
  if (!s) return std::nullopt;
  auto i = parse_i64(*s);
  if (!i || *i < 1) invalid(name(n), name(n) + " must be a positive integer id");
  return i;
}

std::optional<std::string> query_text(const QueryParams& q, std::string_view n) {
  auto* s = query_param(q, n);
  if (!s) return std::nullopt;
  if (s->size() > 200) invalid(name(n), name(n) + " must be at most 200 characters");
  return *s;
}

std::optional<std::string> query_date(const QueryParams& q, std::string_view n) {
  auto* s = query_param(q, n);
  if (!s) return std::nullopt;
  if (!parse_date(std::string_view(*s))) invalid(name(n), name(n) + " must be a date YYYY-MM-DD");
  return *s;
}

std::optional<std::string> query_enum(const QueryParams& q, std::string_view n,
                                      std::initializer_list<std::string_view> allowed) {
  auto* s = query_param(q, n);
  if (!s) return std::nullopt;
  if (!is_allowed(*s, allowed))
    invalid(name(n), fmt::format("{} must be one of: {}", n, allowed_list(allowed)));
  return *s;
}

app::PageReq page_req(const QueryParams& q) {
  app::PageReq p;
  if (auto* s = query_param(q, "limit")) {
    auto i = parse_i64(*s);
    if (!i || *i < 1 || *i > 200) invalid("limit", "limit must be an integer from 1 to 200");
    p.limit = static_cast<int>(*i);
  }
  if (auto* s = query_param(q, "starting_after")) {
    auto i = parse_i64(*s);
    if (!i || *i < 0) invalid("starting_after", "starting_after must be an id from a previous page");
    p.after = *i;
  }
  return p;
}

}  // namespace remit::http
