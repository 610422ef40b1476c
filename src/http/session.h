#pragma once
// One HTTP/1.1 connection: read a request, hand it to the router (on the database pool
// when it needs the database), write the response, repeat while keep-alive.
// Internal to server.cpp.
#include <atomic>
#include <memory>
#include <string>

#include "http/router.h"
#include "http/server.h"

namespace remit::http {

namespace asio = boost::asio;
namespace beast = boost::beast;

struct SessionHost {
  const Router& router;
  asio::thread_pool& db_pool;
  const ServerOptions& opt;
  std::atomic<bool>& stopping;
};

// Lives as long as its coroutine (and any shutdown handler posted to its strand).
struct Connection {
  explicit Connection(asio::ip::tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;  // on its own strand
  bool busy = false;         // a request is being handled; touched on the strand only
};

asio::awaitable<void> serve_connection(std::shared_ptr<Connection> conn, SessionHost host);

// Closes `conn` unless a request is in flight (that one ends with "Connection: close").
void close_if_idle(const std::shared_ptr<Connection>& conn);

}  // namespace remit::http
