#include "app/workers.h"

#include <spdlog/spdlog.h>

#include "app/billing.h"
#include "app/jobs.h"
#include "app/processor_payments.h"
#include "store/db.h"

namespace remit::app {

Workers::Workers(Env& env, int threads, std::string name, std::chrono::seconds job_lease)
    : env_(env), lease_(job_lease) {
  for (int i = 0; i < threads; ++i)
    threads_.emplace_back([this, i, n = name + "/" + std::to_string(i)](std::stop_token st) {
      loop(st, n, i == 0);
    });
}

Workers::~Workers() { stop(); }

void Workers::stop() {
  for (auto& t : threads_) t.request_stop();
  wake_.notify_all();
  threads_.clear();  // joins
}

void Workers::loop(std::stop_token st, std::string name, bool scheduler) {
  std::unique_ptr<store::Db> db;
  auto next_tick = std::chrono::steady_clock::now(), next_janitor = next_tick;
  while (!st.stop_requested()) {
    auto idle = std::chrono::milliseconds(200);
    try {
      if (!db) db = env_.open_db();
      if (scheduler && std::chrono::steady_clock::now() >= next_tick) {
        if (int n = schedule_days(*db, env_.clock))
          spdlog::info("event=days_scheduled jobs={}", n);
        next_tick = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      }
      if (scheduler && std::chrono::steady_clock::now() >= next_janitor) {
        next_janitor = std::chrono::steady_clock::now() + std::chrono::minutes(1);
        if (int n = resolve_processing_everywhere(env_, *db, std::chrono::minutes(2)))
          spdlog::info("event=payments_resolved count={}", n);
      }
      if (auto c = work_bill_run_chunk(*db, env_.clock, {}, name)) {
        spdlog::debug("event=chunk_billed worker={} run={} invoices={}", name, c->run_id, c->invoices);
        continue;
      }
      if (run_next_job(*db, env_.clock, {.lease = lease_, .env = &env_, .worker = name})) continue;
    } catch (const std::exception& e) {
      spdlog::warn("event=worker_error worker={} error=\"{}\"", name, e.what());
      db.reset();  // a fresh connection next time
      idle = std::chrono::milliseconds(1000);
    }
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, st, idle, [] { return false; });
  }
}

}  // namespace remit::app
