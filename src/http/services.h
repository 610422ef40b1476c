#pragma once
// What handlers are given besides the request: the application Env (clock, database,
// mailer, HTTP client) and this thread's database connection. Handlers never open
// connections or read the wall clock themselves.
#include <functional>
#include <memory>
#include <string>

#include "app/env.h"

namespace remit::http {

struct Services {
  app::Env& env;
  const Clock& clock;    // env.clock
  std::string db_url;    // env.db_url
  // This thread's connection (a store::Db is used by one thread at a time).
  std::function<store::Db&()> db;
};

// Services whose db() opens env's database once per calling thread (thread_local) and keeps
// it open for the thread's life.
Services make_services(app::Env& env);

// The calling thread's connection to `url`, opened on first use.
store::Db& thread_db(const std::string& url);

}  // namespace remit::http
