// The JSON view of jobs, events, outbox messages, webhook endpoints and paper statements.
#include <boost/json.hpp>

#include "http/json_map.h"

#include "app/accounts.h"

namespace remit::http {
namespace {
json::value opt(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}
json::value opt(const std::optional<int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }
}  // namespace

json::value to_json(const app::Job& j) {
  return json::object{{"id", j.id},           {"kind", j.kind},       {"key", j.key},
                      {"status", j.status},   {"attempts", j.attempts}, {"run_at", j.run_at},
                      {"worker", j.worker},   {"last_error", j.last_error},
                      {"created_at", j.created_at}, {"finished_at", opt(j.finished_at)}};
}

json::value to_json(const app::EventRec& e) {
  return json::object{{"id", e.id},         {"type", e.type},
                      {"entity", e.entity}, {"entity_id", opt(e.entity_id)},
                      {"data", json::parse(e.data)}, {"created_at", e.created_at}};
}

json::value to_json(const app::OutboxRec& m) {
  json::object o{{"id", m.id},
                 {"channel", m.channel},
                 {"topic", m.topic},
                 {"status", m.status},
                 {"attempts", m.attempts},
                 {"next_attempt_at", m.status == "pending" ? json::value(m.next_at) : json::value(nullptr)},
                 {"last_code", opt(m.last_code)},
                 {"last_error", m.last_error},
                 {"created_at", m.created_at},
                 {"sent_at", opt(m.sent_at)}};
  if (m.channel == "email") {
    o["entity_id"] = opt(m.entity_id);
    json::array to;
    for (auto& e : app::split_emails(m.recipients)) to.push_back(json::value(e));
    o["to"] = std::move(to);
  } else {
    o["event_id"] = opt(m.event_id);
    o["endpoint_id"] = opt(m.endpoint_id);
    o["webhook_id"] = "msg_" + std::to_string(m.tenant_id) + "_" + std::to_string(m.id);
  }
  return o;
}

json::value to_json(const app::WebhookEndpoint& w) {
  json::array types;
  for (auto& t : w.event_types) types.push_back(json::value(t));
  json::object o{{"id", w.id},           {"url", w.url},
                 {"event_types", types}, {"enabled", w.enabled},
                 {"description", w.description}, {"created_at", w.created_at}};
  if (!w.secret.empty()) o["secret"] = w.secret;
  return o;
}

json::value to_json(const app::PaperStatement& p) {
  return json::object{{"id", p.id},               {"account_id", p.account_id},
                      {"invoice_id", p.invoice_id}, {"queued_on", p.queued_on},
                      {"status", p.status},       {"printed_at", opt(p.printed_at)}};
}

}  // namespace remit::http
