// The evening payment digest (app/payment_digest.h).
#include "app/payment_digest.h"

#include <date/tz.h>

#include <map>

#include "app/internal.h"
#include "app/outbox.h"
#include "app/payment_policy.h"
#include "domain/instruments.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kExists =
    "SELECT id FROM payment_digests WHERE tenant_id = ? AND digest_date = ?";
constexpr const char* kPreviousEnd =
    "SELECT MAX(window_end) FROM payment_digests WHERE tenant_id = ? AND digest_date < ?";
// Payments that moved or may move money (failed and voided ones took nothing), posted in
// the window. Binds: tenant, window start, window end.
constexpr const char* kInWindow =
    " FROM payments p JOIN accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id "
    "WHERE p.tenant_id = ? AND p.created_at >= ? AND p.created_at < ? "
    "AND p.status NOT IN ('failed', 'voided')";
constexpr const char* kInsert =
    "INSERT INTO payment_digests (tenant_id, digest_date, window_start, window_end, payments, "
    "recipients, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kDigest =
    "SELECT id, digest_date, window_start, window_end, recipients FROM payment_digests "
    "WHERE tenant_id = ? AND id = ?";

date::local_seconds local_of(Instant t, const std::string& tz) {
  if (tz.empty() || tz == "UTC") return date::local_seconds{t.time_since_epoch()};
  return date::zoned_seconds{tz, t}.get_local_time();
}

// "18:05", or "2026-03-01 18:05" when not on the digest's day.
std::string posted_at(const std::string& instant, const std::string& tz, Date day) {
  auto t = parse_instant(instant);
  if (!t) return instant;
  auto local = local_of(*t, tz);
  Date d{std::chrono::floor<date::days>(local).time_since_epoch()};
  std::string hm = date::format("%H:%M", local);
  return d == day ? hm : format_date(d) + " " + hm;
}

std::string payer_of(const std::string& name, const std::string& last, const std::string& company) {
  if (!company.empty()) return company;
  return last.empty() ? name : name + " " + last;
}
}  // namespace

Date last_digest_day(Instant now, const std::string& tz, int hour) {
  Date today = local_date(now, tz);
  return now >= local_time(today, std::chrono::hours(hour), tz) ? today : today - date::days{1};
}

void record_payment_digest(store::Db& db, const Clock& clock, int64_t tenant_id, Date day) {
  store::Tx tx(db, true);
  Ctx ctx = make_ctx(db, clock, tenant_id, "system");
  std::string d = format_date(day);
  {
    Query q(db, kExists, tenant_id, d);
    if (q.next()) return;  // recorded by an earlier run of the job
  }
  int hour = load_payment_policy(db, tenant_id).receipt_digest_hour;
  Instant end = local_time(day, std::chrono::hours(hour), ctx.tenant.time_zone);
  Instant start = end - std::chrono::hours(24);
  {
    Query q(db, kPreviousEnd, tenant_id, d);
    if (q.next() && !q.null(0))
      if (auto prev = parse_instant(q.text(0))) start = std::min(*prev, end);
  }
  std::string from = format_instant(start), to = format_instant(end);
  int64_t count =
      store::one_int(db, std::string("SELECT COUNT(*)") + kInWindow, tenant_id, from, to);
  std::string inbox =
      ctx.tenant.billing_inbox.empty() ? ctx.tenant.email : ctx.tenant.billing_inbox;
  int64_t id =
      store::one_int(db, kInsert, tenant_id, d, from, to, count, inbox, format_instant(ctx.now));
  if (count > 0 && !inbox.empty()) {
    Notices n(ctx);
    n.email("payment_digest", id, inbox);
    n.write();
  }
  tx.commit();
}

std::optional<int64_t> payment_digest_id(Ctx& ctx, Date day) {
  Query q(ctx.db, kExists, ctx.tenant.id, format_date(day));
  if (!q.next()) return std::nullopt;
  return q.i64(0);
}

PaymentDigest load_payment_digest(Ctx& ctx, int64_t id) {
  PaymentDigest g;
  {
    Query q(ctx.db, kDigest, ctx.tenant.id, id);
    if (!q.next()) not_found("payment digest");
    g.id = q.i64(0);
    g.digest_date = q.text(1);
    g.window_start = q.text(2);
    g.window_end = q.text(3);
    g.recipients = q.text(4);
  }
  Date day = parse_date(g.digest_date).value_or(ctx.today);
  const std::string& tz = ctx.tenant.time_zone;
  {
    Query q(ctx.db,
            "SELECT p.id, p.created_at, a.number, a.name, a.last_name, a.company, p.method, "
            "p.method_brand, p.method_last4, p.confirmation, p.status, p.amount, p.fee" +
                std::string(kInWindow) + " ORDER BY p.created_at, p.id LIMIT ?",
            ctx.tenant.id, g.window_start, g.window_end, kDigestMaxLines);
    while (q.next()) {
      DigestLine l;
      l.payment_id = q.i64(0);
      l.posted_at = posted_at(q.text(1), tz, day);
      l.account_number = q.text(2);
      l.payer = payer_of(q.text(3), q.text(4), q.text(5));
      l.method = q.text(6);
      std::string last4 = q.text(8);
      l.method_display = last4.empty() ? l.method : q.text(7) + " " + domain::masked(last4);
      l.confirmation = q.text(9);
      l.status = q.text(10);
      l.amount = q.i64(11);
      l.fee = q.i64(12);
      g.lines.push_back(std::move(l));
    }
  }
  g.payments = store::one_int(ctx.db, std::string("SELECT COUNT(*)") + kInWindow, ctx.tenant.id,
                              g.window_start, g.window_end);
  // Summed here, checked: a sum never wraps.
  std::map<std::string, DigestTotal> by;
  Query q(ctx.db,
          "SELECT p.method, p.amount, p.fee" + std::string(kInWindow) +
              " AND p.status IN ('succeeded', 'pending', 'settled')",
          ctx.tenant.id, g.window_start, g.window_end);
  while (q.next()) {
    for (DigestTotal* t : {&by[q.text(0)], &g.total}) {
      ++t->count;
      t->amount = checked_add(t->amount, q.i64(1));
      t->fees = checked_add(t->fees, q.i64(2));
    }
  }
  g.total.method = "all";
  for (auto& [method, t] : by) {
    t.method = method;
    g.by_method.push_back(t);
  }
  return g;
}

}  // namespace remit::app
