// remit: the one place that picks concrete classes and wires them (see commands.h).
#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "cli/env.h"
#include "core/error.h"

int main(int argc, char** argv) {
  CLI::App app{"Remit: billing, invoicing and payments for service providers"};
  app.require_subcommand(1);
  app.fallthrough();  // --db may also follow the subcommand
  remit::cli::Globals g;
  const char* env = std::getenv("REMIT_DB");
  g.db = env && *env ? env : "data/remit.db";
  app.add_option("--db", g.db, "database: a SQLite file path (env REMIT_DB)");
  remit::cli::add_notify_options(app, g);
  remit::cli::add_admin_commands(app, g);
  remit::cli::add_billing_commands(app, g);
  remit::cli::add_serve_command(app, g);
  remit::cli::add_bench_commands(app, g);
  remit::cli::add_notify_commands(app, g);
  remit::cli::add_payment_commands(app, g);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const remit::Error& e) {
    std::cerr << "error: " << e.what();
    if (!e.field.empty()) std::cerr << " (" << e.field << ")";
    std::cerr << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
