// Exact quantity conversion and the response serialiser.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/error.h"
#include "http/json_parse.h"
#include "http/json_write.h"

namespace remit::http {
namespace {

namespace json = boost::json;

TEST(ToHundredths, AcceptsAtMostTwoDecimals) {
  struct Case {
    const char* json;
    std::optional<int64_t> want;
  };
  const Case cases[] = {
      {"1", 100},        {"0", 0},           {"1.25", 125},     {"1.1", 110},
      {"0.29", 29},      {"1e2", 10000},     {"-3.07", -307},   {"12.0", 1200},
      {"\"2.50\"", 250}, {"1.005", {}},      {"0.001", {}},     {"\"1.234\"", {}},
      {"true", {}},      {"1e300", {}},      {"\"abc\"", {}},   {"null", {}},
  };
  for (auto& c : cases) EXPECT_EQ(to_hundredths(json::parse(c.json)), c.want) << c.json;
}

TEST(FieldReaders, NameTheFieldTheyReject) {
  json::object o = json::parse(R"({"n":"x","q":1.234,"d":"2025-02-30","e":"z"})").as_object();
  auto field_of = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const Error& e) {
      return e.field;
    }
    return "(none)";
  };
  EXPECT_EQ(field_of([&] { opt_int(o, "n", 0, 5); }), "n");
  EXPECT_EQ(field_of([&] { opt_quantity(o, "q"); }), "q");
  EXPECT_EQ(field_of([&] { opt_date(o, "d"); }), "d");
  EXPECT_EQ(field_of([&] { req_enum(o, "e", {"a", "b"}); }), "e");
  EXPECT_EQ(field_of([&] { req_string(o, "missing"); }), "missing");
  EXPECT_EQ(field_of([&] { parse_body("{"); }), "");
  EXPECT_TRUE(parse_body("  ").empty());
}

TEST(ToText, WritesShortestDecimalsAndEscapes) {
  json::object o;
  o["q"] = 1.25;
  o["i"] = -3;
  o["s"] = "a\"b\\\n\x01";
  o["n"] = nullptr;
  o["a"] = json::array{true, 2.0};
  EXPECT_EQ(to_text(o), R"({"q":1.25,"i":-3,"s":"a\"b\\\n\u0001","n":null,"a":[true,2]})");
}

}  // namespace
}  // namespace remit::http
