#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/db.h"

namespace remit::cli {
double now_s();  // a steady clock in seconds

// A fresh database for a bench: schema `name` of the PostgreSQL server at db (dropped and
// made again), or the file dir/name.db (deleted first) when db is not a PostgreSQL URL.
std::string fresh_bench_db(const std::string& db, const std::string& dir, const std::string& name);

// The synthetic provider: N accounts with three subscriptions each (monthly managed service
// in arrears or metered backup, monthly seats in advance, bi-weekly service desk in advance),
// usage for the metered ones and work entries for one account in ten. Test mode, its clock
// at 2026-03-01, nothing billed.
struct Synthetic {
  int64_t tenant = 0;
  int64_t seats = 0, managed = 0, backup = 0, desk = 0;
};
Synthetic build_synthetic(store::Db& db, const Clock& clock, int64_t accounts);

// Both streams' 2026-03-01 runs, worked by K threads with their own connections to `path`.
struct BillRunFigures {
  double seconds = 0;
  int64_t invoices = 0;
};
BillRunFigures bill_month_end(store::Db& db, const std::string& path, const Clock& clock,
                              int64_t tenant, int chunk, int workers);

// A table of the floor (bench_floor.cpp): its columns and which of its rows the run wrote.
struct FloorTable {
  const char* name;
  const char* cols;
  int n;                   // how many columns
  const char* where = "";  // e.g. "WHERE payment_id IS NOT NULL"
};
// Seconds to insert those rows of `src` again into the fresh database `dst` in one
// transaction; `src_schema`: the PostgreSQL schema of src (its tables' shape).
double floor_seconds(const std::string& src, const std::string& dst, const std::string& src_schema,
                     const std::vector<FloorTable>& tables, int64_t& rows);

// The bench's synthetic provider (test mode, clock at 2026-03-01, nothing billed) in `path`.
void seed_synthetic(const std::string& path, int64_t accounts);
// --db: a PostgreSQL URL benches that server (in schemas remit_bench, remit_bench_floor);
// anything else benches fresh SQLite files in `dir`.
void bench_bill_run(const std::string& db, const std::string& dir, int64_t accounts, int chunk,
                    int workers);
// --db as for bench_bill_run (schema remit_bench_api on PostgreSQL); `servers` HTTP servers
// in this process share the database, the clients spread over them.
void bench_api(const std::string& db, const std::string& dir, int connections, double seconds,
               int idle, int servers);
// The month-end stage by stage: bill run, PDFs, SMTP hand-off, delivery (bench_month_end.cpp).
void bench_month_end(const std::string& db, const std::string& dir, int64_t accounts, int chunk,
                     int workers, int senders, int64_t smtp_messages);
// A backlog of invoice.finalized webhooks drained to a local receiver (bench_webhooks.cpp).
void bench_webhooks(const std::string& db, const std::string& dir, int64_t events, int endpoints,
                    int chunk, int workers, int senders);
// AutoPay of the month-end invoices through the sandbox against its floor (bench_autopay.cpp).
void bench_autopay(const std::string& db, const std::string& dir, int64_t accounts, int chunk,
                   int workers);
// A NACHA file of N entries written and parsed back (bench_nacha.cpp).
void bench_nacha(int64_t entries);
}  // namespace remit::cli
