// payments settle | janitor | refund-run, bank-file write | import: what the daily job and the
// API do, for operators and cron.
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "app/cheque_refunds.h"
#include "app/processor_payments.h"
#include "cli/commands.h"
#include "cli/env.h"
#include "cli/open.h"
#include "payments/bank_files.h"

namespace remit::cli {

void add_payment_commands(CLI::App& app, Globals& g) {
  static int64_t tenant = 0;
  auto* pay = app.add_subcommand(
      "payments", "processor payments: settlement, the janitor; the cheque refund run");
  pay->require_subcommand(1);
  auto* settle = pay->add_subcommand("settle", "ask the processor which payments settled or were returned");
  settle->add_option("--tenant", tenant, "tenant id")->required();
  settle->callback([&g] {
    auto db = open_migrated(g.db);
    Runtime rt(g);
    app::Caller c{rt.env, *db, tenant, "cli", ""};
    auto n = app::settle_payments(c);
    fmt::print("{} settled, {} returned\n", n.settled, n.returned);
    deliver_now(rt);
  });
  auto* janitor = pay->add_subcommand("janitor", "finish payments the processor did not answer");
  janitor->add_option("--tenant", tenant, "tenant id")->required();
  janitor->callback([&g] {
    auto db = open_migrated(g.db);
    Runtime rt(g);
    app::Caller c{rt.env, *db, tenant, "cli", ""};
    fmt::print("{} resolved\n", app::resolve_processing(c, std::chrono::minutes(1)));
    deliver_now(rt);
  });
  auto* refunds = pay->add_subcommand(
      "refund-run", "refund closed accounts' credit by cheque now (dated today; once per day)");
  refunds->add_option("--tenant", tenant, "tenant id")->required();
  refunds->callback([&g] {
    auto db = open_migrated(g.db);
    Runtime rt(g);
    Date today;
    {
      store::Tx tx(*db, false);
      today = app::make_ctx(*db, rt.clock, tenant, "cli").today;
    }
    auto r = app::run_cheque_refunds(*db, rt.clock, tenant, today, "cli");
    fmt::print("{}: {} cheques, {} refunded, {} already refunded\n", r.run_date, r.refunded,
               minor_to_decimal(r.total), r.already);
    for (auto& s : r.skipped) fmt::print("skipped account {}: {}\n", s.account_id, s.reason);
    deliver_now(rt);
  });

  auto* file = app.add_subcommand("bank-file", "NACHA files: the day's debits and micro-deposits, returns");
  file->require_subcommand(1);
  static std::string date, out, in;
  auto* write = file->add_subcommand("write", "write the day's NACHA file");
  write->add_option("--tenant", tenant, "tenant id")->required();
  write->add_option("--date", date, "YYYY-MM-DD (default: the tenant's today)");
  write->add_option("--out", out, "file to write (default: standard output)");
  write->callback([&g] {
    auto db = open_migrated(g.db);
    Runtime rt(g);
    app::Caller c{rt.env, *db, tenant, "cli", ""};
    Date day;
    if (date.empty()) {
      store::Tx tx(*db, false);
      day = app::make_ctx(*db, rt.clock, tenant, "cli").today;
    } else if (auto d = parse_date(date)) {
      day = *d;
    } else {
      invalid("date", "must be YYYY-MM-DD");
    }
    std::string text = payments::day_bank_file(c, day);
    if (out.empty()) {
      fmt::print("{}", text);
    } else {
      std::ofstream f(out, std::ios::binary);
      f << text;
      if (!f) invalid("out", "cannot be written");
    }
  });
  auto* import = file->add_subcommand("import", "import a NACHA return file");
  import->add_option("--tenant", tenant, "tenant id")->required();
  import->add_option("file", in, "the return file")->required();
  import->callback([&g] {
    std::ifstream f(in, std::ios::binary);
    if (!f) invalid("file", "cannot be read: " + in);
    std::stringstream text;
    text << f.rdbuf();
    auto db = open_migrated(g.db);
    Runtime rt(g);
    app::Caller c{rt.env, *db, tenant, "cli", ""};
    auto r = payments::import_bank_file(c, text.str());
    fmt::print("{} returns applied, {} already applied, {} changes applied\n", r.returns_applied,
               r.returns_already, r.changes_applied);
    for (auto& u : r.unknown) fmt::print("unknown: {}\n", u);
    deliver_now(rt);
  });
}

}  // namespace remit::cli
