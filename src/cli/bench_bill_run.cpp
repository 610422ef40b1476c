// remit bench bill-run: a synthetic provider in a fresh database (a file, or a schema of the
// PostgreSQL database given with --db), the month-end bill run worked by K workers, and its
// floor measured in the same process: inserting exactly the rows the run wrote (invoices,
// lines, ledger entries) into a fresh database in one transaction: with one prepared
// statement per table on SQLite, with COPY on PostgreSQL. Prints one JSON line last.
#include <fmt/format.h>
#include <sys/resource.h>

#include "cli/bench.h"
#include "cli/open.h"

namespace remit::cli {
namespace {
const std::vector<FloorTable> kWritten = {
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
}  // namespace

void bench_bill_run(const std::string& db_arg, const std::string& dir, int64_t n, int chunk,
                    int workers) {
  bool pg = store::is_postgres_url(db_arg);
  std::string path = fresh_bench_db(db_arg, dir, "remit_bench");
  std::string floor_path = fresh_bench_db(db_arg, dir, "remit_bench_floor");
  auto db = open_migrated(path);
  FixedClock clock(Instant{make_date(2026, 3, 1)});
  double t0 = now_s();
  Synthetic s = build_synthetic(*db, clock, n);
  if (!pg) db->exec_script("PRAGMA wal_checkpoint(TRUNCATE)");  // start as the floor does: no WAL
  fmt::print("setup: {} accounts, {} subscriptions in {:.2f}s\n", n, 3 * n, now_s() - t0);

  BillRunFigures f = bill_month_end(*db, path, clock, s.tenant, chunk, workers);
  double run = f.seconds;
  int64_t invoices = f.invoices;
  db.reset();
  int64_t rows = 0;
  double floor =
      floor_seconds(path, floor_path, "remit_bench", kWritten, rows);
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  fmt::print("bill run: {} invoices in {:.2f}s with {} worker(s); floor: {} rows in {:.2f}s\n",
             invoices, run, workers, rows, floor);
  fmt::print(
      "{{\"bench\":\"bill-run\",\"backend\":\"{}\",\"workers\":{},\"accounts\":{},\"invoices\":{},"
      "\"rows\":{},\"seconds\":{:.3f},\"accounts_per_s\":{:.0f},\"floor_seconds\":{:.3f},"
      "\"ratio\":{:.2f},\"peak_rss_mb\":{:.0f}}}\n",
      pg ? "postgres" : "sqlite", workers, n, invoices, rows, run, n / run, floor, run / floor,
      ru.ru_maxrss / 1024.0);
}

}  // namespace remit::cli
