// remit bench month-end: the synthetic provider's month-end, stage by stage, in one process:
// 1. the bill run (K workers), which queues one invoice email per invoice in the outbox;
// 2. every invoice PDF rendered (S threads), nothing sent: the PDF stage alone;
// 3. SMTP hand-off alone: one composed invoice email (PDF attached) sent over and over to a
//    local SMTP sink (S threads, one connection each): what the wire costs;
// 4. delivery as `remit serve` does it: S Deliverer threads claim, compose (PDF included),
//    send to the sink and record each email, until the outbox is empty.
// The sink counts what arrived; the bench fails if it is not one message per email row.
// Prints each stage's seconds and rate, and one JSON line last.
#include <fmt/format.h>

#include <atomic>
#include <thread>

#include "app/accounts.h"
#include "app/invoices.h"
#include "app/outbox.h"
#include "app/view_links.h"
#include "cli/bench.h"
#include "cli/bench_peers.h"
#include "cli/open.h"
#include "notify/delivery.h"
#include "notify/email.h"
#include "render/invoice_pdf.h"

namespace remit::cli {
namespace {

// Runs f(thread index) on `threads` threads and returns the seconds they took.
template <class F>
double on_threads(int threads, F f) {
  double t0 = now_s();
  std::vector<std::thread> pool;
  for (int i = 0; i < std::max(1, threads); ++i) pool.emplace_back([&, i] { f(i); });
  for (auto& t : pool) t.join();
  return now_s() - t0;
}

// A thread's failure ends the bench with its reason (an exception would only terminate).
[[noreturn]] void fatal(const std::string& why) {
  fmt::print(stderr, "error: {}\n", why);
  std::exit(1);
}

std::vector<int64_t> invoice_ids(store::Db& db, int64_t tenant) {
  std::vector<int64_t> ids;
  store::Query q(db, "SELECT id FROM invoices WHERE tenant_id = ? ORDER BY id", tenant);
  while (q.next()) ids.push_back(q.i64(0));
  return ids;
}

}  // namespace

void bench_month_end(const std::string& db_arg, const std::string& dir, int64_t n, int chunk,
                     int workers, int senders, int64_t smtp_messages) {
  std::string path = fresh_bench_db(db_arg, dir, "remit_bench_month_end");
  auto db = open_migrated(path);
  FixedClock clock(Instant{make_date(2026, 3, 1)});
  double t0 = now_s();
  Synthetic s = build_synthetic(*db, clock, n);
  store::exec(*db,
              "UPDATE accounts SET emails = 'ap' || number || '@customer.example' "
              "WHERE tenant_id = ?",
              s.tenant);
  fmt::print("setup: {} accounts in {:.2f}s\n", n, now_s() - t0);

  BillRunFigures br = bill_month_end(*db, path, clock, s.tenant, chunk, workers);
  int64_t emails = store::one_int(
      *db, "SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND status = 'pending'");
  fmt::print("1. bill run:  {} invoices in {:.2f}s = {:.0f} invoices/s ({} emails queued)\n",
             br.invoices, br.seconds, br.invoices / br.seconds, emails);

  auto ids = invoice_ids(*db, s.tenant);
  std::atomic<int64_t> pdf_bytes{0};
  double pdf_s = on_threads(senders, [&](int w) {
    auto conn = store::open_db(path);
    store::Tx tx(*conn, false);
    app::Ctx ctx = app::make_ctx(*conn, clock, s.tenant, "bench");
    for (size_t i = static_cast<size_t>(w); i < ids.size(); i += static_cast<size_t>(senders)) {
      app::Invoice inv = app::get_invoice(ctx, ids[i]);
      pdf_bytes += static_cast<int64_t>(
          render::render_invoice_pdf(ctx.tenant, app::get_account(ctx, inv.account_id), inv).size());
    }
  });
  fmt::print("2. PDFs:      {} rendered in {:.2f}s = {:.0f} PDFs/s with {} thread(s), {:.1f} KB each\n",
             ids.size(), pdf_s, ids.size() / pdf_s, senders,
             pdf_bytes / 1024.0 / std::max<size_t>(1, ids.size()));

  LocalPeer sink(LocalPeer::Smtp);
  app::Env env = bench_env(clock, path, sink.url());
  app::OutgoingMail sample;
  {
    app::ensure_view_key(*db, s.tenant);
    app::Page<app::OutboxRec> first;
    {
      store::Tx tx(*db, false);
      app::Ctx ctx = app::make_ctx(*db, clock, s.tenant, "bench");
      first = app::list_outbox(ctx, {.channel = "email", .status = {}, .endpoint_id = {}},
                               {.after = 0, .limit = 1});
    }
    if (first.items.empty()) throw Error(Code::Internal, "bench: the bill run queued no email");
    sample = notify::compose_email(*db, env, first.items[0]);
  }
  double smtp_s = on_threads(senders, [&](int w) {
    auto m = env.mailer();
    for (int64_t i = w; i < smtp_messages; i += senders)
      if (auto r = m->send(sample); r.kind != app::MailResult::Sent)
        fatal(fmt::format("bench: the sink refused a message: {} {}", r.code, r.detail));
  });
  int64_t handed = sink.received();
  fmt::print("3. SMTP:      {} messages of {:.1f} KB to the local sink in {:.2f}s = {:.0f} msgs/s\n",
             handed, sample.data.size() / 1024.0, smtp_s, handed / smtp_s);

  double deliver_s = on_threads(senders, [&](int) {
    notify::Deliverer d(env);
    d.deliver_all();
  });
  int64_t arrived = sink.received() - handed;
  int64_t left = store::one_int(*db, "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'");
  if (arrived != emails || left != 0)
    throw Error(Code::Internal, fmt::format("bench: {} emails queued, {} arrived, {} not sent",
                                            emails, arrived, left));
  fmt::print("4. delivery:  {} invoice emails composed, PDF attached, sent and recorded in {:.2f}s "
             "= {:.0f} emails/s with {} sender(s)\n",
             arrived, deliver_s, arrived / deliver_s, senders);
  double total = br.seconds + deliver_s;
  double per_million = total * 1e6 / static_cast<double>(n);
  fmt::print("month-end (bill run + delivery): {:.1f}s for {} accounts; {:.0f}s ({:.1f} min) per "
             "1,000,000 at this rate\n",
             total, n, per_million, per_million / 60);
  fmt::print(
      "{{\"bench\":\"month-end\",\"backend\":\"{}\",\"accounts\":{},\"workers\":{},\"senders\":{},"
      "\"invoices\":{},\"bill_run_s\":{:.3f},\"invoices_per_s\":{:.0f},\"pdf_s\":{:.3f},"
      "\"pdfs_per_s\":{:.0f},\"smtp_msgs_per_s\":{:.0f},\"deliver_s\":{:.3f},"
      "\"emails_per_s\":{:.0f},\"total_s\":{:.3f},\"projected_1m_s\":{:.0f}}}\n",
      store::is_postgres_url(db_arg) ? "postgres" : "sqlite", n, workers, senders, br.invoices,
      br.seconds, br.invoices / br.seconds, pdf_s, ids.size() / pdf_s, handed / smtp_s, deliver_s,
      arrived / deliver_s, total, per_million);
}

}  // namespace remit::cli
