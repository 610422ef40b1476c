// remit bench autopay: the synthetic provider's month-end invoices (two per account) charged
// by AutoPay through the sandbox processor on their invoice date, as the daily job does it
// (attempt, processor call, outcome, receipt email and events per payment), against the floor
// of inserting the same payment, application and ledger rows in the same run. Every account
// has a saved test card (4242...) and both streams enrolled. Prints one JSON line last.
#include <fmt/format.h>

#include "app/autopay.h"
#include "cli/bench.h"
#include "cli/bench_peers.h"
#include "cli/open.h"

namespace remit::cli {
namespace {
const std::vector<FloorTable> kPaymentRows = {
    {"payments",
     "id, tenant_id, account_id, method, reference, amount, fee, received_date, status, "
     "confirmation, created_at, method_id, method_brand, method_last4, token, processor_ref, "
     "request_key, group_id, targets, channel",
     20},
    {"payment_applications", "id, tenant_id, payment_id, invoice_id, amount", 5},
    {"ledger_entries",
     "id, tenant_id, txn_id, entry_date, book, account_id, invoice_id, payment_id, amount", 9,
     "WHERE payment_id IS NOT NULL"},
};
}  // namespace

void bench_autopay(const std::string& db_arg, const std::string& dir, int64_t n, int chunk,
                   int workers) {
  std::string schema = "remit_bench_autopay";
  std::string path = fresh_bench_db(db_arg, dir, schema);
  std::string floor_path = fresh_bench_db(db_arg, dir, schema + "_floor");
  auto db = open_migrated(path);
  FixedClock clock(Instant{make_date(2026, 3, 1)});
  double t0 = now_s();
  Synthetic s = build_synthetic(*db, clock, n);
  BillRunFigures br = bill_month_end(*db, path, clock, s.tenant, chunk, workers);
  {  // a card per account, both streams in AutoPay, charged on the invoice date
    store::Tx tx(*db, true);
    std::string now = format_instant(clock.now()), t = std::to_string(s.tenant);
    db->exec_script(
        "INSERT INTO sandbox_tokens (token, kind, behaviour, brand, last4, exp_month, exp_year, "
        "routing, sealed_account, created_at) SELECT 'tok_bench_' || id, 'card', 'succeed', "
        "'visa', '4242', 12, 2035, '', '', '" + now + "' FROM accounts WHERE tenant_id = " + t);
    db->exec_script(
        "INSERT INTO payment_methods (tenant_id, account_id, kind, token, brand, last4, "
        "exp_month, exp_year, status, preferred, created_at) SELECT tenant_id, id, 'card', "
        "'tok_bench_' || id, 'visa', '4242', 12, 2035, 'active', 1, '" + now +
        "' FROM accounts WHERE tenant_id = " + t + " ORDER BY id");
    db->exec_script(
        "INSERT INTO autopay_enrollments (tenant_id, account_id, stream, created_at) "
        "SELECT a.tenant_id, a.id, s.stream, '" + now + "' FROM accounts a, (SELECT DISTINCT "
        "stream FROM invoices WHERE tenant_id = " + t + ") s WHERE a.tenant_id = " + t +
        " ORDER BY a.id, s.stream");
    // Business customers' invoices exceed the consumer card limit (D5): lifted here.
    db->exec_script("INSERT INTO payment_policies (tenant_id, autopay_on, max_digital_amount) "
                    "VALUES (" + t + ", 'invoice_date', 100000000000)");
    tx.commit();
  }
  if (store::is_postgres_url(db_arg)) db->exec_script("ANALYZE");
  fmt::print("setup: {} accounts, {} invoices in {:.2f}s\n", n, br.invoices, now_s() - t0);

  app::Env env = bench_env(clock, path, "smtp://127.0.0.1:1");  // nothing is mailed here
  app::Caller caller{env, *db, s.tenant, "bench", ""};
  double start = now_s();
  int attempts = app::run_autopay(caller, workers);
  double run = now_s() - start;
  int64_t paid = store::one_int(
      *db, "SELECT COUNT(*) FROM payments WHERE tenant_id = ? AND status = 'succeeded'", s.tenant);
  int64_t charged = store::one_int(
      *db, "SELECT COUNT(*) FROM sandbox_transactions WHERE kind = 'charge' AND state = 'succeeded'");
  if (paid != br.invoices || charged != paid)
    throw Error(Code::Internal, fmt::format("bench: {} invoices, {} payments, {} charges", br.invoices,
                                            paid, charged));
  db.reset();
  int64_t rows = 0;
  double floor = floor_seconds(path, floor_path, schema, kPaymentRows, rows);
  fmt::print("autopay: {} payments ({} attempts) in {:.2f}s = {:.0f} payments/s; floor: {} rows "
             "in {:.3f}s; ratio {:.1f}\n",
             paid, attempts, run, paid / run, rows, floor, run / floor);
  fmt::print(
      "{{\"bench\":\"autopay\",\"backend\":\"{}\",\"accounts\":{},\"payments\":{},\"rows\":{},"
      "\"seconds\":{:.3f},\"payments_per_s\":{:.0f},\"floor_seconds\":{:.3f},\"ratio\":{:.2f}}}\n",
      store::is_postgres_url(db_arg) ? "postgres" : "sqlite", n, paid, rows, run, paid / run,
      floor, run / floor);
}

}  // namespace remit::cli
