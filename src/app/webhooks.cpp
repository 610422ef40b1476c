#include "app/webhooks.h"

#include <fmt/format.h>
#include <sodium.h>

#include "app/internal.h"
#include "app/outbox.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kCols =
    "SELECT id, url, event_types, enabled, description, created_at FROM webhook_endpoints ";
constexpr const char* kInsert =
    "INSERT INTO webhook_endpoints (tenant_id, url, event_types, secret, enabled, description, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kUpdate =
    "UPDATE webhook_endpoints SET url = ?, event_types = ?, enabled = ?, description = ? "
    "WHERE tenant_id = ? AND id = ?";
constexpr const char* kDelete = "DELETE FROM webhook_endpoints WHERE tenant_id = ? AND id = ?";
constexpr const char* kDropPending =
    "DELETE FROM outbox WHERE tenant_id = ? AND endpoint_id = ? AND status = 'pending'";
constexpr const char* kTarget =
    "SELECT url, secret, enabled FROM webhook_endpoints WHERE tenant_id = ? AND id = ?";

// Stored as ",a,b," (or "*"), so a type is matched with one substring search.
std::string join_types(const std::vector<std::string>& types) {
  if (types.size() == 1 && types[0] == "*") return "*";
  std::string s = ",";
  for (auto& t : types) s += t + ",";
  return s;
}

std::vector<std::string> split_types(const std::string& s) {
  if (s == "*") return {"*"};
  std::vector<std::string> v;
  size_t i = 1;
  while (i < s.size()) {
    size_t j = s.find(',', i);
    v.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return v;
}

void validate_types(const std::vector<std::string>& types) {
  if (types.empty()) invalid("event_types", "name at least one event type, or \"*\" for all");
  if (types.size() == 1 && types[0] == "*") return;
  for (size_t i = 0; i < types.size(); ++i)
    if (!is_event_type(types[i]))
      invalid(fmt::format("event_types[{}]", i),
              "unknown event type \"" + types[i].substr(0, 60) + "\"");
}

void validate_description(const std::string& d) {
  if (d.size() > 500) invalid("description", "must be at most 500 characters");
}

std::string new_secret() {
  unsigned char key[24];
  randombytes_buf(key, sizeof key);
  char b64[sodium_base64_ENCODED_LEN(sizeof key, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
  return std::string("whsec_") + b64;
}

WebhookEndpoint read(Query& q) {
  return {q.i64(0), q.text(1), split_types(q.text(2)), q.i64(3) != 0, q.text(4), q.text(5), ""};
}
}  // namespace

WebhookEndpoint create_endpoint(Ctx& ctx, const NewEndpoint& e) {
  validate_types(e.event_types);
  validate_description(e.description);
  if (sodium_init() < 0) throw Error(Code::Internal, "libsodium failed to initialise");
  std::string secret = new_secret();
  int64_t id = store::one_int(ctx.db, kInsert, ctx.tenant.id, e.url, join_types(e.event_types),
                              secret, e.enabled, e.description, format_instant(ctx.now));
  audit(ctx, "webhook_endpoint.created", "webhook_endpoint", id, e.url);
  WebhookEndpoint w = get_endpoint(ctx, id);
  w.secret = secret;
  return w;
}

WebhookEndpoint update_endpoint(Ctx& ctx, int64_t id, const EndpointPatch& p) {
  WebhookEndpoint w = get_endpoint(ctx, id);
  if (p.url) w.url = *p.url;
  if (p.event_types) {
    validate_types(*p.event_types);
    w.event_types = *p.event_types;
  }
  if (p.description) {
    validate_description(*p.description);
    w.description = *p.description;
  }
  if (p.enabled) w.enabled = *p.enabled;
  store::exec(ctx.db, kUpdate, w.url, join_types(w.event_types), w.enabled, w.description,
              ctx.tenant.id, id);
  audit(ctx, "webhook_endpoint.updated", "webhook_endpoint", id);
  return w;
}

WebhookEndpoint get_endpoint(Ctx& ctx, int64_t id) {
  Query q(ctx.db, std::string(kCols) + "WHERE tenant_id = ? AND id = ?", ctx.tenant.id, id);
  if (!q.next()) not_found("webhook endpoint");
  return read(q);
}

Page<WebhookEndpoint> list_endpoints(Ctx& ctx, const PageReq& page) {
  int limit = detail::clamp_limit(page.limit);
  std::vector<WebhookEndpoint> rows;
  Query q(ctx.db, std::string(kCols) + "WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?",
          ctx.tenant.id, page.after, limit + 1);
  while (q.next()) rows.push_back(read(q));
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

void delete_endpoint(Ctx& ctx, int64_t id) {
  get_endpoint(ctx, id);
  store::exec(ctx.db, kDropPending, ctx.tenant.id, id);
  store::exec(ctx.db, kDelete, ctx.tenant.id, id);
  audit(ctx, "webhook_endpoint.deleted", "webhook_endpoint", id);
}

std::optional<EndpointTarget> endpoint_target(store::Db& db, int64_t tenant_id, int64_t id) {
  Query q(db, kTarget, tenant_id, id);
  if (!q.next()) return std::nullopt;
  return EndpointTarget{q.text(0), q.text(1), q.i64(2) != 0};
}

}  // namespace remit::app
