// The served OpenAPI document and the route table describe the same API.
#include <set>

#include "http/openapi.h"
#include "http_fixture.h"

namespace remit::http::testing {
namespace {

using OpenApi = RouterTest;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void collect_refs(const json::value& v, std::set<std::string>& out) {
  if (v.is_object()) {
    for (auto& kv : v.as_object()) {
      if (kv.key() == "$ref") out.insert(std::string(kv.value().as_string()));
      collect_refs(kv.value(), out);
    }
  } else if (v.is_array()) {
    for (auto& e : v.as_array()) collect_refs(e, out);
  }
}

TEST_F(OpenApi, EveryRouteIsDocumentedAndEveryOperationIsRouted) {
  Response res = call("GET", "/v1/openapi.json");
  ASSERT_EQ(res.status, 200);
  json::value doc = json::parse(res.body);
  EXPECT_EQ(doc.at("openapi"), "3.0.3");
  auto& paths = doc.at("paths").as_object();

  std::set<std::pair<std::string, std::string>> routed, documented;
  for (auto& r : router_->routes()) {
    if (!r.api) continue;  // portal pages (docs/portal.md)
    EXPECT_TRUE(routed.emplace(r.pattern, lower(r.method)).second) << "duplicate " << r.pattern;
    EXPECT_FALSE(r.summary.empty()) << r.pattern;
    EXPECT_TRUE(r.pattern == "/healthz" || r.pattern == "/metrics" || r.pattern.starts_with("/v1/") ||
                r.pattern.starts_with("/view/") || r.pattern.starts_with("/sandbox/"))
        << r.pattern;
  }
  for (auto& p : paths)
    for (auto& op : p.value().as_object())
      documented.emplace(std::string(p.key()), std::string(op.key()));
  EXPECT_EQ(routed, documented);

  // Each documented operation reaches its route: a path with sample parameters matches it.
  for (auto& [path, method] : documented) {
    std::vector<std::string> segs;
    std::string s = path.substr(1);
    for (size_t i = 0; i <= s.size();) {
      size_t j = s.find('/', i);
      if (j == std::string::npos) j = s.size();
      std::string seg = s.substr(i, j - i);
      segs.push_back(seg.front() == '{' ? "7" : seg);
      i = j + 1;
    }
    std::string m = method;
    for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto match = router_->match(m, segs);
    ASSERT_TRUE(match.route) << method << " " << path;
    EXPECT_EQ(match.route->pattern, path);
  }
}

TEST_F(OpenApi, EverySchemaReferenceResolves) {
  json::value doc = json::parse(router_->openapi_text());
  auto& schemas = doc.at("components").at("schemas").as_object();
  std::set<std::string> refs;
  collect_refs(doc, refs);
  EXPECT_FALSE(refs.empty());
  for (auto& ref : refs) {
    const std::string prefix = "#/components/schemas/";
    ASSERT_TRUE(ref.starts_with(prefix)) << ref;
    EXPECT_TRUE(schemas.contains(ref.substr(prefix.size()))) << ref;
  }
  for (auto& r : router_->routes()) {
    if (!r.request.empty()) {
      EXPECT_TRUE(schemas.contains(r.request)) << r.request;
    }
    if (!r.response.empty()) {
      EXPECT_TRUE(schemas.contains(r.response)) << r.response;
    }
    if (r.content_type == "application/json") {
      EXPECT_FALSE(r.response.empty()) << r.pattern;
    }
  }
}

TEST_F(OpenApi, PublicRoutesNeedNoKeyAndOthersDo) {
  json::value doc = json::parse(router_->openapi_text());
  for (auto& r : router_->routes()) {
    if (!r.api) continue;
    auto& op = doc.at("paths").at(r.pattern).at(lower(r.method)).as_object();
    if (r.access == Access::Public || r.access == Access::Open) {
      EXPECT_TRUE(op.at("security").as_array().empty()) << r.pattern;
    } else {
      EXPECT_FALSE(op.contains("security")) << r.pattern;  // the global bearer scheme applies
      EXPECT_TRUE(op.contains("x-remit-role")) << r.pattern;
    }
  }
}

}  // namespace
}  // namespace remit::http::testing
