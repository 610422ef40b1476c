// Bill runs (C1) and the upcoming invoice (C4): load a chunk of billing accounts with
// everything billable, let the domain rules build the lines, write invoices + ledger.
#include "app/billing.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "app/drafts.h"
#include "app/outbox.h"

namespace remit::app {
using detail::add_invoice;
using detail::build_drafts;
using detail::Draft;
using detail::InvoiceHeader;
using detail::InvoiceRows;
using detail::price_map;
using detail::PriceMap;
using detail::read_item;
using store::Query;

namespace {

// The concurrency rule (store/db.h): the chunk locks its billing accounts, in id order, before
// it reads what it bills; a payment or credit note on one of them waits for the chunk.
constexpr const char* kChunkAccounts =
    "SELECT id, credit_balance, emails, paperless FROM accounts WHERE tenant_id = ? "
    "AND billing_account_id BETWEEN ? AND ? AND billing_account_id = id "
    "ORDER BY billing_account_id FOR UPDATE";
constexpr const char* kPlanAccounts =
    "SELECT id FROM accounts WHERE tenant_id = ? AND billing_account_id > 0 "
    "AND billing_account_id = id ORDER BY billing_account_id";
constexpr const char* kOneCharge =
    "SELECT c.id, c.account_id, a.billing_account_id, a.number, c.charge_date, c.description, "
    "c.quantity, c.unit_amount FROM charges c "
    "JOIN accounts a ON a.tenant_id = c.tenant_id AND a.id = c.account_id "
    "WHERE c.tenant_id = ? AND c.id = ?";
constexpr const char* kCreateRun =
    "INSERT INTO bill_runs (tenant_id, stream, cycle_end, status, started_at) "
    "VALUES (?, ?, ?, 'running', ?) ON CONFLICT DO NOTHING";
constexpr const char* kRun =
    "SELECT id, status, chunks FROM bill_runs WHERE tenant_id = ? AND stream = ? AND cycle_end = ?";
constexpr const char* kRunStatus = "SELECT status FROM bill_runs WHERE tenant_id = ? AND id = ?";
constexpr const char* kInsertChunk =
    "INSERT INTO bill_run_chunks (tenant_id, run_id, seq, first_account, last_account) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr const char* kSetPlanned =
    "UPDATE bill_runs SET chunks = ? WHERE tenant_id = ? AND id = ?";
// Tenants with pending chunks in scope: a worker then claims within one tenant, so every
// statement stays within one tenant (one shard when distributed by tenant).
constexpr const char* kPendingTenants =
    "SELECT DISTINCT tenant_id FROM bill_run_chunks WHERE status = 'pending' "
    "AND (CAST(? AS BIGINT) IS NULL OR tenant_id = ?) AND (CAST(? AS BIGINT) IS NULL OR run_id = ?)";
// Claims the tenant's next pending chunk (of one run, or of any) for the claiming
// transaction: other workers skip it while it is locked, and take it over if that
// transaction dies. A stream's runs are billed in date order: settling a period needs the
// earlier ones done.
constexpr const char* kClaimChunk =
    "SELECT c.id, c.first_account, c.last_account, r.id, r.stream, r.cycle_end "
    "FROM bill_run_chunks c JOIN bill_runs r ON r.tenant_id = c.tenant_id AND r.id = c.run_id "
    "WHERE c.tenant_id = ? AND c.status = 'pending' AND (CAST(? AS BIGINT) IS NULL OR c.run_id = ?) "
    "AND NOT EXISTS (SELECT 1 FROM bill_runs e WHERE e.tenant_id = r.tenant_id "
    "AND e.stream = r.stream AND e.cycle_end < r.cycle_end AND e.status <> 'done') "
    "ORDER BY c.run_id, c.seq LIMIT 1 FOR UPDATE OF c SKIP LOCKED";
constexpr const char* kChunkDone =
    "UPDATE bill_run_chunks SET status = 'done', invoices = ?, worker = ?, finished_at = ? "
    "WHERE tenant_id = ? AND id = ?";
constexpr const char* kRunInvoices =
    "UPDATE bill_runs SET invoices = invoices + ? WHERE tenant_id = ? AND id = ?";
constexpr const char* kFinishRun =
    "UPDATE bill_runs SET status = 'done', finished_at = ? "
    "WHERE tenant_id = ? AND id = ? AND status = 'running' AND chunks IS NOT NULL AND NOT EXISTS "
    "(SELECT 1 FROM bill_run_chunks c WHERE c.tenant_id = bill_runs.tenant_id "
    "AND c.run_id = bill_runs.id AND c.status <> 'done')";
constexpr const char* kLastRun =
    "SELECT MAX(cycle_end) FROM bill_runs WHERE tenant_id = ? AND stream = ?";
constexpr const char* kTenantCreated = "SELECT created_at FROM tenants WHERE id = ?";
constexpr const char* kListRuns =
    "SELECT id, stream, cycle_end, status, invoices, started_at, finished_at FROM bill_runs "
    "WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?";

// Whether the run finalizes `d`: a negative invoice that would bring the account's credit
// above the limit stays a draft, to finalize once the credit is used or refunded (the run
// never stops on one account).
bool finalizes(const Ctx& ctx, Minor credit, const Draft& d) {
  return ctx.tenant.auto_finalize && detail::credit_fits(credit, -d.subtotal());
}

// Bills billing accounts first..last (ids, inclusive) for the run at boundary b, in the
// caller's transaction. Returns the invoices written.
int64_t bill_chunk(store::Db& db, Ctx& ctx, const Stream& s, const PriceMap& prices, Date b,
                   int64_t first, int64_t last) {
  int64_t tenant_id = ctx.tenant.id;
  struct Acct {
    int64_t id;
    Minor credit;
    std::string emails;
    bool paperless;
  };
  std::vector<Acct> accounts;
  {
    Query q(db, kChunkAccounts, tenant_id, first, last);
    while (q.next()) accounts.push_back({q.i64(0), q.i64(1), q.text(2), q.i64(3) != 0});
  }
  if (accounts.empty()) return 0;
  auto drafts = build_drafts(db, tenant_id, s, prices, b, first, last);
  int64_t n = static_cast<int64_t>(drafts.size());
  // Each draft's account (drafts and accounts are both by id), and whether it is finalized.
  std::vector<size_t> acct(drafts.size());
  std::vector<char> finalize(drafts.size());
  int64_t finals = 0;
  for (size_t k = 0, ai = 0; k < drafts.size(); ++k) {
    while (accounts[ai].id != drafts[k].account_id) ++ai;
    acct[k] = ai;
    finalize[k] = finalizes(ctx, accounts[ai].credit, drafts[k]);
    finals += finalize[k];
  }
  // The counters are taken last: on PostgreSQL their row locks serialise concurrent
  // workers only for the writing, not for the reading above.
  int64_t number = 0, txn = 0;
  if (finals > 0) {
    number = next_counter(db, tenant_id, "invoice", finals);
    txn = next_counter(db, tenant_id, "ledger_txn", finals);
  }
  std::string now = format_instant(ctx.now);
  InvoiceHeader h{domain::shift_cycles(s.schedule, b, -1), b, b, &s};
  auto ids = db.reserve_ids("invoices", n);
  InvoiceRows rows;
  Notices notices(ctx);
  std::string issue = format_date(b), due = format_date(domain::due_date(s.terms, b));
  for (size_t k = 0; k < drafts.size(); ++k) {
    const Draft& d = drafts[k];
    size_t ai = acct[k];
    Minor credit = accounts[ai].credit, before = credit;
    auto num = finalize[k] ? std::optional(number++) : std::nullopt;
    auto f = add_invoice(rows, ids[k], tenant_id, h, d, num, num ? txn++ : 0, credit, now);
    detail::add_credit(db, tenant_id, d.account_id, credit - before);
    if (num)
      notices.invoice_finalized({ids[k], d.account_id, *num, s.code, issue, due,
                                 domain::status_name(f.status), d.subtotal(), f.amount_due,
                                 accounts[ai].emails, accounts[ai].paperless});
  }
  rows.write(db, tenant_id);
  notices.write();
  return n;
}

// Marks the run done once every chunk is; audited once.
bool finish_run(store::Db& db, const Clock& clock, int64_t tenant_id, int64_t run_id) {
  store::Tx tx(db, true);
  Ctx ctx = make_ctx(db, clock, tenant_id, "system");
  bool finished = store::exec(db, kFinishRun, format_instant(ctx.now), tenant_id, run_id) > 0;
  if (finished) {
    audit(ctx, "bill_run.finished", "bill_run", run_id);
    for (auto& r : list_bill_runs(ctx, {.after = run_id - 1, .limit = 1}).items)
      record_event(ctx, "bill_run.completed", "bill_run", run_id,
                   {{"object", "bill_run"}, {"id", r.id}, {"stream", r.stream},
                    {"cycle_end", r.cycle_end}, {"invoices", r.invoices}});
  }
  std::string status;
  {
    Query q(db, kRunStatus, tenant_id, run_id);
    if (q.next()) status = q.text(0);
  }
  tx.commit();
  return status == "done";
}

// Creates the run and its chunks once (a second caller finds them); returns {id, done}.
std::pair<int64_t, bool> plan_run(store::Db& db, const Clock& clock, int64_t tenant_id,
                                  const std::string& stream_code, Date b, int chunk) {
  store::Tx tx(db, true);
  Ctx ctx = make_ctx(db, clock, tenant_id, "system");
  const Stream& s = detail::require_stream(ctx, "stream", stream_code);
  if (!domain::is_boundary(s.schedule, b))
    invalid("cycle_end", "is not a billing date of stream " + stream_code);
  if (b > ctx.today) invalid("cycle_end", "is in the future");
  store::exec(db, kCreateRun, tenant_id, stream_code, format_date(b), format_instant(ctx.now));
  int64_t id;
  bool done, planned;
  {
    Query q(db, kRun, tenant_id, stream_code, format_date(b));
    q.next();
    id = q.i64(0);
    done = q.text(1) == "done";
    planned = !q.null(2);
  }
  if (!planned) {
    std::vector<int64_t> ids;
    {
      Query q(db, kPlanAccounts, tenant_id);
      while (q.next()) ids.push_back(q.i64(0));
    }
    int64_t seq = 0;
    for (size_t i = 0; i < ids.size(); i += static_cast<size_t>(chunk)) {
      size_t j = std::min(ids.size(), i + static_cast<size_t>(chunk)) - 1;
      store::exec(db, kInsertChunk, tenant_id, id, seq++, ids[i], ids[j]);
    }
    store::exec(db, kSetPlanned, seq, tenant_id, id);
    audit(ctx, "bill_run.started", "bill_run", id, stream_code + " " + format_date(b));
  }
  tx.commit();
  if (!planned && !done) done = finish_run(db, clock, tenant_id, id);  // no accounts: done now
  return {id, done};
}

}  // namespace

std::optional<ChunkResult> work_bill_run_chunk(store::Db& db, const Clock& clock,
                                               const ChunkScope& scope, const std::string& worker) {
  std::vector<int64_t> tenants;
  {  // Idle workers look first without taking SQLite's write lock.
    store::Tx look(db, false);
    Query q(db, kPendingTenants, scope.tenant_id, scope.tenant_id, scope.run_id, scope.run_id);
    while (q.next()) tenants.push_back(q.i64(0));
  }
  for (int64_t tenant_id : tenants) {
    ChunkResult r;
    r.tenant_id = tenant_id;
    {
      store::Tx tx(db, true);
      db.prefer_index_scans();
      int64_t chunk_id, first, last;
      std::string stream;
      Date b;
      {
        Query q(db, kClaimChunk, tenant_id, scope.run_id, scope.run_id);
        if (!q.next()) continue;  // all taken, or waiting for an earlier run: next tenant
        chunk_id = q.i64(0);
        first = q.i64(1);
        last = q.i64(2);
        r.run_id = q.i64(3);
        stream = q.text(4);
        b = *parse_date(q.text(5));
      }
      Ctx ctx = make_ctx(db, clock, tenant_id, "system");
      r.invoices =
          bill_chunk(db, ctx, *ctx.tenant.stream(stream), price_map(db, tenant_id), b, first, last);
      store::exec(db, kChunkDone, r.invoices, worker, format_instant(ctx.now), tenant_id, chunk_id);
      if (r.invoices) store::exec(db, kRunInvoices, r.invoices, tenant_id, r.run_id);
      tx.commit();
    }
    r.run_done = finish_run(db, clock, tenant_id, r.run_id);
    return r;
  }
  return std::nullopt;
}

BillRunResult run_bill_run(store::Db& db, const Clock& clock, int64_t tenant_id,
                           const std::string& stream_code, Date b, const BillRunOptions& opt) {
  BillRunResult r;
  r.stream = stream_code;
  r.cycle_end = b;
  auto [id, done] = plan_run(db, clock, tenant_id, stream_code, b, std::max(1, opt.chunk));
  r.run_id = id;
  r.was_done = done;
  if (done || !opt.wait) return r;
  for (;;) {
    // This run's chunks first; else help with the tenant's others (an earlier run of the
    // stream that this one waits for may have no other worker).
    auto c = work_bill_run_chunk(db, clock, {tenant_id, id}, opt.worker);
    if (!c) c = work_bill_run_chunk(db, clock, {tenant_id, std::nullopt}, opt.worker);
    if (c && c->run_id != id) continue;
    if (c) {
      r.invoices += c->invoices;
      if (opt.after_chunk) opt.after_chunk(r.invoices);
      if (c->run_done) break;
      continue;
    }
    // Nothing left to claim: the rest is with other workers, or already done.
    if (finish_run(db, clock, tenant_id, id)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return r;
}

std::vector<BillRunResult> run_due_bill_runs(store::Db& db, const Clock& clock, int64_t tenant_id,
                                             const BillRunOptions& opt) {
  std::vector<std::pair<Date, std::string>> due;
  {
    store::Tx tx(db, false);
    Ctx ctx = make_ctx(db, clock, tenant_id, "system");
    Date created;
    {
      Query q(db, kTenantCreated, tenant_id);
      q.next();
      created = local_date(parse_instant(q.text(0)).value_or(ctx.now), ctx.tenant.time_zone);
    }
    for (auto& s : ctx.tenant.streams) {
      Query q(db, kLastRun, tenant_id, s.code);
      std::optional<Date> last;
      if (q.next() && !q.null(0)) last = parse_date(q.text(0));
      while (q.next()) {
      }
      // The last run is resumed if it did not finish (run_bill_run returns at once if it did).
      // Without a run yet: the first billing date on or after the tenant's creation.
      Date first = domain::shift_cycles(
          s.schedule, domain::boundary_on_or_before(s.schedule, created - date::days{1}), 1);
      Date b = last ? *last : first;
      for (; b <= ctx.today; b = domain::shift_cycles(s.schedule, b, 1)) due.push_back({b, s.code});
    }
  }
  std::sort(due.begin(), due.end());
  std::vector<BillRunResult> out;
  for (auto& [b, code] : due) {
    auto r = run_bill_run(db, clock, tenant_id, code, b, opt);
    if (!r.was_done) out.push_back(r);
  }
  return out;
}

Page<BillRun> list_bill_runs(Ctx& ctx, const PageReq& page) {
  int limit = detail::clamp_limit(page.limit);
  Query q(ctx.db, kListRuns, ctx.tenant.id, page.after, limit + 1);
  std::vector<BillRun> rows;
  while (q.next())
    rows.push_back({q.i64(0), q.text(1), q.text(2), q.text(3), q.i64(4), q.text(5), q.opt_text(6)});
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

namespace {
// The billing account, its version, credit and newest invoice, and the stream's last run.
constexpr const char* kBillingOf =
    "SELECT b.id, b.version, b.credit_balance, (SELECT MAX(i.id) FROM invoices i WHERE i.tenant_id = b.tenant_id "
    "AND i.account_id = b.id), (SELECT MAX(r.cycle_end) FROM bill_runs r WHERE r.tenant_id = "
    "b.tenant_id AND r.stream = ?) FROM accounts a JOIN accounts b ON b.tenant_id = a.tenant_id "
    "AND b.id = a.billing_account_id WHERE a.tenant_id = ? AND a.id = ?";

struct NextRun {
  const Stream* stream;
  int64_t billing, version, newest_invoice;
  Minor credit;
  Date b;  // the stream's next boundary: the first after the last one run
};

NextRun next_run(Ctx& ctx, int64_t account_id, const std::string& stream_code) {
  const Stream& s = stream_code.empty() ? ctx.tenant.streams.front()
                                        : detail::require_stream(ctx, "stream", stream_code);
  NextRun n{&s, 0, 0, 0, 0, {}};
  Query q(ctx.db, kBillingOf, s.code, ctx.tenant.id, account_id);
  if (!q.next()) not_found("account");
  n.billing = q.i64(0);
  n.version = q.i64(1);
  n.credit = q.i64(2);
  n.newest_invoice = q.opt_i64(3).value_or(0);
  n.b = domain::shift_cycles(s.schedule, domain::boundary_on_or_before(s.schedule, ctx.today), 1);
  if (auto last = q.opt_text(4); last && *parse_date(*last) < ctx.today)
    n.b = std::min(n.b, domain::shift_cycles(s.schedule, *parse_date(*last), 1));
  return n;
}
}  // namespace

std::string upcoming_key(Ctx& ctx, int64_t account_id, const std::string& stream_code) {
  NextRun n = next_run(ctx, account_id, stream_code);
  const Stream& s = *n.stream;
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", ctx.tenant.id, s.code,
                     domain::cadence_name(s.schedule.cadence), s.schedule.invoice_day,
                     format_date(s.schedule.anchor), domain::terms_label(s.terms),
                     format_date(ctx.today), n.billing, format_date(n.b), n.version,
                     n.newest_invoice, account_id);
}

Invoice upcoming_invoice(Ctx& ctx, int64_t account_id, const std::string& stream_code) {
  NextRun n = next_run(ctx, account_id, stream_code);
  const Stream& s = *n.stream;
  int64_t billing = n.billing;
  Date b = n.b;
  auto drafts =
      build_drafts(ctx.db, ctx.tenant.id, s, price_map(ctx.db, ctx.tenant.id), b, billing, billing);
  Invoice inv;
  inv.account_id = billing;
  inv.stream = s.code;
  inv.status = "upcoming";
  inv.cycle_start = format_date(domain::shift_cycles(s.schedule, b, -1));
  inv.cycle_end = format_date(b);
  inv.issue_date = format_date(b);
  inv.due_date = format_date(domain::due_date(s.terms, b));
  inv.terms = domain::terms_label(s.terms);
  if (!drafts.empty()) {
    for (auto& l : drafts.front().lines) {
      inv.lines.push_back({0, l.account_id, domain::line_kind_name(l.kind),
                           l.subscription_id ? std::optional(l.subscription_id) : std::nullopt,
                           l.description, format_date(l.period_start), format_date(l.period_end),
                           l.quantity, l.unit_amount, l.amount});
      inv.subtotal = checked_add(inv.subtotal, l.amount);
    }
  }
  inv.credit_applied = inv.subtotal > 0 ? std::min(n.credit, inv.subtotal) : 0;
  inv.amount_due = std::max<Minor>(inv.subtotal - inv.credit_applied, 0);
  return inv;
}

int64_t invoice_charge_now(Ctx& ctx, int64_t account_id, const std::string& stream_code,
                           int64_t charge_id) {
  const Stream& s = *ctx.tenant.stream(stream_code);
  Draft d;
  {
    Query q(ctx.db, kOneCharge, ctx.tenant.id, charge_id);
    q.next();
    auto it = read_item(q, domain::PendingItem::Charge);
    d.account_id = q.i64(2);
    d.lines.push_back(domain::bill_item(it));
    d.charge_ids.push_back(it.id);
    while (q.next()) {
    }
  }
  Minor credit = detail::lock_account(ctx, d.account_id), before = credit;  // locked by the caller
  std::optional<int64_t> number;
  int64_t txn = 0;
  if (ctx.tenant.auto_finalize) {
    number = next_counter(ctx.db, ctx.tenant.id, "invoice");
    txn = next_counter(ctx.db, ctx.tenant.id, "ledger_txn");
  }
  InvoiceHeader h{std::nullopt, std::nullopt, ctx.today, &s};
  int64_t id = ctx.db.reserve_ids("invoices", 1)[0];
  InvoiceRows rows;
  add_invoice(rows, id, ctx.tenant.id, h, d, number, txn, credit, format_instant(ctx.now));
  rows.write(ctx.db, ctx.tenant.id);
  detail::add_credit(ctx.db, ctx.tenant.id, d.account_id, credit - before);
  if (number) notify_finalized(ctx, id);
  audit(ctx, "invoice.created", "invoice", id, "charge invoiced at once");
  return id;
}

}  // namespace remit::app