#pragma once
// Bill runs (C1) and the upcoming invoice (C4).
//
// A bill run invoices one stream for the cycle ending at `cycle_end` (a stream boundary,
// not in the future). Starting it splits the tenant's billing accounts, in id order, into
// chunks. Any worker, in any process, claims a pending chunk and bills it in one transaction
// that also marks the chunk done (on PostgreSQL the claim is a row lock taken with SKIP
// LOCKED, so workers never wait for each other's chunks, and a dead worker's chunk is taken
// over as soon as its transaction is rolled back). So a run that is repeated, resumed after
// a crash, or worked by several processes never invoices an account twice (the unique key
// on (account, stream, cycle_end) backs this up), and numbers stay gapless: they are taken
// from the tenant's counter row inside the chunk's transaction.
#include <functional>

#include "app/context.h"

namespace remit::app {

struct BillRunResult {
  int64_t run_id = 0;
  std::string stream;
  Date cycle_end{};
  int64_t invoices = 0;  // created by this call
  bool was_done = false;  // the run had already finished
};

struct BillRunOptions {
  int chunk = 500;    // billing accounts per chunk (one transaction each)
  bool wait = true;   // false: only start the run; workers (remit serve) bill the chunks
  std::string worker = "inline";  // recorded on the chunks this caller bills
  std::function<void(int64_t invoices_so_far)> after_chunk;  // progress / crash tests
};

struct ChunkResult {
  int64_t tenant_id = 0, run_id = 0, invoices = 0;
  bool run_done = false;  // this chunk was the run's last
};
// Which chunks a worker may claim: any tenant's, one tenant's, or one run's.
struct ChunkScope {
  std::optional<int64_t> tenant_id, run_id;  // run_id only with tenant_id
};
// Claims and bills one pending chunk in scope; nullopt when none is free. What
// `remit serve` workers call in a loop (with the empty scope).
std::optional<ChunkResult> work_bill_run_chunk(store::Db& db, const Clock& clock,
                                               const ChunkScope& scope, const std::string& worker);

BillRunResult run_bill_run(store::Db& db, const Clock& clock, int64_t tenant_id,
                           const std::string& stream, Date cycle_end,
                           const BillRunOptions& opt = {});

// Runs every stream's runs due up to the tenant's today, oldest first.
std::vector<BillRunResult> run_due_bill_runs(store::Db& db, const Clock& clock, int64_t tenant_id,
                                             const BillRunOptions& opt = {});

Page<BillRun> list_bill_runs(Ctx& ctx, const PageReq& page);

// The invoice the next run of `stream` would create for the account now (C4); nothing is
// written. status "upcoming", no number.
Invoice upcoming_invoice(Ctx& ctx, int64_t account_id, const std::string& stream);
// A key that changes whenever the upcoming invoice could: the tenant's stream settings and
// today, the next boundary, the billing account's version (bumped by every locked write:
// subscriptions, usage, work, charges, payments, credit notes, voids...) and its newest
// invoice (bill runs). Equal keys, equal upcoming invoices: a cache may serve them.
std::string upcoming_key(Ctx& ctx, int64_t account_id, const std::string& stream);

}  // namespace remit::app
