#pragma once
// What handlers are given besides the request: the database and the clock (and later the
// Mailer and PaymentProcessor). Handlers never open connections or read the wall clock
// themselves.
#include <functional>
#include <memory>
#include <string>

#include "core/clock.h"
#include "store/db.h"

namespace remit::http {

struct Services {
  std::string db_url;
  const Clock& clock;
  // This thread's connection (a store::Db is used by one thread at a time).
  std::function<store::Db&()> db;
};

// Services whose db() opens `db_url` once per calling thread (thread_local) and keeps it
// open for the thread's life.
Services make_services(std::string db_url, const Clock& clock);

// The calling thread's connection to `url`, opened on first use.
store::Db& thread_db(const std::string& url);

}  // namespace remit::http
