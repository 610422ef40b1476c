#pragma once
// The test HttpClient: records every request and answers from a script (default 200), so a
// test can check what was sent and play a receiver that fails or never answers.
#include <deque>
#include <memory>
#include <mutex>

#include "app/env.h"

namespace remit::notify {

struct HttpLog {
  std::mutex mu;
  std::vector<app::HttpRequest> requests;
  std::deque<app::HttpResponse> script;  // answers in order; empty: 200
};

class RecordingHttpClient final : public app::HttpClient {
 public:
  explicit RecordingHttpClient(std::shared_ptr<HttpLog> log) : log_(std::move(log)) {}
  app::HttpResponse post(const app::HttpRequest& r) override {
    std::lock_guard lock(log_->mu);
    log_->requests.push_back(r);
    if (log_->script.empty()) return {200, "", ""};
    auto a = log_->script.front();
    log_->script.pop_front();
    return a;
  }

 private:
  std::shared_ptr<HttpLog> log_;
};

}  // namespace remit::notify
