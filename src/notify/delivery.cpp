#include "notify/delivery.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/view_links.h"
#include "app/webhooks.h"
#include "notify/email.h"
#include "notify/webhook_signature.h"

namespace remit::notify {
using app::DeliveryResult;
using app::Outcome;

namespace {
constexpr const char* kEvent = "SELECT type, data, created_at FROM events WHERE tenant_id = ? AND id = ?";
constexpr const char* kTestMode = "SELECT test_mode FROM tenants WHERE id = ?";
}  // namespace

Deliverer::Deliverer(app::Env& env, DeliveryOptions opt)
    : env_(env), opt_(opt), db_(env.open_db()), mailer_(env.mailer()), http_(env.http()) {}

int Deliverer::deliver_once() { return emails() + webhooks(); }

int Deliverer::deliver_all() {
  int n = 0;
  while (int k = deliver_once()) n += k;
  return n;
}

int Deliverer::emails() {
  auto c = app::claim_messages(*db_, env_.clock, "email", opt_.email_batch, opt_.lease);
  if (c.rows.empty()) return 0;
  app::ensure_view_key(*db_, c.tenant_id);  // once per batch: a batch is one tenant's
  for (auto& row : c.rows) {
    DeliveryResult r;
    r.id = row.id;
    r.attempts = row.attempts;
    try {
      auto mail = compose_email(*db_, env_, row);
      auto sent = mailer_->send(mail);
      r.code = sent.code;
      r.error = sent.detail;
      r.outcome = sent.kind == app::MailResult::Sent        ? Outcome::Sent
                  : sent.kind == app::MailResult::Permanent ? Outcome::Failed
                                                            : Outcome::Retry;
    } catch (const Error& e) {
      r.outcome = e.code == Code::NotFound ? Outcome::Failed : Outcome::Retry;
      r.error = e.what();
    } catch (const std::exception& e) {
      r.outcome = Outcome::Retry;
      r.error = e.what();
    }
    if (r.outcome != Outcome::Sent)
      spdlog::warn("event=email_not_sent tenant={} message={} attempt={} code={} error=\"{}\"",
                   c.tenant_id, row.id, row.attempts, r.code.value_or(0), r.error);
    // Recorded at once: a slow server must not hold the rest of the batch past its lease.
    app::record_deliveries(*db_, env_.clock, c.tenant_id, "email", {r});
  }
  return static_cast<int>(c.rows.size());
}

int Deliverer::webhooks() {
  auto c = app::claim_messages(*db_, env_.clock, "webhook", opt_.webhook_batch, opt_.lease);
  if (c.rows.empty()) return 0;
  struct Prepared {
    int64_t id, attempts;
    std::optional<app::EndpointTarget> target;
    std::string body;
  };
  std::vector<Prepared> todo;
  bool test_mode = false;
  {
    store::Tx tx(*db_, false);
    store::Query t(*db_, kTestMode, c.tenant_id);
    test_mode = t.next() && t.i64(0) != 0;
    for (auto& row : c.rows) {
      Prepared p{row.id, row.attempts, app::endpoint_target(*db_, c.tenant_id, row.endpoint_id.value_or(0)), ""};
      store::Query q(*db_, kEvent, c.tenant_id, row.event_id.value_or(0));
      if (q.next()) p.body = app::EventRec{0, q.text(0), "", {}, q.text(1), q.text(2)}.payload();
      todo.push_back(std::move(p));
    }
  }
  std::vector<DeliveryResult> out;
  auto flush = [&] {
    if (!out.empty()) app::record_deliveries(*db_, env_.clock, c.tenant_id, "webhook", out);
    out.clear();
  };
  for (auto& p : todo) {
    DeliveryResult r;
    r.id = p.id;
    r.attempts = p.attempts;
    if (!p.target || !p.target->enabled || p.body.empty()) {
      r.outcome = Outcome::Failed;
      r.error = !p.target ? "the endpoint was deleted"
                : p.body.empty() ? "the event is gone"
                                 : "the endpoint is disabled";
      out.push_back(std::move(r));
      continue;
    }
    std::string msg_id = fmt::format("msg_{}_{}", c.tenant_id, p.id);
    int64_t ts = std::chrono::duration_cast<std::chrono::seconds>(
                     env_.clock.now().time_since_epoch()).count();  // receivers check it against their wall clock
    app::HttpRequest req{p.target->url,
                         {{"Content-Type", "application/json"},
                          {"webhook-id", msg_id},
                          {"webhook-timestamp", std::to_string(ts)},
                          {"webhook-signature", sign_webhook(p.target->secret, msg_id, ts, p.body)}},
                         p.body};
    req.allow_private_addresses = test_mode;
    auto resp = http_->post(req);
    r.code = resp.status ? std::optional<int64_t>(resp.status) : std::nullopt;
    if (resp.status >= 200 && resp.status < 300) {
      r.outcome = Outcome::Sent;
    } else {
      r.outcome = Outcome::Retry;
      r.error = resp.status ? fmt::format("HTTP {}", resp.status) : resp.error;
    }
    out.push_back(std::move(r));
    // A receiver that hangs costs its timeout: the batch stops there, records what it did
    // and hands back the rest, so no lease runs out on messages waiting behind it.
    if (resp.status == 0) {  // released, not attempted: another batch takes them at once
      std::vector<int64_t> rest;
      for (auto* q = &p + 1; q != todo.data() + todo.size(); ++q) rest.push_back(q->id);
      flush();
      app::release_messages(*db_, c.tenant_id, rest);
      return static_cast<int>(todo.size() - rest.size());
    }
  }
  flush();
  return static_cast<int>(todo.size());
}

DeliveryWorkers::DeliveryWorkers(app::Env& env, int threads, DeliveryOptions opt)
    : env_(env), opt_(opt) {
  for (int i = 0; i < threads; ++i)
    threads_.emplace_back([this](std::stop_token st) { loop(st); });
}

DeliveryWorkers::~DeliveryWorkers() { stop(); }

void DeliveryWorkers::stop() {
  for (auto& t : threads_) t.request_stop();
  wake_.notify_all();
  threads_.clear();
}

void DeliveryWorkers::loop(std::stop_token st) {
  std::unique_ptr<Deliverer> d;
  while (!st.stop_requested()) {
    auto idle = std::chrono::milliseconds(200);
    try {
      if (!d) d = std::make_unique<Deliverer>(env_, opt_);
      if (d->deliver_once() > 0) continue;
    } catch (const std::exception& e) {
      spdlog::warn("event=delivery_error error=\"{}\"", e.what());
      d.reset();  // a fresh connection next time
      idle = std::chrono::milliseconds(1000);
    }
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, st, idle, [] { return false; });
  }
}

}  // namespace remit::notify
