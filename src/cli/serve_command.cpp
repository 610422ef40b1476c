// remit serve: the HTTP API on Boost.Beast, until SIGINT/SIGTERM (graceful shutdown).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <csignal>

#include "app/demo.h"
#include "app/tenants.h"
#include "app/workers.h"
#include "cli/commands.h"
#include "cli/env.h"
#include "cli/open.h"
#include "notify/delivery.h"
#include "http/router.h"
#include "http/server.h"

namespace remit::cli {

void add_serve_command(CLI::App& app, Globals& g) {
  auto* serve = app.add_subcommand("serve", "serve the JSON API");
  static std::string listen = "127.0.0.1:8080";
  static int io_threads = 2, db_threads = 4, workers = 1, senders = 2, job_lease = 300, send_lease = 120;
  static bool print_demo_key = false;
  static std::string log_level = "info";
  serve->add_option("--listen", listen, "host:port (port 0 picks a free one)")->capture_default_str();
  serve->add_option("--io-threads", io_threads, "network threads")->capture_default_str();
  serve->add_option("--db-threads", db_threads, "database worker threads")->capture_default_str();
  serve->add_option("--workers", workers, "threads for bill runs, jobs and the scheduler (0: none)")
      ->capture_default_str();
  serve->add_option("--senders", senders, "threads delivering email and webhooks (0: none)")
      ->capture_default_str();
  serve->add_option("--send-lease", send_lease,
                    "seconds before a message whose sender died is sent again (same id)")
      ->capture_default_str();
  serve->add_option("--job-lease", job_lease,
                    "seconds before a job whose worker died is taken over")
      ->capture_default_str();
  serve->add_flag("--print-demo-key", print_demo_key,
                  "create and print a fresh API key for tenant 1 (make run)");
  serve->add_option("--log-level", log_level, "debug (one access-log line per request), info, warn")
      ->capture_default_str();
  serve->callback([&g] {
    // Structured logs: logfmt key=value lines, UTC timestamps.
    spdlog::set_pattern("ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
    auto level = spdlog::level::from_str(log_level);
    if (level == spdlog::level::off && log_level != "off") invalid("log-level", "unknown level");
    spdlog::set_level(level);
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) invalid("listen", "must be host:port");
    http::ServerOptions o;
    o.host = listen.substr(0, colon);
    o.port = static_cast<uint16_t>(std::stoi(listen.substr(colon + 1)));
    o.io_threads = io_threads;
    o.db_threads = db_threads;
    Runtime rt(g);
    rt.env.job_lease = std::chrono::seconds(std::max(1, job_lease));
    const Clock& clock = rt.clock;
    std::string key, portal_login;
    {
      auto db = open_migrated(g.db);
      if (print_demo_key) {
        store::Tx tx(*db, true);
        key = app::create_api_key(*db, clock, 1, "make run");
        store::Query q(*db, "SELECT email FROM portal_users WHERE tenant_id = 1 AND role = 'owner' "
                            "AND removed_at IS NULL ORDER BY id LIMIT 1");
        if (q.next()) portal_login = q.text(0);
        tx.commit();
      }
    }
    http::Router router(http::make_services(rt.env));
    http::Server server(o, router);
    server.start();
    app::Workers background(rt.env, workers, fmt::format("pid{}:{}", getpid(), server.port()),
                            rt.env.job_lease);
    notify::DeliveryWorkers delivery(
        rt.env, senders, {.lease = std::chrono::seconds(std::max(1, send_lease))});
    fmt::print("Remit is serving {} at http://{}:{}/  (health: /healthz, API: /v1, docs: /v1/openapi.json)\n",
               store::redact_url(g.db), o.host, server.port());
    if (!key.empty()) fmt::print("Demo API key (tenant 1): {}\n  try: curl -H 'Authorization: Bearer {}' http://{}:{}/v1/invoices\n", key, key, o.host, server.port());
    if (!portal_login.empty())
      fmt::print("Customer portal: http://{}:{}/  (sign in as {} with password {})\n", o.host,
                 server.port(), portal_login, app::kDemoPortalPassword);
    std::fflush(stdout);
    server.run();  // returns after SIGINT/SIGTERM, once in-flight requests finish
    background.stop();
    delivery.stop();
    spdlog::info("stopped");
  });
}

}  // namespace remit::cli
