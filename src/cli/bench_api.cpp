// remit bench api: the API under load from C keep-alive connections, each endpoint measured
// right beside /healthz in the same run (the ratio is what counts on a shared machine).
// Optionally holds `idle` extra keep-alive connections open the whole time.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "app/demo.h"
#include "app/portal_auth.h"
#include "cli/bench.h"
#include "cli/env.h"
#include "cli/open.h"
#include "http/router.h"
#include "http/server.h"

namespace remit::cli {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clk = std::chrono::steady_clock;

struct Target {
  std::string name;
  bhttp::verb method;
  std::string path;
  std::string body;  // POST: "%d" is replaced by a unique number for the Idempotency-Key
  std::vector<std::string> bodies = {};  // POST: when given, each request takes the next one
  // GET: when given, each request takes the next (path, cookie): customers walking pages.
  std::vector<std::pair<std::string, std::string>> visits = {};
  std::string route = {};  // the route pattern, for the server's own time (metrics)
};

struct Result {
  double rps = 0, p50_ms = 0, p99_ms = 0;
  int64_t requests = 0, errors = 0;
};

asio::awaitable<void> client(tcp::endpoint ep, const Target& t, const std::string& key,
                             Clk::time_point until, std::vector<double>& lat, int64_t& errors,
                             std::atomic<int64_t>& seq) {
  beast::tcp_stream s(co_await asio::this_coro::executor);
  co_await s.async_connect(ep, asio::use_awaitable);
  beast::flat_buffer buf;
  while (Clk::now() < until) {
    bhttp::request<bhttp::string_body> req{t.method, t.path, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::authorization, "Bearer " + key);
    if (!t.visits.empty()) {
      auto& [path, cookie] = t.visits[static_cast<size_t>(seq++) % t.visits.size()];
      req.target(path);
      req.set(bhttp::field::cookie, cookie);
    }
    if (t.method == bhttp::verb::post) {
      int64_t n = seq++;
      req.set("Idempotency-Key", fmt::format("bench-{}", n));
      req.set(bhttp::field::content_type, "application/json");
      req.body() = t.bodies.empty() ? t.body : t.bodies[static_cast<size_t>(n) % t.bodies.size()];
      req.prepare_payload();
    }
    auto t0 = Clk::now();
    co_await bhttp::async_write(s, req, asio::use_awaitable);
    bhttp::response<bhttp::string_body> res;
    co_await bhttp::async_read(s, buf, res, asio::use_awaitable);
    lat.push_back(std::chrono::duration<double, std::milli>(Clk::now() - t0).count());
    if (res.result_int() >= 400) ++errors;
  }
  beast::error_code ec;
  s.socket().shutdown(tcp::socket::shutdown_both, ec);
}

// `conns` clients spread over the servers at `ports`.
Result measure(const std::vector<uint16_t>& ports, const Target& t, const std::string& key,
               int conns, double seconds) {
  asio::io_context io;
  auto until = Clk::now() + std::chrono::duration_cast<Clk::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::vector<double>> lat(conns);
  std::vector<int64_t> errors(conns, 0);
  std::atomic<int64_t> seq{static_cast<int64_t>(Clk::now().time_since_epoch().count())};
  auto start = Clk::now();
  for (int i = 0; i < conns; ++i)
    asio::co_spawn(io,
                   client(tcp::endpoint(asio::ip::make_address("127.0.0.1"), ports[i % ports.size()]),
                          t, key, until, lat[i], errors[i], seq),
                   asio::detached);
  io.run();
  double elapsed = std::chrono::duration<double>(Clk::now() - start).count();
  std::vector<double> all;
  Result r;
  for (int i = 0; i < conns; ++i) {
    all.insert(all.end(), lat[i].begin(), lat[i].end());
    r.errors += errors[i];
  }
  std::sort(all.begin(), all.end());
  r.requests = static_cast<int64_t>(all.size());
  r.rps = r.requests / elapsed;
  if (!all.empty()) {
    r.p50_ms = all[all.size() / 2];
    r.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  return r;
}

// Holds `n` idle keep-alive connections from a child process (the server's process could
// not hold both ends of 10,000 connections under its open-file limit) until `release` is
// closed; returns the child's pid, after the child has connected them all.
pid_t hold_idle_connections(uint16_t port, int n, int& release) {
  int ready[2], hold[2];
  if (pipe(ready) != 0 || pipe(hold) != 0) throw Error(Code::Internal, "pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw Error(Code::Internal, "fork failed");
  if (pid == 0) {
    close(ready[0]);
    close(hold[1]);
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int opened = 0;
    for (int i = 0; i < n; ++i) {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) break;
      ++opened;
    }
    (void)!write(ready[1], &opened, sizeof opened);
    char c;
    (void)!read(hold[0], &c, 1);  // returns when the parent closes its end
    _exit(0);
  }
  close(ready[1]);
  close(hold[0]);
  int opened = 0;
  (void)!read(ready[0], &opened, sizeof opened);
  close(ready[0]);
  if (opened != n) fmt::print("only {} of {} idle connections could be opened\n", opened, n);
  release = hold[1];
  return pid;
}

}  // namespace

void bench_api(const std::string& db_arg, const std::string& dir, int conns, double seconds,
               int idle, int servers) {
  bool pg = store::is_postgres_url(db_arg);
  std::string path = fresh_bench_db(db_arg, dir, "remit_bench_api");
  Globals bg;
  bg.db = path;
  bg.outbox_dir = dir + "/outbox";
  Runtime rt(bg);
  const Clock& clock = rt.clock;
  app::DemoResult demo;
  int64_t invoice = 0, account = 0;
  {
    auto db = open_migrated(path);
    demo = app::create_demo(*db, clock, 300);
    store::Query q(*db, "SELECT id, account_id FROM invoices WHERE tenant_id = ? AND status = 'open' "
                        "ORDER BY id DESC LIMIT 1", demo.tenant_id);
    if (!q.next()) throw Error(Code::Internal, "the demo has no open invoice");
    invoice = q.i64(0);
    account = q.i64(1);
  }
  int64_t card = 0;
  std::vector<std::string> many;  // a card payment of each billing account
  {  // a saved test card on every billing account, and no per-account card count (D5)
    auto db = open_migrated(path);
    store::Tx tx(*db, true);
    std::string now = format_instant(clock.now());
    store::exec(*db,
                "INSERT INTO sandbox_tokens (token, kind, behaviour, brand, last4, exp_month, "
                "exp_year, routing, sealed_account, created_at) VALUES ('tok_bench_api', 'card', "
                "'succeed', 'visa', '4242', 12, 2035, '', '', ?)",
                now);
    std::vector<int64_t> accounts;
    {
      store::Query q(*db, "SELECT id FROM accounts WHERE tenant_id = ? AND billing_account_id = id "
                          "ORDER BY id", demo.tenant_id);
      while (q.next()) accounts.push_back(q.i64(0));
    }
    for (int64_t a : accounts) {
      int64_t m = store::one_int(
          *db,
          "INSERT INTO payment_methods (tenant_id, account_id, kind, token, brand, last4, "
          "exp_month, exp_year, status, created_at) VALUES (?, ?, 'card', 'tok_bench_api', "
          "'visa', '4242', 12, 2035, 'active', ?) RETURNING id",
          demo.tenant_id, a, now);
      if (a == account) card = m;
      many.push_back(fmt::format(R"({{"account_id":{},"amount":1,"method_id":{}}})", a, m));
    }
    store::exec(*db, "DELETE FROM payment_policies WHERE tenant_id = ?", demo.tenant_id);
    store::exec(*db,
                "INSERT INTO payment_policies (tenant_id, max_digital_payments) VALUES (?, 1000000000)",
                demo.tenant_id);
    tx.commit();
  }
  // The portal: every billing account's customer signed in (a login without a password and a
  // session made directly: the bench times pages, not argon2id), walking home, an open
  // invoice and the pay page.
  std::vector<std::pair<std::string, std::string>> homes, invoice_pages, pay_pages;
  {
    auto db = open_migrated(path);
    store::Tx tx(*db, true);
    app::Ctx ctx = app::make_ctx(*db, clock, demo.tenant_id, "bench");
    std::string slug = app::portal_slug(*db, demo.tenant_id);
    std::vector<std::pair<int64_t, std::string>> customers;
    {
      store::Query q(*db, "SELECT id, emails FROM accounts WHERE tenant_id = ? AND billing_account_id = id "
                          "AND emails <> '' ORDER BY id", demo.tenant_id);
      while (q.next()) customers.emplace_back(q.i64(0), q.text(1).substr(0, q.text(1).find(',')));
    }
    for (auto& [id, email] : customers) {
      int64_t user = 0;
      try {
        user = app::add_portal_user(ctx, id, "bench-" + email, "owner", "").id;
      } catch (const Error&) {
        continue;
      }
      std::string cookie = "__Host-remit_session=" + app::start_session(ctx, user);
      store::Query q(*db, "SELECT id FROM invoices WHERE tenant_id = ? AND account_id = ? AND "
                          "status IN ('open', 'paid') ORDER BY id DESC LIMIT 1", demo.tenant_id, id);
      int64_t inv = q.next() ? q.i64(0) : 0;
      while (q.next()) {
      }
      homes.emplace_back("/p/" + slug + "/", cookie);
      if (inv) invoice_pages.emplace_back(fmt::format("/p/{}/invoices/{}", slug, inv), cookie);
      pay_pages.emplace_back("/p/" + slug + "/pay", cookie);
    }
    tx.commit();
  }
  // Several servers share nothing but the database, as several `remit serve` processes would.
  std::vector<std::unique_ptr<http::Router>> routers;
  std::vector<std::unique_ptr<http::Server>> srv;
  std::vector<uint16_t> ports;
  for (int i = 0; i < std::max(1, servers); ++i) {
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    routers.push_back(std::make_unique<http::Router>(http::make_services(rt.env)));
    srv.push_back(std::make_unique<http::Server>(o, *routers.back()));
    srv.back()->start();
    ports.push_back(srv.back()->port());
  }
  int release = -1;
  pid_t holder = idle ? hold_idle_connections(ports[0], idle, release) : 0;
  if (idle)
    fmt::print("holding {} idle keep-alive connections (server sees {})\n", idle,
               srv[0]->connections());
  Target health{"healthz", bhttp::verb::get, "/healthz", ""};
  std::vector<Target> targets = {
      {"get_invoice", bhttp::verb::get, fmt::format("/v1/invoices/{}", invoice), ""},
      {"get_upcoming", bhttp::verb::get,
       fmt::format("/v1/accounts/{}/upcoming-invoice?stream=recurring", account), ""},
      {"post_payment", bhttp::verb::post, "/v1/payments",
       fmt::format(R"({{"account_id":{},"method":"cheque","amount":1,"reference":"bench"}})", account)},
      // A card payment through the sandbox processor: attempt, processor call, outcome; on
      // one account (its payments wait for each other's lock), then over every account.
      {"card_payment", bhttp::verb::post, "/v1/payments/charge",
       fmt::format(R"({{"account_id":{},"amount":1,"method_id":{}}})", account, card)},
      {"card_payments", bhttp::verb::post, "/v1/payments/charge", "", many},
      {"portal_home", bhttp::verb::get, "/", "", {}, homes, "/p/{slug}"},
      {"portal_invoice", bhttp::verb::get, "/", "", {}, invoice_pages, "/p/{slug}/invoices/{id}"},
      {"portal_pay", bhttp::verb::get, "/", "", {}, pay_pages, "/p/{slug}/pay"},
  };
  // The home page with the stylesheets it links (/portal.css, the tenant's colour), as a
  // browser transfers them (uncompressed).
  size_t home_bytes = 0;
  if (!homes.empty()) {
    http::Request r{.method = "GET", .target = homes[0].first, .client_ip = "127.0.0.1",
                    .cookie = homes[0].second, .host = "127.0.0.1"};
    std::string page = routers[0]->handle(r).body;
    home_bytes = page.size();
    const std::string link = "<link rel=\"stylesheet\" href=\"";
    for (size_t at = page.find(link); at != std::string::npos; at = page.find(link, at)) {
      at += link.size();
      r.target = page.substr(at, page.find('"', at) - at);
      home_bytes += routers[0]->handle(r).body.size();
    }
    fmt::print("portal home page with its stylesheets: {} bytes\n", home_bytes);
  }
  std::string json =
      fmt::format("{{\"bench\":\"api\",\"backend\":\"{}\",\"servers\":{},\"connections\":{},"
                  "\"idle_connections\":{}",
                  pg ? "postgres" : "sqlite", ports.size(), conns, idle);
  json += fmt::format(",\"portal_home_bytes\":{}", home_bytes);
  for (auto& t : targets) {
    Result h = measure(ports, health, demo.api_key, conns, seconds);
    Result r = measure(ports, t, demo.api_key, conns, seconds);
    double ratio = h.rps > 0 ? r.rps / h.rps : 0;
    fmt::print("{:<13} {:>8.0f} req/s  p50 {:6.2f} ms  p99 {:6.2f} ms  errors {}   | beside /healthz "
               "{:>8.0f} req/s p99 {:6.2f} ms  -> {:.0f}%\n",
               t.name, r.rps, r.p50_ms, r.p99_ms, r.errors, h.rps, h.p99_ms, ratio * 100);
    json += fmt::format(",\"{0}_rps\":{1:.0f},\"{0}_p99_ms\":{2:.2f},\"{0}_errors\":{3},"
                        "\"{0}_healthz_rps\":{4:.0f},\"{0}_ratio\":{5:.2f}",
                        t.name, r.rps, r.p99_ms, r.errors, h.rps, ratio);
    if (!t.route.empty()) {  // the server's own time per page (its latency histogram)
      double bound = 0;
      for (auto& rt : routers) bound = std::max(bound, rt->metrics().quantile_bound(t.route, 0.99));
      fmt::print("{:<13} server time p99 <= {:.1f} ms\n", t.name, bound * 1000);
      json += fmt::format(",\"{}_server_p99_ms_at_most\":{:.1f}", t.name, bound * 1000);
    }
  }
  if (holder) {
    close(release);
    waitpid(holder, nullptr, 0);
  }
  for (auto& s : srv) s->stop();
  fmt::print("{}}}\n", json);
}

}  // namespace remit::cli
