// bill-run, invoice pdf, demo.
#include <fmt/format.h>

#include <fstream>

#include "app/accounts.h"
#include "app/billing.h"
#include "app/demo.h"
#include "app/invoices.h"
#include "cli/commands.h"
#include "app/outbox.h"
#include "cli/env.h"
#include "cli/open.h"
#include "render/invoice_pdf.h"

namespace remit::cli {

void add_billing_commands(CLI::App& app, Globals& g) {
  auto* run = app.add_subcommand("bill-run", "run bill runs: all due ones, or one stream and date");
  static int64_t tenant = 0;
  static std::string stream, cycle_end;
  static int chunk = 500;
  run->add_option("--tenant", tenant, "tenant id")->required();
  run->add_option("--stream", stream, "one stream (with --date)");
  run->add_option("--date", cycle_end, "the cycle end (billing date) YYYY-MM-DD");
  run->add_option("--chunk", chunk, "billing accounts per transaction")->capture_default_str();
  run->callback([&g] {
    auto db = open_migrated(g.db);
    Runtime rt(g);
    const Clock& clock = rt.clock;
    app::BillRunOptions opt;
    opt.chunk = chunk;
    std::vector<app::BillRunResult> results;
    if (stream.empty() != cycle_end.empty()) invalid("date", "--stream and --date go together");
    if (!stream.empty()) {
      auto d = parse_date(cycle_end);
      if (!d) invalid("date", "must be YYYY-MM-DD");
      results.push_back(app::run_bill_run(*db, clock, tenant, stream, *d, opt));
    } else {
      results = app::run_due_bill_runs(*db, clock, tenant, opt);
    }
    for (auto& r : results)
      fmt::print("bill run {} stream {} cycle end {}: {} invoices{}\n", r.run_id, r.stream,
                 format_date(r.cycle_end), r.invoices, r.was_done ? " (already done)" : "");
    if (results.empty()) fmt::print("no bill run due\n");
    deliver_now(rt);
  });

  auto* inv = app.add_subcommand("invoice", "invoices");
  inv->require_subcommand(1);
  auto* pdf = inv->add_subcommand("pdf", "write an invoice PDF");
  static int64_t pdf_tenant = 0, invoice = 0;
  static std::string out;
  pdf->add_option("--tenant", pdf_tenant, "tenant id")->required();
  pdf->add_option("--invoice", invoice, "invoice id")->required();
  pdf->add_option("--out", out, "output file")->required();
  pdf->callback([&g] {
    auto db = open_migrated(g.db);
    SystemClock clock;
    store::Tx tx(*db, false);
    auto ctx = app::make_ctx(*db, clock, pdf_tenant, "cli");
    auto i = app::get_invoice(ctx, invoice);
    auto a = app::get_account(ctx, i.account_id);
    std::ofstream f(out, std::ios::binary);
    f << render::render_invoice_pdf(ctx.tenant, a, i);
    if (!f) throw Error(Code::Internal, "cannot write " + out);
    fmt::print("{}\n", out);
  });

  auto* demo = app.add_subcommand("demo", "create the demo provider with a year of history");
  static int accounts = 300;
  demo->add_option("--accounts", accounts, "customer accounts")->capture_default_str();
  demo->callback([&g] {
    auto db = open_migrated(g.db);
    Runtime rt(g);
    auto r = app::create_demo(*db, rt.clock, accounts);
    // A newcomer gets the emails of the latest month, not of the whole year of history.
    int64_t skipped = app::skip_messages_before(*db, rt.clock, r.tenant_id, date::days{-31});
    fmt::print("demo tenant {}: {} accounts, {} invoices\nAPI key: {}\n", r.tenant_id, r.accounts,
               r.invoices, r.api_key);
    fmt::print("{} older messages skipped; ", skipped);
    deliver_now(rt);
  });
}

}  // namespace remit::cli
