#pragma once
// Request metrics (F10) in the Prometheus text format: a counter per route, method and
// status, and a latency histogram per route. Thread-safe; recording takes one short lock.
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace remit::http {

class Metrics {
 public:
  void record(const std::string& route, const std::string& method, int status, double seconds);
  std::string prometheus() const;
  // The upper bound of the latency bucket holding the route's q-quantile (seconds; infinity
  // beyond the last bucket, 0 for a route never answered): "p99 <= x".
  double quantile_bound(const std::string& route, double q) const;

 private:
  static constexpr double kBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.5, 1, 5};
  static constexpr int kNumBuckets = sizeof kBuckets / sizeof kBuckets[0];
  struct Histogram {
    long long buckets[kNumBuckets] = {};
    long long count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, long long> requests_;  // GUARDED_BY(mu_)
  std::map<std::string, Histogram> latency_;                                 // GUARDED_BY(mu_)
};

}  // namespace remit::http
