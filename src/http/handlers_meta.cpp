// Public routes: health check, metrics and the OpenAPI document.
#include "http/handler_util.h"

namespace remit::http {
namespace {

Response healthz(Call&) { return ok(json::object{{"status", "ok"}}); }

Response openapi(Call& c) {
  Response r;
  r.body = c.router.openapi_text();
  return r;
}

Response metrics(Call& c) {
  Response r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = c.router.metrics().prometheus();
  return r;
}

}  // namespace

void add_meta_routes(std::vector<Route>& t) {
  t.push_back({.method = "GET", .pattern = "/healthz", .access = Access::Public,
               .handler = healthz, .summary = "Health check", .response = "Health"});
  t.push_back({.method = "GET", .pattern = "/metrics", .access = Access::Public,
               .handler = metrics, .summary = "Prometheus metrics (requests, latency)",
               .content_type = "text/plain"});
  t.push_back({.method = "GET", .pattern = "/v1/openapi.json", .access = Access::Public,
               .handler = openapi, .summary = "This API's OpenAPI 3.0 document",
               .response = "OpenApiDocument"});
}

}  // namespace remit::http
