#pragma once
// Background bill-run workers, as `remit serve --workers N` runs them: each thread has its
// own database connection and claims chunks of any tenant's running bill run (see
// app/billing.h) until stopped. Several server processes on one PostgreSQL database share
// the work this way; a process killed mid-chunk loses only its uncommitted chunk, which
// another worker then takes.
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"

namespace remit::app {

class BillRunWorkers {
 public:
  // REQUIRES: `clock` outlives the workers and is safe to read from several threads.
  BillRunWorkers(std::string db_url, const Clock& clock, int threads, std::string name);
  ~BillRunWorkers();  // stop()
  void stop();  // waits for the chunks in progress to finish

 private:
  void loop(std::stop_token st, std::string name);
  std::string url_;
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable_any wake_;
  std::vector<std::jthread> threads_;
};

}  // namespace remit::app
