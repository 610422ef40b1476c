#pragma once
// A bounded, thread-safe map of response bodies by key, for reads whose key says everything
// they depend on (app::upcoming_key). When full, the oldest entry goes. One per process:
// keys carry the database URL, so servers or tests on other databases never share entries.
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace remit::http {

class ResponseCache {
 public:
  explicit ResponseCache(size_t capacity) : capacity_(capacity) {}
  std::optional<std::string> get(const std::string& key) {
    std::lock_guard lk(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  void put(const std::string& key, std::string body) {
    std::lock_guard lk(mu_);
    if (map_.insert_or_assign(key, std::move(body)).second) order_.push_back(key);
    while (map_.size() > capacity_) {
      map_.erase(order_.front());
      order_.pop_front();
    }
  }

 private:
  std::mutex mu_;
  size_t capacity_;
  std::unordered_map<std::string, std::string> map_;  // GUARDED_BY(mu_)
  std::deque<std::string> order_;                     // GUARDED_BY(mu_), oldest first
};

}  // namespace remit::http
