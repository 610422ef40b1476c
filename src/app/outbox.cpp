#include "app/outbox.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "app/internal.h"
#include "app/invoices.h"

namespace remit::app {
using store::Query;
namespace json = boost::json;

namespace {

constexpr const char* kEndpoints =
    "SELECT id, event_types FROM webhook_endpoints WHERE tenant_id = ? AND enabled = 1 ORDER BY id";
constexpr const char* kContact =
    "SELECT emails, paperless FROM accounts WHERE tenant_id = ? AND id = ?";
constexpr const char* kPaperFee = "SELECT paper_fee FROM tenants WHERE id = ?";
constexpr const char* kEventCols = "SELECT id, type, entity, entity_id, data, created_at FROM events ";
constexpr const char* kOutboxCols =
    "SELECT id, tenant_id, channel, topic, entity_id, event_id, endpoint_id, recipients, status, "
    "attempts, next_at, last_code, last_error, created_at, sent_at FROM outbox ";
constexpr const char* kTenantClocks =
    "SELECT id, test_mode, clock_now FROM tenants ORDER BY id";
constexpr const char* kClaim =
    "SELECT id, tenant_id, channel, topic, entity_id, event_id, endpoint_id, recipients, status, "
    "attempts, next_at, last_code, last_error, created_at, sent_at FROM outbox "
    "WHERE tenant_id = ? AND status = 'pending' AND next_at <= ? AND channel = ? "
    "AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_at, id LIMIT ? "
    "FOR UPDATE SKIP LOCKED";
constexpr const char* kLease =
    "UPDATE outbox SET attempts = attempts + 1, lease_until = ? WHERE tenant_id = ? AND id = ?";
constexpr const char* kSent =
    "UPDATE outbox SET status = 'sent', sent_at = ?, last_code = ?, last_error = '', "
    "lease_until = NULL WHERE tenant_id = ? AND id = ?";
constexpr const char* kRetry =
    "UPDATE outbox SET next_at = ?, last_code = ?, last_error = ?, lease_until = NULL "
    "WHERE tenant_id = ? AND id = ?";
constexpr const char* kFail =
    "UPDATE outbox SET status = 'failed', last_code = ?, last_error = ?, lease_until = NULL "
    "WHERE tenant_id = ? AND id = ?";
constexpr const char* kResend =
    "UPDATE outbox SET status = 'pending', attempts = 0, next_at = ?, lease_until = NULL "
    "WHERE tenant_id = ? AND id = ? AND status IN ('sent', 'failed')";

store::RowSet outbox_rows() {
  return {"outbox", {"tenant_id", "channel", "topic", "entity_id", "event_id", "endpoint_id",
                     "recipients", "next_at", "created_at"}};
}

OutboxRec read_outbox(Query& q) {
  return OutboxRec{q.i64(0),      q.i64(1),      q.text(2),  q.text(3),       q.opt_i64(4),
                   q.opt_i64(5),  q.opt_i64(6),  q.text(7),  q.text(8),       q.i64(9),
                   q.text(10),    q.opt_i64(11), q.text(12), q.text(13),      q.opt_text(14)};
}

std::string number_text(int64_t n) {
  Invoice i;
  i.number = n;
  return i.number_text();
}

}  // namespace

bool is_event_type(std::string_view t) {
  for (auto* e : kEventTypes)
    if (t == e) return true;
  return false;
}

Notices::Notices(Ctx& ctx)
    : ctx_(ctx),
      outbox_(outbox_rows()),
      paper_("paper_statements", {"tenant_id", "account_id", "invoice_id", "queued_on"}),
      charges_("charges", {"tenant_id", "account_id", "stream", "charge_date", "description",
                           "quantity", "unit_amount", "created_at"}) {
  Query q(ctx.db, kEndpoints, ctx.tenant.id);
  while (q.next()) endpoints_.push_back({q.i64(0), q.text(1)});
}

void Notices::event(std::string_view type, std::string_view entity, int64_t id,
                    json::object data) {
  events_.push_back({std::string(type), std::string(entity), json::serialize(data), id});
}

void Notices::email(std::string_view topic, int64_t entity_id, const std::string& recipients) {
  if (recipients.empty()) return;
  std::string now = format_instant(ctx_.now);
  outbox_.add(ctx_.tenant.id, "email", topic, entity_id, store::null, store::null, recipients,
              now, now);
}

void Notices::invoice_finalized(const FinalizedInvoice& inv) {
  event("invoice.finalized", "invoice", inv.id,
        {{"object", "invoice"},        {"id", inv.id},
         {"number", number_text(inv.number)},
         {"account_id", inv.account_id}, {"stream", inv.stream},
         {"status", inv.status},         {"issue_date", inv.issue_date},
         {"due_date", inv.due_date},     {"subtotal", inv.subtotal},
         {"amount_due", inv.amount_due}, {"currency", ctx_.tenant.currency}});
  email("invoice", inv.id, inv.emails);
  if (inv.paperless) return;
  paper_.add(ctx_.tenant.id, inv.account_id, inv.id, format_date(ctx_.today));
  if (!paper_fee_) paper_fee_ = store::one_int(ctx_.db, kPaperFee, ctx_.tenant.id);
  if (*paper_fee_ > 0)
    charges_.add(ctx_.tenant.id, inv.account_id, inv.stream, inv.issue_date,
                 "Paper statement fee (" + number_text(inv.number) + ")", 100, *paper_fee_,
                 format_instant(ctx_.now));
}

void Notices::write() {
  if (!events_.empty()) {
    auto ids = ctx_.db.reserve_ids("events", static_cast<int64_t>(events_.size()));
    store::RowSet rows("events",
                       {"id", "tenant_id", "type", "entity", "entity_id", "data", "created_at"});
    std::string now = format_instant(ctx_.now);
    for (size_t i = 0; i < events_.size(); ++i) {
      auto& e = events_[i];
      rows.add(ids[i], ctx_.tenant.id, e.type, e.entity, e.entity_id, e.data, now);
      for (auto& ep : endpoints_)
        if (ep.types == "*" || ep.types.find("," + e.type + ",") != std::string::npos)
          outbox_.add(ctx_.tenant.id, "webhook", e.type, e.entity_id, ids[i], ep.id, "", now, now);
    }
    ctx_.db.insert_rows(rows);
    events_.clear();
  }
  for (auto* rows : {&outbox_, &paper_, &charges_}) {
    if (rows->rows() > 0) ctx_.db.insert_rows(*rows);
    rows->clear();
  }
}

void notify_finalized(Ctx& ctx, int64_t invoice_id) {
  Invoice i = get_invoice(ctx, invoice_id);
  FinalizedInvoice f{i.id, i.account_id, i.number.value_or(0), i.stream, i.issue_date,
                     i.due_date, i.status, i.subtotal, i.amount_due};
  {
    Query q(ctx.db, kContact, ctx.tenant.id, i.account_id);
    if (q.next()) {
      f.emails = q.text(0);
      f.paperless = q.i64(1) != 0;
    }
  }
  Notices n(ctx);
  n.invoice_finalized(f);
  n.write();
}

void record_event(Ctx& ctx, std::string_view type, std::string_view entity, int64_t id,
                  json::object data) {
  Notices n(ctx);
  n.event(type, entity, id, std::move(data));
  n.write();
}

json::object invoice_data(const Invoice& i) {
  return {{"object", "invoice"},           {"id", i.id},
          {"number", i.number ? json::value(i.number_text()) : json::value(nullptr)},
          {"account_id", i.account_id},    {"stream", i.stream},
          {"status", i.status},            {"issue_date", i.issue_date},
          {"due_date", i.due_date},        {"subtotal", i.subtotal},
          {"amount_paid", i.amount_paid},  {"amount_credited", i.amount_credited},
          {"amount_due", i.amount_due}};
}

json::object payment_data(const Payment& p) {
  return {{"object", "payment"},   {"id", p.id},         {"account_id", p.account_id},
          {"method", p.method},    {"amount", p.amount}, {"status", p.status},
          {"confirmation", p.confirmation}, {"received_date", p.received_date}};
}

json::object account_data(const Account& a) {
  return {{"object", "account"}, {"id", a.id}, {"number", a.number}, {"name", a.name},
          {"status", a.status}};
}

std::string EventRec::payload() const {
  json::object o{{"type", type}, {"timestamp", created_at}};
  o["data"] = json::parse(data);
  return json::serialize(o);
}

Page<EventRec> list_events(Ctx& ctx, std::optional<std::string> type, const PageReq& page) {
  if (type && !is_event_type(*type)) invalid("type", "unknown event type");
  int limit = detail::clamp_limit(page.limit);
  std::vector<EventRec> rows;
  Query q(ctx.db,
          std::string(kEventCols) +
              "WHERE tenant_id = ? AND (CAST(? AS TEXT) IS NULL OR type = ?) AND id > ? "
              "ORDER BY id LIMIT ?",
          ctx.tenant.id, type, type, page.after, limit + 1);
  while (q.next())
    rows.push_back({q.i64(0), q.text(1), q.text(2), q.opt_i64(3), q.text(4), q.text(5)});
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

Page<OutboxRec> list_outbox(Ctx& ctx, const OutboxFilter& f, const PageReq& page) {
  if (f.channel && *f.channel != "email" && *f.channel != "webhook")
    invalid("channel", "must be email or webhook");
  if (f.status && *f.status != "pending" && *f.status != "sent" && *f.status != "failed" &&
      *f.status != "skipped")
    invalid("status", "must be pending, sent, failed or skipped");
  int limit = detail::clamp_limit(page.limit);
  std::vector<OutboxRec> rows;
  Query q(ctx.db,
          std::string(kOutboxCols) +
              "WHERE tenant_id = ? AND (CAST(? AS TEXT) IS NULL OR channel = ?) "
              "AND (CAST(? AS TEXT) IS NULL OR status = ?) "
              "AND (CAST(? AS BIGINT) IS NULL OR endpoint_id = ?) AND id > ? ORDER BY id LIMIT ?",
          ctx.tenant.id, f.channel, f.channel, f.status, f.status, f.endpoint_id, f.endpoint_id,
          page.after, limit + 1);
  while (q.next()) rows.push_back(read_outbox(q));
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

OutboxRec resend(Ctx& ctx, int64_t id) {
  auto get = [&] {
    Query q(ctx.db, std::string(kOutboxCols) + "WHERE tenant_id = ? AND id = ?", ctx.tenant.id, id);
    if (!q.next()) not_found("message");
    return read_outbox(q);
  };
  get();
  if (store::exec(ctx.db, kResend, format_instant(ctx.now), ctx.tenant.id, id) == 0)
    precondition("the message is still being delivered");
  audit(ctx, "message.resent", "message", id);
  return get();
}

int64_t skip_messages_before(store::Db& db, const Clock& clock, int64_t tenant_id,
                             date::days offset) {
  store::Tx tx(db, true);
  Ctx ctx = make_ctx(db, clock, tenant_id, "system");
  int64_t n = store::exec(db,
                          "UPDATE outbox SET status = 'skipped' WHERE tenant_id = ? AND "
                          "status = 'pending' AND created_at < ?",
                          tenant_id, format_instant(local_midnight(ctx.today + offset, ctx.tenant.time_zone)));
  tx.commit();
  return n;
}

OutboxStats outbox_stats(store::Db& db) {
  OutboxStats s;
  Query q(db,
          "SELECT channel, status, COUNT(*) FROM outbox WHERE status IN ('pending', 'failed') "
          "GROUP BY channel, status");
  while (q.next()) {
    bool email = q.text(0) == "email", pending = q.text(1) == "pending";
    (email ? (pending ? s.email_pending : s.email_failed)
           : (pending ? s.webhook_pending : s.webhook_failed)) = q.i64(2);
  }
  return s;
}

Claimed claim_messages(store::Db& db, const Clock& clock, std::string_view channel, int limit,
                       std::chrono::seconds lease) {
  struct T {
    int64_t id;
    Instant now;
  };
  Instant wall = clock.now();
  std::vector<T> tenants;
  {
    store::Tx look(db, false);
    Query q(db, kTenantClocks);
    while (q.next()) {
      tenants.push_back({q.i64(0), tenant_now(wall, q.i64(1) != 0, q.opt_text(2))});
    }
  }
  thread_local size_t turn = 0;  // tenants take turns, so one's backlog does not starve others
  ++turn;
  for (size_t k = 0; k < tenants.size(); ++k) {
    auto& t = tenants[(turn + k) % tenants.size()];
    Claimed c{t.id, {}};
    store::Tx tx(db, true);
    {
      Query q(db, kClaim, t.id, format_instant(t.now), channel, format_instant(wall), limit);
      while (q.next()) c.rows.push_back(read_outbox(q));
    }
    if (c.rows.empty()) continue;
    std::string until = format_instant(wall + lease);
    for (auto& r : c.rows) {
      store::exec(db, kLease, until, t.id, r.id);
      ++r.attempts;
    }
    tx.commit();
    return c;
  }
  return {};
}

void release_messages(store::Db& db, int64_t tenant_id, const std::vector<int64_t>& ids) {
  if (ids.empty()) return;
  store::Tx tx(db, true);
  for (int64_t id : ids)
    store::exec(db,
                "UPDATE outbox SET lease_until = NULL, attempts = attempts - 1 "
                "WHERE tenant_id = ? AND id = ? AND status = 'pending' AND attempts > 0",
                tenant_id, id);
  tx.commit();
}

std::optional<std::chrono::seconds> retry_delay(std::string_view channel, int64_t attempts) {
  using namespace std::chrono;
  static const std::vector<seconds> webhook{5s, 5min, 30min, 2h, 5h, 10h, 10h};
  static const std::vector<seconds> email{1min, 5min, 30min, 2h, 6h, 12h, 24h, 24h};
  auto& s = channel == "webhook" ? webhook : email;
  if (attempts < 1 || attempts > static_cast<int64_t>(s.size())) return std::nullopt;
  return s[static_cast<size_t>(attempts - 1)];
}

void record_deliveries(store::Db& db, const Clock& clock, int64_t tenant_id,
                       std::string_view channel, const std::vector<DeliveryResult>& results) {
  store::Tx tx(db, true);
  Ctx ctx = make_ctx(db, clock, tenant_id, "system");
  std::string now = format_instant(ctx.now);
  for (auto& r : results) {
    if (r.outcome == Outcome::Sent) {
      store::exec(db, kSent, now, r.code, tenant_id, r.id);
      continue;
    }
    auto delay = r.outcome == Outcome::Retry ? retry_delay(channel, r.attempts) : std::nullopt;
    std::string error = r.error.substr(0, 500);
    if (delay)
      store::exec(db, kRetry, format_instant(ctx.now + *delay), r.code, error, tenant_id, r.id);
    else
      store::exec(db, kFail, r.code, error, tenant_id, r.id);
  }
  tx.commit();
}

}  // namespace remit::app
