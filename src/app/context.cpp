#include "app/context.h"

#include "app/internal.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kTenant =
    "SELECT id, name, currency, time_zone, test_mode, auto_finalize, remit_to, email, clock_now, "
    "billing_inbox, billing_inbox_language, brand_color FROM tenants WHERE id = ?";
constexpr const char* kStreams =
    "SELECT code, name, cadence, invoice_day, anchor_date, terms_kind, terms_days "
    "FROM streams WHERE tenant_id = ? ORDER BY code";
constexpr const char* kAudit =
    "INSERT INTO audit_log (tenant_id, at, actor, source, action, entity, entity_id, detail) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kListAudit =
    "SELECT id, at, actor, source, action, entity, entity_id, detail FROM audit_log "
    "WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?";
constexpr const char* kBumpCounter =
    "UPDATE counters SET value = value + ? WHERE tenant_id = ? AND name = ? RETURNING value";
constexpr const char* kInsertCounter =
    "INSERT INTO counters (tenant_id, name, value) VALUES (?, ?, ?)";
}  // namespace

Tenant load_tenant(store::Db& db, int64_t tenant_id) {
  Tenant t;
  {
    Query q(db, kTenant, tenant_id);
    if (!q.next()) not_found("tenant");
    t.id = q.i64(0);
    t.name = q.text(1);
    t.currency = q.text(2);
    t.time_zone = q.text(3);
    t.test_mode = q.i64(4) != 0;
    t.auto_finalize = q.i64(5) != 0;
    t.remit_to = q.text(6);
    t.email = q.text(7);
    if (auto c = q.opt_text(8)) t.test_clock = parse_instant(*c);
    t.billing_inbox = q.text(9);
    t.billing_inbox_language = q.text(10);
    t.brand_color = q.text(11);
  }
  Query q(db, kStreams, tenant_id);
  while (q.next()) {
    Stream s;
    s.code = q.text(0);
    s.name = q.text(1);
    domain::parse_cadence(q.text(2), s.schedule.cadence);
    s.schedule.invoice_day = static_cast<int>(q.i64(3));
    s.schedule.anchor = parse_date(q.text(4)).value_or(Date{});
    domain::parse_terms(q.text(5), static_cast<int>(q.i64(6)), s.terms);
    t.streams.push_back(std::move(s));
  }
  return t;
}

Instant tenant_now(Instant wall, bool test_mode, const std::optional<std::string>& clock_now) {
  if (!test_mode || !clock_now) return wall;
  return parse_instant(*clock_now).value_or(wall);
}

Ctx make_ctx(store::Db& db, const Clock& clock, int64_t tenant_id, std::string actor,
             std::string source) {
  Tenant t = load_tenant(db, tenant_id);
  Instant now = t.test_mode && t.test_clock ? *t.test_clock : clock.now();
  Date today = local_date(now, t.time_zone);
  return Ctx{db, std::move(t), std::move(actor), std::move(source), now, today};
}

void audit(Ctx& ctx, std::string_view action, std::string_view entity,
           std::optional<int64_t> entity_id, std::string_view detail) {
  store::exec(ctx.db, kAudit, ctx.tenant.id, format_instant(ctx.now), ctx.actor, ctx.source,
              action, entity, entity_id, detail);
}

Page<AuditEntry> list_audit(Ctx& ctx, const PageReq& page) {
  int limit = detail::clamp_limit(page.limit);
  std::vector<AuditEntry> rows;
  Query q(ctx.db, kListAudit, ctx.tenant.id, page.after, limit + 1);
  while (q.next())
    rows.push_back({q.i64(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5),
                    q.opt_i64(6), q.text(7)});
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

int64_t next_counter(store::Db& db, int64_t tenant_id, std::string_view name, int64_t n) {
  {
    Query q(db, kBumpCounter, n, tenant_id, name);
    if (q.next()) {
      int64_t v = q.i64(0);
      while (q.next()) {}
      return v - n + 1;
    }
  }
  store::exec(db, kInsertCounter, tenant_id, name, n);
  return 1;
}

}  // namespace remit::app
