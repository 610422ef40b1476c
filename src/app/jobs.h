#pragma once
// Durable jobs and the daily scheduler (F4).
//
// A job is a row (tenant, kind, key), unique, so enqueuing one twice (two servers, a repeated
// clock move) makes one job. Any worker of any `remit serve` claims a due job: on PostgreSQL
// with FOR UPDATE SKIP LOCKED, so workers never wait for each other. A claim is a lease:
// the job is marked running until now + lease; a worker killed mid-job leaves it running,
// and once the lease has passed another worker takes it again. Every job is idempotent (a
// daily job's bill runs are: see app/billing.h), so running one again after a crash only
// finishes what the first attempt left. A job that throws is retried with backoff (30 s,
// 2 min, 10 min, 1 h, then every 6 h) and marked failed after kMaxJobAttempts.
//
// The scheduler enqueues each tenant's `daily` job (key: the local date) once the tenant's
// local day has begun, for every day since the last one it scheduled (a new tenant starts
// at its first day). tenants.scheduled_through is moved forward with a conditional update,
// so several servers never schedule a day twice. A test tenant's days follow its own clock:
// advance_clock (app/tenants.h) moves it one day at a time and runs each day's jobs through
// this scheduler before moving on.
//
// The daily job of day D runs, in order: the bill runs due on D (every stream's boundary up
// to D); then, given an Env, the payment janitor (payments the processor never answered),
// settlement and returns (app/processor_payments.h), the scheduled payments of the day
// (app/scheduled_payments.h) and autopay (app/autopay.h); then, when D is one of the
// policy's refund run days, the cheque refund run (app/cheque_refunds.h). Invoice delivery
// follows through the outbox (app/outbox.h), whose rows the bill runs wrote.
//
// The scheduler also enqueues a `digest` job (key: the local date) once the tenant's clock
// has passed that day's receipt_digest_hour (tenants.digest_through marks the last day
// scheduled, moved forward the same way): the evening payment digest (app/payment_digest.h).
#include <chrono>

#include "app/context.h"

namespace remit::app {

inline constexpr int kMaxJobAttempts = 8;

struct Job {
  int64_t id = 0, tenant_id = 0;
  std::string kind, key, status;  // status: queued | running | done | failed
  int64_t attempts = 0;
  std::string run_at;  // queued: not before; running: the lease's end
  std::string worker, last_error, created_at;
  std::optional<std::string> finished_at;
};

// Enqueues the daily job of every local day each tenant (or one) has entered since it was
// last scheduled. Returns how many jobs were enqueued. Own transactions.
int schedule_days(store::Db& db, const Clock& clock, std::optional<int64_t> tenant_id = {});

struct Env;  // app/env.h

struct JobOptions {
  std::chrono::seconds lease{300};
  // The outside world for the daily job's payment steps (the janitor, settlement and
  // returns); without one (the demo's history, billing-only tests) the daily job bills only.
  Env* env = nullptr;
  std::string worker = "inline";
  std::optional<int64_t> tenant_id;  // only this tenant's jobs
};
// Claims one due job, runs it and records the outcome. false when no job is due.
bool run_next_job(store::Db& db, const Clock& clock, const JobOptions& opt);
// Runs due jobs until none is left; returns how many ran.
int run_due_jobs(store::Db& db, const Clock& clock, const JobOptions& opt);
// Runs the tenant's due jobs and waits for those other workers hold, until every daily job
// up to `through` is done or failed (a failed one is retried later by the workers).
void finish_days(store::Db& db, const Clock& clock, int64_t tenant_id, Date through,
                 const std::string& worker, Env* env = nullptr);

Page<Job> list_jobs(Ctx& ctx, std::optional<std::string> status, const PageReq& page);
Job get_job(Ctx& ctx, int64_t id);
// A failed job back in the queue, due now (FailedPrecondition unless it failed).
Job retry_job(Ctx& ctx, int64_t id);

// Across all tenants, for /metrics: jobs waiting (queued and due, or running), failed, and
// the age in seconds of the oldest due job (0 when none).
struct QueueStats {
  int64_t due = 0, running = 0, failed = 0;
  int64_t oldest_age_seconds = 0;
};
QueueStats job_stats(store::Db& db, const Clock& clock);

}  // namespace remit::app
