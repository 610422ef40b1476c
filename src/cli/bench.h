#pragma once
#include <cstdint>
#include <string>

namespace remit::cli {
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
}  // namespace remit::cli
