// The benches' floor: the rows a run wrote, inserted again into a fresh database in one
// transaction as fast as the backend allows (a prepared INSERT per row on SQLite, COPY on
// PostgreSQL). A run's cost divided by its floor's is the figure the benches print.
#include <fmt/format.h>

#include <filesystem>

#include "cli/bench.h"
#include "cli/open.h"

namespace remit::cli {
namespace {
// Re-inserts the run's rows into a fresh schema, streaming them from the bench file.
double floor_sqlite(const std::string& src, const std::string& dst,
                    const std::vector<FloorTable>& tables, int64_t& rows) {
  std::filesystem::remove(dst);
  auto db = open_migrated(dst);
  // The referenced accounts are not copied, so foreign keys are off for the floor.
  db->exec_script("PRAGMA foreign_keys=OFF");
  db->exec_script("ATTACH DATABASE '" + src + "' AS src");
  double t0 = now_s();
  store::Tx tx(*db, true);
  for (auto& t : tables) {
    std::string qs;
    for (int i = 0; i < t.n; ++i) qs += i ? ", ?" : "?";
    auto& ins =
        db->prepare(fmt::format("INSERT INTO main.{} ({}) VALUES ({})", t.name, t.cols, qs));
    store::Query sel(*db, fmt::format("SELECT {} FROM src.{} {} ORDER BY id", t.cols, t.name, t.where));
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
double floor_pg(const std::string& src, const std::string& dst, const std::string& src_schema,
                const std::vector<FloorTable>& tables, int64_t& rows) {
  auto from = store::open_db(src);
  auto to = store::open_db(dst);
  // The same tables with the same indexes; LIKE copies no foreign keys (the accounts they
  // point to are not copied), as the SQLite floor turns them off.
  for (auto& t : tables)
    to->exec_script(fmt::format("CREATE TABLE {0} (LIKE {1}.{0} INCLUDING ALL)", t.name, src_schema));
  double spent = 0;
  store::Tx tx(*to, true);
  for (auto& t : tables) {
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
        "DECLARE floor_rows NO SCROLL CURSOR FOR SELECT {} FROM {} {} ORDER BY id", t.cols, t.name,
        t.where));
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

double floor_seconds(const std::string& src, const std::string& dst, const std::string& src_schema,
                     const std::vector<FloorTable>& tables, int64_t& rows) {
  return store::is_postgres_url(src) ? floor_pg(src, dst, src_schema, tables, rows)
                                     : floor_sqlite(src, dst, tables, rows);
}

}  // namespace remit::cli
