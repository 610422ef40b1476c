// Webhook endpoints and their delivery logs, events, the outbox, jobs and paper statements
// (F2, F3, F4, C6).
#include "app/jobs.h"
#include "app/outbox.h"
#include "app/paper.h"
#include "app/webhooks.h"
#include "core/error.h"
#include "http/handler_util.h"
#include "notify/url_check.h"
#include "render/invoice_pdf.h"

namespace remit::http {
namespace {

// Refused: private, loopback and link-local targets, except for a test-mode tenant.
std::string checked_url(Call& c, const std::string& url) {
  notify::validate_webhook_url(url, c.ctx->tenant.test_mode, "url");
  return url;
}

Response create_endpoint(Call& c) {
  auto& b = c.body();
  app::NewEndpoint e;
  e.url = checked_url(c, req_string(b, "url", 2048));
  auto types = opt_string_array(b, "event_types");
  if (!types) invalid("event_types", "event_types is required: a list of event types, or [\"*\"]");
  e.event_types = *types;
  e.description = opt_string(b, "description", 500).value_or("");
  e.enabled = opt_bool(b, "enabled").value_or(true);
  return created(to_json(app::create_endpoint(*c.ctx, e)));
}

Response update_endpoint(Call& c) {
  auto& b = c.body();
  app::EndpointPatch p;
  if (auto u = opt_string(b, "url", 2048)) p.url = checked_url(c, *u);
  p.event_types = opt_string_array(b, "event_types");
  p.description = opt_string(b, "description", 500);
  p.enabled = opt_bool(b, "enabled");
  return ok(to_json(app::update_endpoint(*c.ctx, c.id(), p)));
}

Response delete_endpoint(Call& c) {
  app::delete_endpoint(*c.ctx, c.id());
  return ok(json::object{{"id", c.id()}, {"deleted", true}});
}

Response endpoint_deliveries(Call& c) {
  int64_t id = c.id();
  app::get_endpoint(*c.ctx, id);
  app::OutboxFilter f{.channel = "webhook",
                      .status = query_enum(c.query, "status", {"pending", "sent", "failed"}),
                      .endpoint_id = id};
  return ok(page_json(app::list_outbox(*c.ctx, f, page_req(c.query))));
}

Response list_outbox(Call& c) {
  app::OutboxFilter f{.channel = query_enum(c.query, "channel", {"email", "webhook"}),
                      .status = query_enum(c.query, "status", {"pending", "sent", "failed", "skipped"})};
  return ok(page_json(app::list_outbox(*c.ctx, f, page_req(c.query))));
}

Response list_jobs(Call& c) {
  auto status = query_enum(c.query, "status", {"queued", "running", "done", "failed"});
  return ok(page_json(app::list_jobs(*c.ctx, status, page_req(c.query))));
}

Response print_batch(Call& c) {
  std::string date = query_date(c.query, "date").value_or(format_date(c.ctx->today));
  std::vector<std::pair<app::Account, app::Invoice>> items;
  for (auto& it : app::print_batch(*c.ctx, date)) items.emplace_back(it.account, it.invoice);
  if (items.empty()) not_found("queued paper statement on " + date);
  Response r;
  r.content_type = "application/pdf";
  r.body = render::render_print_batch(c.ctx->tenant, items);
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"statements-" + date + ".pdf\"");
  return r;
}

Response mark_printed(Call& c) {
  auto d = opt_date(c.body(), "date");
  std::string date = d.value_or(format_date(c.ctx->today));
  return ok(json::object{{"date", date}, {"printed", app::mark_printed(*c.ctx, date)}});
}

}  // namespace

void add_notify_routes(std::vector<Route>& t) {
  t.push_back({.method = "POST", .pattern = "/v1/webhook-endpoints", .access = Access::Admin,
               .handler = create_endpoint,
               .summary = "Add a webhook endpoint; the response shows its signing secret, once",
               .status = 201, .request = "WebhookEndpointNew", .response = "WebhookEndpoint"});
  t.push_back({.method = "GET", .pattern = "/v1/webhook-endpoints", .access = Access::Read,
               .handler = [](Call& c) { return ok(page_json(app::list_endpoints(*c.ctx, page_req(c.query)))); },
               .summary = "List webhook endpoints", .response = "WebhookEndpoint", .list = true});
  t.push_back({.method = "GET", .pattern = "/v1/webhook-endpoints/{id}", .access = Access::Read,
               .handler = [](Call& c) { return ok(to_json(app::get_endpoint(*c.ctx, c.id()))); },
               .summary = "One webhook endpoint", .response = "WebhookEndpoint"});
  t.push_back({.method = "PATCH", .pattern = "/v1/webhook-endpoints/{id}", .access = Access::Admin,
               .handler = update_endpoint,
               .summary = "Change an endpoint's URL, event types or description; enable or disable it",
               .request = "WebhookEndpointPatch", .response = "WebhookEndpoint"});
  t.push_back({.method = "DELETE", .pattern = "/v1/webhook-endpoints/{id}", .access = Access::Admin,
               .handler = delete_endpoint, .summary = "Delete an endpoint (its pending deliveries go too)",
               .response = "Deleted"});
  t.push_back({.method = "GET", .pattern = "/v1/webhook-endpoints/{id}/deliveries",
               .access = Access::Read, .handler = endpoint_deliveries,
               .summary = "The endpoint's delivery log: each event sent to it, attempts, last answer",
               .response = "OutboxMessage", .list = true,
               .query = {{"status", "string", "pending, sent or failed"}}});
  t.push_back({.method = "GET", .pattern = "/v1/events", .access = Access::Read,
               .handler = [](Call& c) {
                 return ok(page_json(app::list_events(*c.ctx, query_text(c.query, "type"), page_req(c.query))));
               },
               .summary = "Events, oldest first", .response = "Event", .list = true,
               .query = {{"type", "string", "only this event type"}}});
  t.push_back({.method = "GET", .pattern = "/v1/outbox", .access = Access::Read,
               .handler = list_outbox, .summary = "Emails and webhook deliveries, with their state",
               .response = "OutboxMessage", .list = true,
               .query = {{"channel", "string", "email or webhook"},
                         {"status", "string", "pending, sent, failed or skipped"}}});
  t.push_back({.method = "POST", .pattern = "/v1/outbox/{id}/resend", .access = Access::Write,
               .handler = [](Call& c) { return ok(to_json(app::resend(*c.ctx, c.id()))); },
               .summary = "Send a sent or failed email or webhook again (same message id)",
               .response = "OutboxMessage"});
  t.push_back({.method = "GET", .pattern = "/v1/jobs", .access = Access::Read, .handler = list_jobs,
               .summary = "Jobs of the tenant: queued, running, done and failed",
               .response = "Job", .list = true,
               .query = {{"status", "string", "queued, running, done or failed"}}});
  t.push_back({.method = "POST", .pattern = "/v1/jobs/{id}/retry", .access = Access::Write,
               .handler = [](Call& c) { return ok(to_json(app::retry_job(*c.ctx, c.id()))); },
               .summary = "Put a failed job back in the queue", .response = "Job"});
  t.push_back({.method = "GET", .pattern = "/v1/paper-statements", .access = Access::Read,
               .handler = [](Call& c) {
                 return ok(page_json(app::list_paper_statements(
                     *c.ctx, query_date(c.query, "date"),
                     query_enum(c.query, "status", {"queued", "printed"}), page_req(c.query))));
               },
               .summary = "Paper statements (accounts with paperless off)",
               .response = "PaperStatement", .list = true,
               .query = {{"date", "string", "queued on this day"}, {"status", "string", "queued or printed"}}});
  t.push_back({.method = "GET", .pattern = "/v1/paper-statements/batch.pdf", .access = Access::Read,
               .handler = print_batch,
               .summary = "The day's print batch: address sheets for window envelopes and invoices, one PDF",
               .query = {{"date", "string", "the day (default: today)"}},
               .content_type = "application/pdf"});
  t.push_back({.method = "POST", .pattern = "/v1/paper-statements/mark-printed",
               .access = Access::Write, .handler = mark_printed,
               .summary = "Mark the day's queued statements printed", .request = "MarkPrinted",
               .response = "Printed"});
}

}  // namespace remit::http
