// Public routes: health check, metrics and the OpenAPI document.
#include <fmt/format.h>

#include "app/jobs.h"
#include "app/outbox.h"
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
  store::Tx tx(*c.db, false);
  auto q = app::job_stats(*c.db, c.svc.clock);
  auto o = app::outbox_stats(*c.db);
  r.body += fmt::format(
      "# HELP remit_jobs Jobs by state: due (queued and due now), running, failed.\n"
      "# TYPE remit_jobs gauge\n"
      "remit_jobs{{state=\"due\"}} {}\nremit_jobs{{state=\"running\"}} {}\n"
      "remit_jobs{{state=\"failed\"}} {}\n"
      "# HELP remit_jobs_oldest_due_seconds Age of the oldest due job (0: none).\n"
      "# TYPE remit_jobs_oldest_due_seconds gauge\nremit_jobs_oldest_due_seconds {}\n"
      "# HELP remit_outbox Messages by channel and state.\n# TYPE remit_outbox gauge\n"
      "remit_outbox{{channel=\"email\",state=\"pending\"}} {}\n"
      "remit_outbox{{channel=\"email\",state=\"failed\"}} {}\n"
      "remit_outbox{{channel=\"webhook\",state=\"pending\"}} {}\n"
      "remit_outbox{{channel=\"webhook\",state=\"failed\"}} {}\n",
      q.due, q.running, q.failed, q.oldest_age_seconds, o.email_pending, o.email_failed,
      o.webhook_pending, o.webhook_failed);
  return r;
}

}  // namespace

void add_meta_routes(std::vector<Route>& t) {
  t.push_back({.method = "GET", .pattern = "/healthz", .access = Access::Public,
               .handler = healthz, .summary = "Health check", .response = "Health"});
  t.push_back({.method = "GET", .pattern = "/metrics", .access = Access::Open,
               .handler = metrics,
               .summary = "Prometheus metrics (requests, latency, job queue, outbox)",
               .content_type = "text/plain"});
  t.push_back({.method = "GET", .pattern = "/v1/openapi.json", .access = Access::Public,
               .handler = openapi, .summary = "This API's OpenAPI 3.0 document",
               .response = "OpenApiDocument"});
}

}  // namespace remit::http
