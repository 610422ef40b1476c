#pragma once
// The local peers the delivery benches send to: an SMTP sink and a webhook receiver, each a
// loopback listener in this process with a thread per connection, counting what arrives and
// discarding it. Minimal on purpose (no TLS, no AUTH): they measure Remit's side.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/env.h"

namespace remit::cli {

class LocalPeer {
 public:
  enum Kind { Smtp, Http };
  explicit LocalPeer(Kind kind);
  ~LocalPeer();
  int port() const { return port_; }
  std::string url() const;  // smtp://127.0.0.1:P or http://127.0.0.1:P/hook
  int64_t received() const { return received_.load(); }  // messages (SMTP) or requests (HTTP)
  int64_t bytes() const { return bytes_.load(); }

 private:
  void accept_loop();
  void serve_smtp(int fd);
  void serve_http(int fd);
  Kind kind_;
  int listen_fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> received_{0}, bytes_{0};
  std::thread acceptor_;
  std::vector<std::thread> conns_;
  std::vector<int> conn_fds_;
};

// The benches' environment: the database at `path`, SMTP to `smtp_url` (plain, no AUTH),
// webhooks through a real HTTP client that may dial loopback (the receiver is local), the
// sandbox payment processor on the same database.
app::Env bench_env(const Clock& clock, const std::string& path, const std::string& smtp_url);

}  // namespace remit::cli
