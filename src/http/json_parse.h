#pragma once
// Reading request bodies and query strings. Every reader names the field it rejects:
// remit::invalid(field, message) -> 400 {"error":{"code":"invalid_argument","field":...}}.
// An absent field and an explicit null are the same: "not given". Unknown fields are ignored.
#include <boost/json/object.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/models.h"

namespace remit::http {
namespace json = boost::json;

// Empty body -> {}; not JSON -> 400 "malformed JSON" (no field); JSON but not an object -> 400.
json::object parse_body(std::string_view body);

std::optional<std::string> opt_string(const json::object& o, std::string_view f,
                                      size_t max_len = 1000);
std::string req_string(const json::object& o, std::string_view f, size_t max_len = 1000);
std::optional<bool> opt_bool(const json::object& o, std::string_view f);
// Integers: a JSON number with no fractional part.
std::optional<int64_t> opt_int(const json::object& o, std::string_view f, int64_t min, int64_t max);
std::optional<int64_t> opt_id(const json::object& o, std::string_view f);  // >= 1
int64_t req_id(const json::object& o, std::string_view f);
// Money: integer minor units in [min, max] (the widest: 0..10^15); the message states the
// range in minor units and as decimals.
std::optional<Minor> opt_money(const json::object& o, std::string_view f, Minor min = 0,
                               Minor max = kMaxAmount);
Minor req_money(const json::object& o, std::string_view f, Minor min = 0, Minor max = kMaxAmount);
// The limits of unit prices (prices, charges) and work rates, in minor units.
inline constexpr Minor kMaxUnitAmount = 100'000'000'00;  // 100,000,000.00
inline constexpr Minor kMaxRate = 100'000'00;            // 100,000.00 per hour
// Quantities: a JSON number (or decimal string) with at most 2 decimals -> hundredths.
std::optional<int64_t> opt_quantity(const json::object& o, std::string_view f, int64_t min = 0);
int64_t req_quantity(const json::object& o, std::string_view f, int64_t min = 0);
// Dates: "YYYY-MM-DD", returned as given once checked.
std::optional<std::string> opt_date(const json::object& o, std::string_view f);
std::optional<std::string> opt_enum(const json::object& o, std::string_view f,
                                    std::initializer_list<std::string_view> allowed);
std::string req_enum(const json::object& o, std::string_view f,
                     std::initializer_list<std::string_view> allowed);
std::optional<std::vector<std::string>> opt_string_array(const json::object& o,
                                                         std::string_view f);

// Exact conversions used by the readers, exposed for tests.
std::optional<int64_t> to_hundredths(const json::value& v);  // nullopt: not exact
std::optional<int64_t> to_integer(const json::value& v);

// Query string: decoded (name, value) pairs in order.
using QueryParams = std::vector<std::pair<std::string, std::string>>;
const std::string* query_param(const QueryParams& q, std::string_view name);
std::optional<int64_t> query_id(const QueryParams& q, std::string_view name);
std::optional<std::string> query_text(const QueryParams& q, std::string_view name);
std::optional<std::string> query_date(const QueryParams& q, std::string_view name);  // YYYY-MM-DD
std::optional<std::string> query_enum(const QueryParams& q, std::string_view name,
                                      std::initializer_list<std::string_view> allowed);
// ?limit=1..200 (default 50)&starting_after=<id>
app::PageReq page_req(const QueryParams& q);

}  // namespace remit::http
