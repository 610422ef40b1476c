#pragma once
// The `remit` command line: each file registers its subcommands on the CLI11 app.
#include <CLI/CLI.hpp>

#include <string>

namespace remit::cli {

// Where the database is: --db, else $REMIT_DB, else data/remit.db.
struct Globals {
  std::string db;
  // Outgoing messages (cli/env.h): each also read from the environment, REMIT_<NAME>.
  std::string smtp_url, smtp_user, smtp_password_file, smtp_starttls = "optional";
  std::string vault_key_file;  // default: vault.key beside a SQLite database, else data/vault.key
  std::string outbox_dir;  // default: "outbox" beside a SQLite database, else data/outbox
  std::string public_url = "http://127.0.0.1:8080", mail_from = "billing@remit.invalid";
};

void add_admin_commands(CLI::App& app, Globals& g);  // migrate, tenant, apikey, clock, verify
void add_billing_commands(CLI::App& app, Globals& g);  // bill-run, invoice pdf, demo
void add_serve_command(CLI::App& app, Globals& g);
void add_bench_commands(CLI::App& app, Globals& g);
void add_notify_commands(CLI::App& app, Globals& g);  // jobs, deliver
void add_payment_commands(CLI::App& app, Globals& g);  // payments settle|janitor, bank-file

}  // namespace remit::cli
