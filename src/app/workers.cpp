#include "app/workers.h"

#include <spdlog/spdlog.h>

#include "app/billing.h"
#include "store/db.h"

namespace remit::app {

BillRunWorkers::BillRunWorkers(std::string db_url, const Clock& clock, int threads,
                               std::string name)
    : url_(std::move(db_url)), clock_(clock) {
  for (int i = 0; i < threads; ++i)
    threads_.emplace_back([this, n = name + "/" + std::to_string(i)](std::stop_token st) {
      loop(st, n);
    });
}

BillRunWorkers::~BillRunWorkers() { stop(); }

void BillRunWorkers::stop() {
  for (auto& t : threads_) t.request_stop();
  wake_.notify_all();
  threads_.clear();  // joins
}

void BillRunWorkers::loop(std::stop_token st, std::string name) {
  std::unique_ptr<store::Db> db;
  while (!st.stop_requested()) {
    auto idle = std::chrono::milliseconds(200);
    try {
      if (!db) db = store::open_db(url_);
      if (auto c = work_bill_run_chunk(*db, clock_, {}, name)) {
        spdlog::debug("event=chunk_billed worker={} run={} invoices={}", name, c->run_id, c->invoices);
        continue;
      }
    } catch (const std::exception& e) {
      spdlog::warn("event=worker_error worker={} error=\"{}\"", name, e.what());
      idle = std::chrono::milliseconds(1000);
    }
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, st, idle, [] { return false; });
  }
}

}  // namespace remit::app
