#include "http/session.h"

#include <spdlog/spdlog.h>

#include "http/errors.h"
#include "http/portal/portal_util.h"

namespace remit::http {
namespace http = beast::http;
using asio::use_awaitable;
namespace {

constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr size_t kHeaderLimit = 16 * 1024;

Request to_request(const http::request<http::string_body>& m, const std::string& ip) {
  Request r;
  r.method = std::string(m.method_string());
  r.target = std::string(m.target());
  if (auto it = m.find(http::field::authorization); it != m.end())
    r.authorization = std::string(it->value());
  if (auto it = m.find("Idempotency-Key"); it != m.end())
    r.idempotency_key = std::string(it->value());
  r.body = m.body();
  r.client_ip = ip;
  auto header = [&](auto field) {
    auto it = m.find(field);
    return it == m.end() ? std::string() : std::string(it->value());
  };
  r.cookie = header(http::field::cookie);
  r.content_type = header(http::field::content_type);
  r.origin = header(http::field::origin);
  r.host = header(http::field::host);
  return r;
}

http::response<http::string_body> to_message(Response&& r, unsigned version, bool keep_alive) {
  http::response<http::string_body> m{static_cast<http::status>(r.status), version};
  m.set(http::field::server, "remit");
  m.set(http::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers) m.insert(k, v);
  m.body() = std::move(r.body);
  m.keep_alive(keep_alive);
  m.prepare_payload();
  return m;
}

// After refusing a request whose body is still arriving, read and drop what the client
// sends for a moment before closing: closing with unread data makes the kernel reset the
// connection, and the client could lose the answer.
asio::awaitable<void> linger(beast::tcp_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream.expires_after(std::chrono::seconds(2));
  char sink[16 * 1024];
  size_t total = 0;
  while (total < (16u << 20)) {
    auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink),
                                                    asio::as_tuple(use_awaitable));
    if (rec) break;
    total += n;
  }
}

asio::awaitable<bool> write(beast::tcp_stream& stream, http::response<http::string_body>& m) {
  stream.expires_after(kWriteTimeout);
  auto [ec, n] = co_await http::async_write(stream, m, asio::as_tuple(use_awaitable));
  co_return !ec;
}

}  // namespace

void close_if_idle(const std::shared_ptr<Connection>& conn) {
  asio::post(conn->stream.get_executor(), [conn] {
    if (!conn->busy) {
      beast::error_code ec;
      conn->stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      conn->stream.socket().close(ec);
    }
  });
}

asio::awaitable<void> serve_connection(std::shared_ptr<Connection> conn, SessionHost host) {
  auto& stream = conn->stream;
  beast::error_code ec;
  std::string ip;
  if (auto ep = stream.socket().remote_endpoint(ec); !ec) ip = ep.address().to_string();
  beast::flat_buffer buffer;
  try {
    for (;;) {
      conn->busy = false;
      if (host.stopping) break;
      http::request_parser<http::string_body> parser;
      parser.header_limit(kHeaderLimit);
      // The largest limit until the target is known; then the target's.
      parser.body_limit(std::max(host.opt.body_limit, host.opt.upload_limit));
      stream.expires_after(host.opt.idle_timeout);
      auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser,
                                                        asio::as_tuple(use_awaitable));
      beast::error_code rec = hec;
      size_t limit = host.opt.body_limit;
      if (!rec) {
        std::string_view target = parser.get().target();
        target = target.substr(0, target.find('?'));
        for (auto& p : host.opt.upload_paths)
          if (target == p) limit = host.opt.upload_limit;
        parser.body_limit(limit);
        if (parser.content_length() && *parser.content_length() > limit) rec = http::error::body_limit;
      }
      if (!rec && beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, parser.get().version()};
        stream.expires_after(kWriteTimeout);
        auto [cec, cn] = co_await http::async_write(stream, cont, asio::as_tuple(use_awaitable));
        if (cec) break;
      }
      if (!rec && !parser.is_done()) {
        stream.expires_after(host.opt.idle_timeout);
        auto [bec, bn] = co_await http::async_read(stream, buffer, parser,
                                                   asio::as_tuple(use_awaitable));
        rec = bec;
      }
      if (rec == http::error::body_limit) {
        conn->busy = true;
        Response too_large = error_response(413, "payload_too_large",
                                            fmt::format("the request body exceeds {} bytes", limit));
        std::string_view path = parser.get().target();
        if (path.starts_with("/p/") || path.starts_with("/view/"))  // a page's form: a page
          too_large = portal::error_page(to_request(parser.get(), ip), too_large);
        auto m = to_message(std::move(too_large), 11, false);
        if (co_await write(stream, m)) co_await linger(stream);
        break;
      }
      if (rec && rec.category() == beast::error_code(http::error::bad_target).category() &&
          rec != http::error::end_of_stream && rec != http::error::partial_message) {
        conn->busy = true;  // a malformed request: answer, then close
        auto m = to_message(error_response(400, "invalid_argument", "malformed HTTP request"),
                            11, false);
        co_await write(stream, m);
        break;
      }
      if (rec) break;  // closed, reset, idle timeout or shutdown

      conn->busy = true;
      auto& msg = parser.get();
      Request req = to_request(msg, ip);
      const unsigned version = msg.version();
      const bool keep_alive = msg.keep_alive();
      auto started = std::chrono::steady_clock::now();
      stream.expires_never();
      Response res;
      if (!host.router.needs_db(req)) {
        res = host.router.handle(req);
      } else {
        const Router& router = host.router;
        res = co_await asio::co_spawn(
            host.db_pool,
            [&router, &req]() -> asio::awaitable<Response> { co_return router.handle(req); },
            use_awaitable);
      }
      spdlog::debug("{} {} {} {}us", req.method, req.target, res.status,
                    std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started).count());
      auto m = to_message(std::move(res), version, keep_alive && !host.stopping);
      bool again = m.keep_alive();
      if (!co_await write(stream, m) || !again) break;
    }
  } catch (const std::exception& e) {
    spdlog::warn("connection from {}: {}", ip, e.what());
  }
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
  conn->busy = false;
}

}  // namespace remit::http
