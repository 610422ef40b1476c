#pragma once
// The background workers of `remit serve --workers N`: each thread has its own database
// connection and, in turn, claims a chunk of any tenant's running bill run (app/billing.h)
// or a due job (app/jobs.h); the first thread also runs the scheduler every second. Several
// server processes on one PostgreSQL database share the work this way; a process killed
// mid-chunk loses only its uncommitted chunk, and mid-job only its lease, which another
// worker then takes.
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/env.h"

namespace remit::app {

class Workers {
 public:
  // REQUIRES: `env` outlives the workers; its clock is safe to read from several threads.
  Workers(Env& env, int threads, std::string name, std::chrono::seconds job_lease);
  ~Workers();  // stop()
  void stop();  // waits for the chunks and jobs in progress to finish

 private:
  void loop(std::stop_token st, std::string name, bool scheduler);
  Env& env_;
  std::chrono::seconds lease_;
  std::mutex mu_;
  std::condition_variable_any wake_;
  std::vector<std::jthread> threads_;
};

}  // namespace remit::app
