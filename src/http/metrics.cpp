#include "http/metrics.h"

#include <limits>

#include <fmt/format.h>

namespace remit::http {

void Metrics::record(const std::string& route, const std::string& method, int status,
                     double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, method, status}];
  Histogram& h = latency_[route];
  for (int i = 0; i < kNumBuckets; ++i)
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

double Metrics::quantile_bound(const std::string& route, double q) const {
  std::lock_guard lock(mu_);
  auto it = latency_.find(route);
  if (it == latency_.end() || it->second.count == 0) return 0;
  for (int i = 0; i < kNumBuckets; ++i)
    if (static_cast<double>(it->second.buckets[i]) >= q * static_cast<double>(it->second.count))
      return kBuckets[i];
  return std::numeric_limits<double>::infinity();
}

std::string Metrics::prometheus() const {
  std::lock_guard lock(mu_);
  std::string out =
      "# HELP remit_http_requests_total HTTP requests by route pattern, method and status.\n"
      "# TYPE remit_http_requests_total counter\n";
  for (auto& [k, n] : requests_)
    out += fmt::format("remit_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                       std::get<0>(k), std::get<1>(k), std::get<2>(k), n);
  out +=
      "# HELP remit_http_request_seconds Time to answer a request, by route pattern.\n"
      "# TYPE remit_http_request_seconds histogram\n";
  for (auto& [route, h] : latency_) {
    for (int i = 0; i < kNumBuckets; ++i)
      out += fmt::format("remit_http_request_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route,
                         kBuckets[i], h.buckets[i]);
    out += fmt::format("remit_http_request_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route, h.count);
    out += fmt::format("remit_http_request_seconds_sum{{route=\"{}\"}} {}\n", route, h.sum);
    out += fmt::format("remit_http_request_seconds_count{{route=\"{}\"}} {}\n", route, h.count);
  }
  return out;
}

}  // namespace remit::http
