// remit bench bill-run: a synthetic provider in a fresh database (a file, or a schema of the
// PostgreSQL database given with --db), the month-end bill run worked by K workers, and its
// floor measured in the same process: inserting exactly the rows the run wrote (invoices,
// lines, ledger entries) into a fresh database in one transaction: with one prepared
// statement per table on SQLite, with COPY on PostgreSQL. Prints one JSON line last.
#include <fmt/format.h>
#include <sys/resource.h>

#include <filesystem>

#include "cli/bench.h"
#include "cli/open.h"

namespace remit::cli {
namespace {
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
    auto& ins =
        db->prepare(fmt::format("INSERT INTO main.{} ({}) VALUES ({})", t.name, t.cols, qs));
    store::Query sel(*db, fmt::format("SELECT {} FROM src.{} ORDER BY id", t.cols, t.name));
    auto& s = sel.stmt();
    while (s.step()) {
      ins.reset();
      for (int c = 0; c < t.n; ++c) {
        if (s.is_null(c))
          ins.bind_null(c + 1);
        else if (s.is_integer(c))
          ins.bind_int(c + 1, s.col_int(c));
        else
          ins.bind_text(c + 1, s.col_text(c));
      }
      while (ins.step()) {
      }
      ++rows;
    }
  }
  tx.commit();
  return now_s() - t0;
}

// PostgreSQL's floor: the run's rows read back, then COPY'd into a fresh schema in one
// transaction; only the writing is timed.
double floor_seconds_pg(const std::string& src, const std::string& dst, int64_t& rows) {
  auto from = store::open_db(src);
  auto to = store::open_db(dst);
  // The same tables with the same indexes; LIKE copies no foreign keys (the accounts they
  // point to are not copied), as the SQLite floor turns them off.
  for (auto& t : kWritten)
    to->exec_script(fmt::format("CREATE TABLE {0} (LIKE remit_bench.{0} INCLUDING ALL)", t.name));
  double spent = 0;
  store::Tx tx(*to, true);
  for (auto& t : kWritten) {
    std::vector<std::string> cols;
    std::string list = t.cols;
    for (size_t i = 0, j; i < list.size(); i = j + 2) {
      j = list.find(", ", i);
      if (j == std::string::npos) j = list.size();
      cols.push_back(list.substr(i, j - i));
    }
    store::RowSet batch(t.name, cols);
    auto flush = [&] {
      double t0 = now_s();
      to->insert_rows(batch);
      spent += now_s() - t0;
      rows += static_cast<int64_t>(batch.rows());
      batch.clear();
    };
    // A server-side cursor keeps memory bounded: 100,000 rows at a time.
    store::Tx read(*from, false);
    from->exec_script(fmt::format(
        "DECLARE floor_rows NO SCROLL CURSOR FOR SELECT {} FROM {} ORDER BY id", t.cols, t.name));
    for (;;) {
      store::Query sel(*from, "FETCH 100000 FROM floor_rows");
      auto& st = sel.stmt();
      while (st.step()) {
        for (int c = 0; c < t.n; ++c) {
          if (st.is_null(c))
            batch.add(store::null);
          else if (st.is_integer(c))
            batch.add(st.col_int(c));
          else
            batch.add(st.col_text(c));
        }
      }
      if (batch.rows() == 0) break;
      flush();
    }
  }
  double t0 = now_s();
  tx.commit();
  return spent + now_s() - t0;
}

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
      pg ? floor_seconds_pg(path, floor_path, rows) : floor_seconds(path, floor_path, rows);
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
