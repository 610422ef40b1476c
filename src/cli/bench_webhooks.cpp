// remit bench webhooks: a backlog of invoice.finalized events drained to a local receiver.
// The synthetic provider gets E endpoints on a loopback HTTP receiver, then its month-end
// bill run raises one event per invoice (two per account), each queued for every endpoint,
// as `remit serve` would. Its emails are set aside; S Deliverer threads then sign, POST and
// record every delivery. The receiver counts the requests; the bench fails unless each
// delivery arrived and was recorded sent. Prints the rate of each tenth of the backlog (a
// steady drain has flat tenths), the overall deliveries per second, and one JSON line last.
#include <fmt/format.h>

#include <thread>

#include "app/webhooks.h"
#include "cli/bench.h"
#include "cli/bench_peers.h"
#include "cli/open.h"
#include "notify/delivery.h"

namespace remit::cli {

void bench_webhooks(const std::string& db_arg, const std::string& dir, int64_t events,
                    int endpoints, int chunk, int workers, int senders) {
  std::string path = fresh_bench_db(db_arg, dir, "remit_bench_webhooks");
  auto db = open_migrated(path);
  FixedClock clock(Instant{make_date(2026, 3, 1)});
  LocalPeer receiver(LocalPeer::Http);
  double t0 = now_s();
  Synthetic s = build_synthetic(*db, clock, std::max<int64_t>(1, events / 2));
  {
    store::Tx tx(*db, true);
    app::Ctx ctx = app::make_ctx(*db, clock, s.tenant, "bench");
    for (int i = 0; i < endpoints; ++i)
      app::create_endpoint(ctx, {receiver.url(), {"invoice.finalized"}, "bench receiver", true});
    tx.commit();
  }
  BillRunFigures br = bill_month_end(*db, path, clock, s.tenant, chunk, workers);
  store::exec(*db, "UPDATE outbox SET status = 'skipped' WHERE channel = 'email'");
  int64_t queued = store::one_int(
      *db, "SELECT COUNT(*) FROM outbox WHERE channel = 'webhook' AND status = 'pending'");
  fmt::print("setup: {} invoices' events for {} endpoint(s) = {} deliveries queued in {:.2f}s\n",
             br.invoices, endpoints, queued, now_s() - t0);

  app::Env env = bench_env(clock, path, "smtp://127.0.0.1:1");  // no email is sent
  std::atomic<int> running{senders};
  std::vector<std::thread> pool;
  double start = now_s();
  for (int i = 0; i < senders; ++i)
    pool.emplace_back([&] {
      notify::Deliverer d(env);
      d.deliver_all();
      --running;
    });
  // The time each tenth of the backlog arrived, sampled every 10 ms.
  std::vector<double> tenth_at;
  while (running > 0 || static_cast<int64_t>(tenth_at.size()) < 10) {
    int64_t got = receiver.received();
    while (tenth_at.size() < 10 &&
           got >= queued * static_cast<int64_t>(tenth_at.size() + 1) / 10)
      tenth_at.push_back(now_s() - start);
    if (running == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (auto& t : pool) t.join();
  double seconds = now_s() - start;
  int64_t arrived = receiver.received();
  int64_t sent = store::one_int(
      *db, "SELECT COUNT(*) FROM outbox WHERE channel = 'webhook' AND status = 'sent'");
  if (arrived != queued || sent != queued)
    throw Error(Code::Internal, fmt::format("bench: {} deliveries queued, {} arrived, {} sent",
                                            queued, arrived, sent));
  std::string tenths;
  double lo = 1e18, hi = 0, prev = 0;
  for (double t : tenth_at) {
    double rate = static_cast<double>(queued) / 10 / std::max(1e-9, t - prev);
    lo = std::min(lo, rate);
    hi = std::max(hi, rate);
    tenths += fmt::format("{}{:.0f}", tenths.empty() ? "" : " ", rate);
    prev = t;
  }
  fmt::print("deliveries/s per tenth of the backlog: {}\n", tenths);
  fmt::print("{} webhooks signed, POSTed and recorded in {:.2f}s = {:.0f} deliveries/s with {} "
             "sender(s); slowest tenth {:.0f}/s, fastest {:.0f}/s\n",
             queued, seconds, queued / seconds, senders, lo, hi);
  fmt::print(
      "{{\"bench\":\"webhooks\",\"backend\":\"{}\",\"deliveries\":{},\"endpoints\":{},"
      "\"senders\":{},\"seconds\":{:.3f},\"deliveries_per_s\":{:.0f},\"slowest_tenth_per_s\":{:.0f},"
      "\"fastest_tenth_per_s\":{:.0f}}}\n",
      store::is_postgres_url(db_arg) ? "postgres" : "sqlite", queued, endpoints, senders, seconds,
      queued / seconds, lo, hi);
}

}  // namespace remit::cli
