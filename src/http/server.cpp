#include "http/server.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "http/router.h"
#include "http/session.h"

namespace remit::http {
namespace {

using tcp = asio::ip::tcp;
using asio::use_awaitable;

// Idle keep-alive connections are file descriptors: allow as many as the hard limit does.
void raise_nofile_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max) return;
  rlim_t want = rl.rlim_max;
  rl.rlim_cur = want;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
    spdlog::warn("could not raise the open file limit to {}", want);
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, const Router& r)
      : opt(std::move(o)),
        router(r),
        db_pool(static_cast<size_t>(std::max(1, opt.db_threads))),
        acceptor(asio::make_strand(ioc)) {}

  ServerOptions opt;
  const Router& router;
  asio::io_context ioc;
  asio::thread_pool db_pool;
  tcp::acceptor acceptor;  // on its own strand
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  bool started = false;
  uint16_t bound_port = 0;

  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> conns;  // GUARDED_BY(mu)
  bool stop_requested = false;                                      // GUARDED_BY(mu)
  std::once_flag shutdown_once;

  asio::awaitable<void> accept_loop();
  void spawn(tcp::socket s);
  void shutdown();
};

asio::awaitable<void> Server::Impl::accept_loop() {
  asio::steady_timer backoff(acceptor.get_executor());
  for (;;) {
    auto [ec, socket] =
        co_await acceptor.async_accept(asio::make_strand(ioc), asio::as_tuple(use_awaitable));
    if (stopping || ec == asio::error::operation_aborted) co_return;
    if (ec) {  // EMFILE and friends: wait for connections to close rather than spin
      spdlog::warn("accept: {}", ec.message());
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(asio::as_tuple(use_awaitable));
      continue;
    }
    spawn(std::move(socket));
  }
}

void Server::Impl::spawn(tcp::socket s) {
  beast::error_code ec;
  s.set_option(tcp::no_delay(true), ec);
  auto conn = std::make_shared<Connection>(std::move(s));
  {
    std::lock_guard lk(mu);
    conns.emplace(conn.get(), conn);
  }
  auto ex = conn->stream.get_executor();
  asio::co_spawn(ex, serve_connection(conn, SessionHost{router, db_pool, opt, stopping}),
                 [this, key = conn.get()](std::exception_ptr) {
                   std::lock_guard lk(mu);
                   conns.erase(key);
                   cv.notify_all();
                 });
}

void Server::Impl::shutdown() {
  if (!started) return;
  stopping = true;
  asio::post(acceptor.get_executor(), [this] {
    beast::error_code ec;
    acceptor.close(ec);
  });
  auto close_idle = [this] {
    std::vector<std::shared_ptr<Connection>> live;
    {
      std::lock_guard lk(mu);
      for (auto& [k, w] : conns)
        if (auto c = w.lock()) live.push_back(std::move(c));
    }
    for (auto& c : live) close_if_idle(c);
  };
  close_idle();
  {
    // In-flight requests finish and close their connections; a request that arrives on an
    // idle connection in the meantime is answered the same way.
    std::unique_lock lk(mu);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!conns.empty() && std::chrono::steady_clock::now() < deadline) {
      lk.unlock();
      close_idle();
      lk.lock();
      cv.wait_for(lk, std::chrono::milliseconds(100), [this] { return conns.empty(); });
    }
    if (!conns.empty()) spdlog::warn("shutdown: {} connections still open", conns.size());
  }
  work.reset();
  ioc.stop();
  for (auto& t : threads) t.join();
  threads.clear();
  db_pool.join();
}

Server::Server(ServerOptions opt, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(opt), router)) {}

Server::~Server() { stop(); }

const Router& Server::router() const { return impl_->router; }

uint16_t Server::port() const { return impl_->bound_port; }

size_t Server::connections() const {
  std::lock_guard lk(impl_->mu);
  return impl_->conns.size();
}

void Server::start() {
  auto& m = *impl_;
  if (m.started) return;
  raise_nofile_limit();
  m.router.services().db();  // fail now, not on the first request, if it cannot open
  auto addr = asio::ip::make_address(m.opt.host);
  tcp::endpoint ep(addr, m.opt.port);
  m.acceptor.open(ep.protocol());
  m.acceptor.set_option(asio::socket_base::reuse_address(true));
  m.acceptor.bind(ep);
  m.acceptor.listen(asio::socket_base::max_listen_connections);
  m.bound_port = m.acceptor.local_endpoint().port();
  m.work.emplace(m.ioc.get_executor());
  asio::co_spawn(m.acceptor.get_executor(), m.accept_loop(), [](std::exception_ptr e) {
    if (e) {
      try { std::rethrow_exception(e); } catch (const std::exception& x) {
        spdlog::error("listener stopped: {}", x.what());
      }
    }
  });
  for (int i = 0; i < std::max(1, m.opt.io_threads); ++i)
    m.threads.emplace_back([&m] { m.ioc.run(); });
  m.started = true;
  spdlog::info("listening on {}:{} ({} network threads, {} database threads)", m.opt.host,
               m.bound_port, m.opt.io_threads, m.opt.db_threads);
}

void Server::run() {
  auto& m = *impl_;
  start();
  asio::signal_set signals(m.ioc, SIGINT, SIGTERM);
  signals.async_wait([&m](const beast::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", sig);
    std::lock_guard lk(m.mu);
    m.stop_requested = true;
    m.cv.notify_all();
  });
  {
    std::unique_lock lk(m.mu);
    m.cv.wait(lk, [&m] { return m.stop_requested; });
  }
  asio::post(m.ioc, [&signals] { signals.cancel(); });
  stop();
}

void Server::stop() {
  auto& m = *impl_;
  {
    std::lock_guard lk(m.mu);
    m.stop_requested = true;
    m.cv.notify_all();
  }
  std::call_once(m.shutdown_once, [&m] { m.shutdown(); });
}

}  // namespace remit::http
