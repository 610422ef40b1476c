#pragma once
// The HTTP/1.1 server: sockets only. A listener and one coroutine per connection run on an
// io_context driven by `io_threads` threads; every request that touches the database is
// handed to a separate pool of `db_threads` threads (each with its own connection), and
// the connection's coroutine waits for the answer without blocking a network thread.
// So thousands of idle keep-alive connections cost only memory, never a thread.
//
// Limits: request body 1 MiB (413 otherwise), headers 16 KiB, a keep-alive connection idle
// for 120 s is closed. start() raises RLIMIT_NOFILE to its hard limit.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>


namespace remit::http {

class Router;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;           // 0: an ephemeral port, see Server::port()
  int io_threads = 2;
  int db_threads = 4;
  size_t body_limit = 1 << 20;
  // File uploads (a bank's return file of 100,000 entries is 9.4 MB) may be larger.
  size_t upload_limit = 32 << 20;
  std::vector<std::string> upload_paths = {"/v1/bank-files/returns"};
  std::chrono::seconds idle_timeout{120};
};

class Server {
 public:
  // Serves `router` (built by the caller; its database migrated). REQUIRES: `router`
  // outlives the server; handle() runs on many threads at once (see Router).
  Server(ServerOptions opt, const Router& router);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the threads; returns once connections are accepted.
  // Throws std::system_error if the address cannot be bound, remit::Error if the
  // database cannot be opened.
  void start();
  uint16_t port() const;  // the bound port, after start()

  // start() if not started, then blocks until SIGINT or SIGTERM arrives or stop() is called
  // on another thread, and shuts down gracefully.
  void run();

  // Graceful shutdown: stop accepting, close idle connections, let in-flight requests
  // finish (up to 10 s) and answer them with "Connection: close", then join all threads.
  // Idempotent and thread-safe; blocks until done. Must not be called from a handler.
  void stop();

  const Router& router() const;
  size_t connections() const;  // open connections, for tests and metrics

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace remit::http
