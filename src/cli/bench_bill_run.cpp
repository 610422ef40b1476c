// remit bench bill-run: a synthetic provider in a fresh database file, the month-end bill
// run, and its floor measured in the same process: inserting exactly the rows the run wrote
// (invoices, lines, ledger entries) into a fresh database with one prepared statement per
// table in one transaction. Prints one JSON line last.
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <filesystem>

#include "app/billing.h"
#include "app/catalog.h"
#include "app/presets.h"
#include "app/tenants.h"
#include "cli/bench.h"
#include "cli/open.h"

namespace remit::cli {
namespace {
using Seconds = std::chrono::duration<double>;

double now_s() {
  return Seconds(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Synthetic {
  int64_t tenant = 0;
  int64_t seats = 0, managed = 0, backup = 0, desk = 0;
};

// Bulk-inserts N accounts with three subscriptions each (monthly managed service in arrears
// or metered backup, monthly seats in advance, bi-weekly service desk in advance), usage
// for the metered ones and work entries for one account in ten.
Synthetic build(store::Db& db, const Clock& clock, int64_t n) {
  Synthetic s;
  Date feb = make_date(2026, 2, 1), mar = make_date(2026, 3, 1);
  store::Tx tx(db, true);
  app::NewTenant t;
  t.name = "Bench Networks";
  t.test_mode = true;
  t.clock_start = Instant{feb};
  t.streams = app::preset_streams("westcentral", feb);
  s.tenant = app::create_tenant(db, clock, t);
  {
    app::Ctx ctx = app::make_ctx(db, clock, s.tenant, "bench");
    auto price = [&](const char* name, const char* kind, const char* timing, const char* iv,
                     Minor amt, const char* stream) {
      auto p = app::create_product(ctx, name, "");
      return app::create_price(ctx, {p.id, kind, timing, iv, amt, stream}).id;
    };
    s.managed = price("Managed network service", "recurring", "arrears", "month", 49900, "recurring");
    s.backup = price("Backup storage (GB)", "metered", "arrears", "", 12, "recurring");
    s.seats = price("Licensed seats", "recurring", "advance", "month", 1850, "recurring");
    s.desk = price("Service desk (bi-weekly)", "recurring", "advance", "two_weeks", 12000, "services");
  }
  std::string fs = format_date(feb), ms = format_date(mar), now = format_instant(Instant{feb});
  const char* kAcc =
      "INSERT INTO accounts (id, tenant_id, number, name, billing_account_id, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)";
  const char* kSub =
      "INSERT INTO subscriptions (id, tenant_id, account_id, price_id, stream, start_date, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
  const char* kPhase =
      "INSERT INTO subscription_phases (tenant_id, subscription_id, start_date, quantity) "
      "VALUES (?, ?, ?, ?)";
  const char* kUsage =
      "INSERT INTO usage_records (tenant_id, account_id, subscription_id, usage_date, quantity, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?)";
  const char* kWork =
      "INSERT INTO work_entries (tenant_id, account_id, stream, work_date, who, hours, rate, "
      "ticket, description, created_at) VALUES (?, ?, 'services', ?, 'Tech', ?, 9500, ?, "
      "'Site visit', ?)";
  int64_t sub_id = 0;
  for (int64_t i = 1; i <= n; ++i) {
    store::exec(db, kAcc, i, s.tenant, fmt::format("{:07}", i), fmt::format("Customer {}", i), i, now);
    auto add = [&](int64_t price, const char* stream, const std::string& start, int64_t qty) {
      ++sub_id;
      store::exec(db, kSub, sub_id, s.tenant, i, price, stream, start, now);
      store::exec(db, kPhase, s.tenant, sub_id, start, qty);
      return sub_id;
    };
    if (i % 4 == 0) {
      int64_t b = add(s.backup, "recurring", fs, 100);
      store::exec(db, kUsage, s.tenant, i, b, "2026-02-10", (100 + i % 900) * 100, now);
      store::exec(db, kUsage, s.tenant, i, b, "2026-02-20", (50 + i % 300) * 100, now);
    } else {
      add(s.managed, "recurring", fs, 100);
    }
    add(s.seats, "recurring", ms, (5 + i % 40) * 100);
    add(s.desk, "services", ms, 100);
    if (i % 10 == 0)
      store::exec(db, kWork, s.tenant, i, "2026-02-26", 150 + (i % 5) * 25,
                  fmt::format("T-{}", i), now);
  }
  store::exec(db, "UPDATE counters SET value = ? WHERE tenant_id = ? AND name = 'account_number'", n,
              s.tenant);
  store::exec(db, "UPDATE tenants SET clock_now = ? WHERE id = ?", format_instant(Instant{mar}),
              s.tenant);
  tx.commit();
  return s;
}

struct Table {
  const char* name;
  const char* cols;
  int n;
};
const Table kWritten[] = {
    {"invoices",
     "id, tenant_id, account_id, stream, number, status, cycle_start, cycle_end, issue_date, "
     "due_date, terms, subtotal, credit_applied, amount_due, created_at, finalized_at",
     16},
    {"invoice_lines",
     "id, tenant_id, invoice_id, account_id, kind, subscription_id, item_id, description, "
     "period_start, period_end, cycle_start, quantity, unit_amount, amount",
     14},
    {"ledger_entries",
     "id, tenant_id, txn_id, entry_date, book, account_id, invoice_id, payment_id, amount", 9},
};

// Re-inserts the run's rows into a fresh schema, streaming them from the bench file.
double floor_seconds(const std::string& src, const std::string& dst, int64_t& rows) {
  std::filesystem::remove(dst);
  auto db = open_migrated(dst);
  // The referenced accounts are not copied, so foreign keys are off for the floor.
  db->exec_script("PRAGMA foreign_keys=OFF");
  db->exec_script("ATTACH DATABASE '" + src + "' AS src");
  double t0 = now_s();
  store::Tx tx(*db, true);
  for (auto& t : kWritten) {
    std::string qs;
    for (int i = 0; i < t.n; ++i) qs += i ? ", ?" : "?";
    auto& ins = db->prepare(fmt::format("INSERT INTO main.{} ({}) VALUES ({})", t.name, t.cols, qs));
    store::Query sel(*db, fmt::format("SELECT {} FROM src.{} ORDER BY id", t.cols, t.name));
    auto& s = sel.stmt();
    while (s.step()) {
      ins.reset();
      for (int c = 0; c < t.n; ++c) {
        if (s.is_null(c)) ins.bind_null(c + 1);
        else if (s.is_integer(c)) ins.bind_int(c + 1, s.col_int(c));
        else ins.bind_text(c + 1, s.col_text(c));
      }
      while (ins.step()) {}
      ++rows;
    }
  }
  tx.commit();
  return now_s() - t0;
}

}  // namespace

void seed_synthetic(const std::string& path, int64_t n) {
  auto db = open_migrated(path);
  FixedClock clock(Instant{make_date(2026, 3, 1)});
  Synthetic s = build(*db, clock, n);
  fmt::print("tenant {}: {} accounts, nothing billed yet; its clock is at 2026-03-01\n", s.tenant, n);
}

void bench_bill_run(const std::string& dir, int64_t n, int chunk) {
  std::filesystem::create_directories(dir);
  std::string path = dir + "/bench-bill-run.db", floor_path = dir + "/bench-floor.db";
  for (auto& p : {path, path + "-wal", path + "-shm"}) std::filesystem::remove(p);
  auto db = open_migrated(path);
  FixedClock clock(Instant{make_date(2026, 3, 1)});
  double t0 = now_s();
  Synthetic s = build(*db, clock, n);
  db->exec_script("PRAGMA wal_checkpoint(TRUNCATE)");  // the run starts as the floor does: no WAL
  double setup = now_s() - t0;
  fmt::print("setup: {} accounts, {} subscriptions in {:.2f}s\n", n, 3 * n, setup);
  app::BillRunOptions opt;
  opt.chunk = chunk;
  t0 = now_s();
  int64_t invoices = 0;
  for (const char* stream : {"recurring", "services"})
    invoices += app::run_bill_run(*db, clock, s.tenant, stream, make_date(2026, 3, 1), opt).invoices;
  double run = now_s() - t0;
  db.reset();
  int64_t rows = 0;
  double floor = floor_seconds(path, floor_path, rows);
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  fmt::print("bill run: {} invoices in {:.2f}s; floor: {} rows in {:.2f}s\n", invoices, run, rows, floor);
  fmt::print(
      "{{\"bench\":\"bill-run\",\"backend\":\"sqlite\",\"accounts\":{},\"invoices\":{},\"rows\":{},"
      "\"seconds\":{:.3f},\"accounts_per_s\":{:.0f},\"floor_seconds\":{:.3f},\"ratio\":{:.2f},"
      "\"peak_rss_mb\":{:.0f}}}\n",
      n, invoices, rows, run, n / run, floor, run / floor, ru.ru_maxrss / 1024.0);
}

}  // namespace remit::cli
