#pragma once
// The `remit` command line: each file registers its subcommands on the CLI11 app.
#include <CLI/CLI.hpp>

#include <string>

namespace remit::cli {

// Where the database is: --db, else $REMIT_DB, else data/remit.db.
struct Globals {
  std::string db;
};

void add_admin_commands(CLI::App& app, Globals& g);  // migrate, tenant, apikey, clock, verify
void add_billing_commands(CLI::App& app, Globals& g);  // bill-run, invoice pdf, demo
void add_serve_command(CLI::App& app, Globals& g);
void add_bench_commands(CLI::App& app, Globals& g);

}  // namespace remit::cli
