#pragma once
// The real application Env (app/env.h): the system clock, the database at --db, the mailer
// (SMTP when --smtp-url is set, else .eml files in the outbox folder) and libcurl for HTTP.
// The one place that picks these concrete classes.
#include <memory>

#include "app/env.h"
#include "cli/commands.h"

namespace remit::cli {

struct Runtime {
  SystemClock clock;
  app::Env env;
  std::string mail_destination;  // the SMTP URL, or the .eml folder
  explicit Runtime(const Globals& g);
};

// Delivers every message due now (after a CLI command that wrote some) and prints where
// they went.
void deliver_now(Runtime& rt);

// Registers the options that configure outgoing messages (on the app, for every command).
void add_notify_options(CLI::App& app, Globals& g);

}  // namespace remit::cli
