// jobs (list, retry), deliver: the queue and the outbox from the command line.
#include <fmt/format.h>

#include "app/jobs.h"
#include "app/outbox.h"
#include "cli/commands.h"
#include "cli/env.h"
#include "cli/open.h"

namespace remit::cli {

void add_notify_commands(CLI::App& app, Globals& g) {
  auto* jobs = app.add_subcommand("jobs", "the job queue: queued, running and failed jobs");
  static int64_t tenant = 0, retry = 0;
  static std::string status;
  jobs->add_option("--tenant", tenant, "tenant id")->required();
  jobs->add_option("--status", status, "queued, running, done or failed (default: all but done)");
  jobs->add_option("--retry", retry, "put this failed job back in the queue");
  jobs->callback([&g] {
    auto db = open_migrated(g.db);
    Runtime rt(g);
    store::Tx tx(*db, retry != 0);
    auto ctx = app::make_ctx(*db, rt.clock, tenant, "cli");
    if (retry) {
      app::retry_job(ctx, retry);
      tx.commit();
    }
    fmt::print("{:>6}  {:<8} {:<12} {:<8} {:>8}  {:<20}  {}\n", "id", "kind", "key", "status",
               "attempts", "run at / lease", "last error");
    app::PageReq page{.after = 0, .limit = 200};
    for (;;) {
      auto p = app::list_jobs(ctx, status.empty() ? std::nullopt : std::optional(status), page);
      for (auto& j : p.items)
        if (!status.empty() || j.status != "done")
          fmt::print("{:>6}  {:<8} {:<12} {:<8} {:>8}  {:<20}  {}\n", j.id, j.kind, j.key,
                     j.status, j.attempts, j.run_at, j.last_error);
      if (!p.next) break;
      page.after = *p.next;
    }
  });

  auto* deliver = app.add_subcommand(
      "deliver", "send every email and webhook due now (remit serve does this continuously)");
  deliver->callback([&g] {
    open_migrated(g.db);
    Runtime rt(g);
    deliver_now(rt);
  });
}

}  // namespace remit::cli
