#pragma once
// Webhook endpoints (F2): where a tenant's events are POSTed, signed per Standard Webhooks
// with the endpoint's secret (shown once, at creation). Deliveries are outbox rows
// (app/outbox.h); an endpoint's delivery log is its rows there.
#include "app/context.h"

namespace remit::app {

struct WebhookEndpoint {
  int64_t id = 0;
  std::string url;
  std::vector<std::string> event_types;  // {"*"}: every type
  bool enabled = true;
  std::string description, created_at;
  std::string secret;  // only when just created
};

struct NewEndpoint {
  std::string url;  // REQUIRES: checked by the caller (notify::validate_webhook_url)
  std::vector<std::string> event_types;
  std::string description;
  bool enabled = true;
};
WebhookEndpoint create_endpoint(Ctx& ctx, const NewEndpoint& e);
struct EndpointPatch {
  std::optional<std::string> url;  // REQUIRES: checked by the caller
  std::optional<std::vector<std::string>> event_types;
  std::optional<std::string> description;
  std::optional<bool> enabled;
};
WebhookEndpoint update_endpoint(Ctx& ctx, int64_t id, const EndpointPatch& p);
WebhookEndpoint get_endpoint(Ctx& ctx, int64_t id);
Page<WebhookEndpoint> list_endpoints(Ctx& ctx, const PageReq& page);
void delete_endpoint(Ctx& ctx, int64_t id);  // its pending deliveries are dropped

// The secret and URL a delivery uses (delivery reads them at send time).
struct EndpointTarget {
  std::string url, secret;
  bool enabled = false;
};
std::optional<EndpointTarget> endpoint_target(store::Db& db, int64_t tenant_id, int64_t id);

}  // namespace remit::app
