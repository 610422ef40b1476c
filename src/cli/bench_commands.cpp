// remit bench bill-run | api | month-end | webhooks | autopay | nacha | seed.
#include "cli/bench.h"
#include "cli/commands.h"

namespace remit::cli {

void add_bench_commands(CLI::App& app, Globals& g) {
  auto* bench = app.add_subcommand("bench", "benchmarks that print figures (JSON last line)");
  bench->require_subcommand(1);
  auto* br = bench->add_subcommand("bill-run", "month-end bill run against its insert floor");
  static int64_t accounts = 10000;
  static int chunk = 1000, workers = 1;
  static std::string dir = "build/bench";
  br->add_option("--accounts", accounts, "synthetic accounts")->capture_default_str();
  br->add_option("--chunk", chunk, "billing accounts per transaction")->capture_default_str();
  br->add_option("--dir", dir, "folder for the fresh database files")->capture_default_str();
  br->add_option("--workers", workers, "bill-run workers (threads, own connections)")
      ->capture_default_str();
  br->callback([&g] { bench_bill_run(g.db, dir, accounts, chunk, workers); });
  auto* api = bench->add_subcommand("api", "API req/s and p99, each endpoint beside /healthz");
  static int conns = 100, idle = 0, servers = 1;
  static double seconds = 3;
  api->add_option("--connections", conns, "concurrent keep-alive clients")->capture_default_str();
  api->add_option("--seconds", seconds, "per measurement")->capture_default_str();
  api->add_option("--idle", idle, "extra idle keep-alive connections held open")->capture_default_str();
  api->add_option("--dir", dir, "folder for the demo database")->capture_default_str();
  api->add_option("--servers", servers, "HTTP servers on the one database")->capture_default_str();
  api->callback([&g] { bench_api(g.db, dir, conns, seconds, idle, servers); });
  auto* me = bench->add_subcommand("month-end", "bill run, PDFs, SMTP hand-off and delivery");
  static int64_t me_accounts = 10000, smtp_messages = 2000;
  static int senders = 2;
  me->add_option("--accounts", me_accounts, "synthetic accounts")->capture_default_str();
  me->add_option("--chunk", chunk, "billing accounts per transaction")->capture_default_str();
  me->add_option("--workers", workers, "bill-run workers")->capture_default_str();
  me->add_option("--senders", senders, "PDF and delivery threads")->capture_default_str();
  me->add_option("--smtp-messages", smtp_messages, "messages for the SMTP-only stage")
      ->capture_default_str();
  me->add_option("--dir", dir, "folder for the fresh database file")->capture_default_str();
  me->callback([&g] {
    bench_month_end(g.db, dir, me_accounts, chunk, workers, senders, smtp_messages);
  });
  auto* wh = bench->add_subcommand("webhooks", "a backlog of webhook deliveries to a local receiver");
  static int64_t events = 100000;
  static int endpoints = 1;
  wh->add_option("--events", events, "invoice.finalized events (two per account)")
      ->capture_default_str();
  wh->add_option("--endpoints", endpoints, "endpoints each event goes to")->capture_default_str();
  wh->add_option("--senders", senders, "delivery threads")->capture_default_str();
  wh->add_option("--workers", workers, "bill-run workers")->capture_default_str();
  wh->add_option("--dir", dir, "folder for the fresh database file")->capture_default_str();
  wh->callback([&g] { bench_webhooks(g.db, dir, events, endpoints, chunk, workers, senders); });
  auto* ap = bench->add_subcommand("autopay", "AutoPay of the month-end invoices against its floor");
  static int64_t ap_accounts = 10000;
  ap->add_option("--accounts", ap_accounts, "synthetic accounts")->capture_default_str();
  ap->add_option("--workers", workers, "bill-run workers (the setup)")->capture_default_str();
  ap->add_option("--dir", dir, "folder for the fresh database files")->capture_default_str();
  ap->callback([&g] { bench_autopay(g.db, dir, ap_accounts, chunk, workers); });
  auto* nacha = bench->add_subcommand("nacha", "write and parse a NACHA file");
  static int64_t nacha_entries = 100000;
  nacha->add_option("--entries", nacha_entries, "entries")->capture_default_str();
  nacha->callback([] { bench_nacha(nacha_entries); });
  auto* seed = bench->add_subcommand("seed", "build the bench's synthetic provider in --db");
  static int64_t seed_accounts = 1000;
  seed->add_option("--accounts", seed_accounts, "synthetic accounts")->capture_default_str();
  seed->callback([&g] { seed_synthetic(g.db, seed_accounts); });
}

}  // namespace remit::cli
