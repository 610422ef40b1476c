#include "app/jobs.h"

#include "app/autopay.h"
#include "app/cheque_refunds.h"
#include "app/payment_digest.h"
#include "app/payment_policy.h"
#include "app/processor_payments.h"
#include "app/refunds.h"
#include "app/scheduled_payments.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "app/billing.h"
#include "app/internal.h"

namespace remit::app {
using store::Query;

namespace {

constexpr const char* kTenantDays =
    "SELECT t.id, t.time_zone, t.test_mode, t.clock_now, t.scheduled_through, t.created_at, "
    "t.digest_through, COALESCE(p.receipt_digest_hour, 18) FROM tenants t "
    "LEFT JOIN payment_policies p ON p.tenant_id = t.id "
    "WHERE CAST(? AS BIGINT) IS NULL OR t.id = ? ORDER BY t.id";
// Conditional: of two servers scheduling the same days, one moves the mark, the other
// changes nothing (and the unique job key would catch a repeat anyway).
constexpr const char* kMarkScheduled =
    "UPDATE tenants SET scheduled_through = ? WHERE id = ? "
    "AND (scheduled_through IS NULL OR scheduled_through < ?)";
// The same for the evening digests (app/payment_digest.h); a tenant's first mark schedules
// nothing: its digests begin with the next one due.
constexpr const char* kMarkDigests =
    "UPDATE tenants SET digest_through = ? WHERE id = ? "
    "AND (digest_through IS NULL OR digest_through < ?)";
constexpr const char* kEnqueue =
    "INSERT INTO jobs (tenant_id, kind, job_key, run_at, created_at) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kDueTenants =
    "SELECT DISTINCT tenant_id FROM jobs WHERE status IN ('queued', 'running') AND run_at <= ? "
    "AND (CAST(? AS BIGINT) IS NULL OR tenant_id = ?)";
// Within one tenant, the oldest due job first: a tenant's days run in order.
constexpr const char* kClaim =
    "SELECT id, kind, job_key, attempts FROM jobs WHERE tenant_id = ? "
    "AND status IN ('queued', 'running') AND run_at <= ? ORDER BY job_key, id LIMIT 1 "
    "FOR UPDATE SKIP LOCKED";
constexpr const char* kLease =
    "UPDATE jobs SET status = 'running', attempts = attempts + 1, run_at = ?, worker = ? "
    "WHERE tenant_id = ? AND id = ?";
constexpr const char* kDone =
    "UPDATE jobs SET status = 'done', finished_at = ?, last_error = '' "
    "WHERE tenant_id = ? AND id = ? AND status = 'running'";
constexpr const char* kFailed =
    "UPDATE jobs SET status = ?, run_at = ?, last_error = ? "
    "WHERE tenant_id = ? AND id = ? AND status = 'running'";
constexpr const char* kSelect =
    "SELECT id, tenant_id, kind, job_key, status, attempts, run_at, COALESCE(worker, ''), "
    "last_error, created_at, finished_at FROM jobs ";
constexpr const char* kRetry =
    "UPDATE jobs SET status = 'queued', run_at = ?, attempts = 0 "
    "WHERE tenant_id = ? AND id = ? AND status = 'failed'";
// Jobs of days up to a date still to finish: queued and due, or running (another worker's).
constexpr const char* kUnfinished =
    "SELECT 1 FROM jobs WHERE tenant_id = ? AND kind = 'daily' AND job_key <= ? AND "
    "(status = 'running' OR (status = 'queued' AND run_at <= ?)) LIMIT 1";
constexpr const char* kStats =
    "SELECT COALESCE(SUM(CASE WHEN status = 'queued' AND run_at <= ? THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0), "
    "MIN(CASE WHEN status = 'queued' AND run_at <= ? THEN run_at END) FROM jobs "
    "WHERE status IN ('queued', 'running', 'failed')";

std::chrono::seconds backoff(int64_t attempts) {
  using namespace std::chrono;
  switch (attempts) {
    case 1: return 30s;
    case 2: return 2min;
    case 3: return 10min;
    case 4: return 1h;
    default: return 6h;
  }
}

Job read_job(Query& q) {
  return Job{q.i64(0),  q.i64(1),  q.text(2),  q.text(3),    q.text(4),     q.i64(5),
             q.text(6), q.text(7), q.text(8), q.text(9), q.opt_text(10)};
}

// What a job does. Idempotent: may run again after a crash or a retry.
void perform(store::Db& db, const Clock& clock, int64_t tenant_id, const std::string& kind,
             const std::string& key, const std::string& worker, Env* env) {
  if (kind == "daily") {
    run_due_bill_runs(db, clock, tenant_id, {.worker = worker});
    if (env) {
      Caller c{*env, db, tenant_id, "system", worker};
      resolve_processing(c, std::chrono::minutes(5));
      resolve_refunds(c, std::chrono::minutes(5));
      settle_payments(c);
      run_scheduled_payments(c);
      run_autopay(c);
    }
    // The cheque refund run (D12) of a refund day, dated that day however late the job runs.
    Date day = *parse_date(key);
    bool refund_day;
    {
      store::Tx tx(db, false);
      refund_day = is_refund_run_day(load_payment_policy(db, tenant_id), day);
    }
    if (refund_day) run_cheque_refunds(db, clock, tenant_id, day, "system", worker);
    return;
  }
  if (kind == "digest") {
    record_payment_digest(db, clock, tenant_id, *parse_date(key));
    return;
  }
  throw Error(Code::Internal, "unknown job kind " + kind);
}

}  // namespace

int schedule_days(store::Db& db, const Clock& clock, std::optional<int64_t> tenant_id) {
  struct Mark {
    int64_t id;
    Date from, to;
  };
  std::vector<Mark> marks;
  struct DigestMark {
    int64_t id;
    std::optional<Date> from;  // none: the tenant's first mark
    Date to;
  };
  std::vector<DigestMark> digests;
  std::string wall = format_instant(clock.now());
  {
    store::Tx tx(db, false);
    Query q(db, kTenantDays, tenant_id, tenant_id);
    while (q.next()) {
      Instant now = tenant_now(clock.now(), q.i64(2) != 0, q.opt_text(3));
      Date today = local_date(now, q.text(1));
      Date from = today;  // a new tenant starts at its first day
      if (auto s = q.opt_text(4))
        if (auto last = parse_date(*s)) from = *last + date::days{1};
      if (from <= today) marks.push_back({q.i64(0), from, today});
      Date due = last_digest_day(now, q.text(1), static_cast<int>(q.i64(7)));
      std::optional<Date> last = q.null(6) ? std::nullopt : parse_date(q.text(6));
      if (!last || *last < due)
        digests.push_back({q.i64(0), last ? std::optional(*last + date::days{1}) : std::nullopt,
                           due});
    }
  }
  int enqueued = 0;
  for (auto& m : marks) {
    store::Tx tx(db, true);
    if (store::exec(db, kMarkScheduled, format_date(m.to), m.id, format_date(m.to)) == 0) continue;
    for (Date d = m.from; d <= m.to; d += date::days{1})
      enqueued += static_cast<int>(store::exec(db, kEnqueue, m.id, "daily", format_date(d), wall, wall));
    tx.commit();
  }
  for (auto& m : digests) {
    store::Tx tx(db, true);
    if (store::exec(db, kMarkDigests, format_date(m.to), m.id, format_date(m.to)) == 0) continue;
    for (Date d = m.from.value_or(m.to + date::days{1}); d <= m.to; d += date::days{1})
      enqueued += static_cast<int>(
          store::exec(db, kEnqueue, m.id, "digest", format_date(d), wall, wall));
    tx.commit();
  }
  return enqueued;
}

bool run_next_job(store::Db& db, const Clock& clock, const JobOptions& opt) {
  std::string now = format_instant(clock.now());
  std::vector<int64_t> tenants;
  {
    store::Tx look(db, false);
    Query q(db, kDueTenants, now, opt.tenant_id, opt.tenant_id);
    while (q.next()) tenants.push_back(q.i64(0));
  }
  for (int64_t tenant_id : tenants) {
    int64_t id, attempts;
    std::string kind, key;
    {
      store::Tx tx(db, true);
      Query q(db, kClaim, tenant_id, now);
      if (!q.next()) continue;
      id = q.i64(0);
      kind = q.text(1);
      key = q.text(2);
      attempts = q.i64(3) + 1;
      while (q.next()) {
      }
      store::exec(db, kLease, format_instant(clock.now() + opt.lease), opt.worker, tenant_id, id);
      tx.commit();
    }
    try {
      perform(db, clock, tenant_id, kind, key, opt.worker, opt.env);
      store::Tx tx(db, true);
      store::exec(db, kDone, format_instant(clock.now()), tenant_id, id);
      tx.commit();
      spdlog::debug("event=job_done tenant={} job={} kind={} key={}", tenant_id, id, kind, key);
    } catch (const std::exception& e) {
      bool give_up = attempts >= kMaxJobAttempts;
      spdlog::warn("event=job_failed tenant={} job={} kind={} key={} attempt={} error=\"{}\"",
                   tenant_id, id, kind, key, attempts, e.what());
      store::Tx tx(db, true);
      store::exec(db, kFailed, give_up ? "failed" : "queued",
                  format_instant(clock.now() + backoff(attempts)), std::string(e.what()),
                  tenant_id, id);
      tx.commit();
    }
    return true;
  }
  return false;
}

int run_due_jobs(store::Db& db, const Clock& clock, const JobOptions& opt) {
  int n = 0;
  while (run_next_job(db, clock, opt)) ++n;
  return n;
}

void finish_days(store::Db& db, const Clock& clock, int64_t tenant_id, Date through,
                 const std::string& worker, Env* env) {
  JobOptions opt{.env = env, .worker = worker, .tenant_id = tenant_id};
  if (env) opt.lease = env->job_lease;
  for (int spins = 0;; ++spins) {
    run_due_jobs(db, clock, opt);
    {
      store::Tx tx(db, false);
      Query q(db, kUnfinished, tenant_id, format_date(through), format_instant(clock.now()));
      if (!q.next()) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(spins < 20 ? 10 : 100));
  }
}

Page<Job> list_jobs(Ctx& ctx, std::optional<std::string> status, const PageReq& page) {
  if (status && *status != "queued" && *status != "running" && *status != "done" &&
      *status != "failed")
    invalid("status", "must be queued, running, done or failed");
  int limit = detail::clamp_limit(page.limit);
  std::vector<Job> rows;
  Query q(ctx.db,
          std::string(kSelect) +
              "WHERE tenant_id = ? AND (CAST(? AS TEXT) IS NULL OR status = ?) AND id > ? "
              "ORDER BY id LIMIT ?",
          ctx.tenant.id, status, status, page.after, limit + 1);
  while (q.next()) rows.push_back(read_job(q));
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

Job get_job(Ctx& ctx, int64_t id) {
  Query q(ctx.db, std::string(kSelect) + "WHERE tenant_id = ? AND id = ?", ctx.tenant.id, id);
  if (!q.next()) not_found("job");
  return read_job(q);
}

Job retry_job(Ctx& ctx, int64_t id) {
  get_job(ctx, id);
  // Due at once: run_at before any wall-clock time.
  if (store::exec(ctx.db, kRetry, format_instant(Instant{}), ctx.tenant.id, id) == 0)
    precondition("only a failed job can be retried");
  audit(ctx, "job.retried", "job", id);
  return get_job(ctx, id);
}

QueueStats job_stats(store::Db& db, const Clock& clock) {
  Instant now = clock.now();
  std::string n = format_instant(now);
  QueueStats s;
  Query q(db, kStats, n, n);
  if (q.next()) {
    s.due = q.i64(0);
    s.running = q.i64(1);
    s.failed = q.i64(2);
    if (auto oldest = q.opt_text(3))
      if (auto t = parse_instant(*oldest)) s.oldest_age_seconds = (now - *t).count();
  }
  return s;
}

}  // namespace remit::app
