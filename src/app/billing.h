#pragma once
// Bill runs (C1) and the upcoming invoice (C4).
//
// A bill run invoices one stream for the cycle ending at `cycle_end` (a stream boundary,
// not in the future). It walks the tenant's billing accounts in id order, in chunks, each
// chunk one transaction that also moves the run's cursor; so a run that is repeated, or
// resumed after a crash, never invoices an account twice (the unique key on
// (account, stream, cycle_end) backs this up).
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
  int chunk = 500;  // billing accounts per transaction
  std::function<void(int64_t invoices_so_far)> after_chunk;  // progress / crash tests
};

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

}  // namespace remit::app
