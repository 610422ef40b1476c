// migrate, tenant create, apikey create, clock show|advance|set, verify.
#include <fmt/format.h>

#include <iostream>

#include "app/invoices.h"
#include "app/presets.h"
#include "app/tenants.h"
#include "cli/commands.h"
#include "cli/env.h"
#include "cli/open.h"

namespace remit::cli {

void add_admin_commands(CLI::App& app, Globals& g) {
  auto* migrate = app.add_subcommand("migrate", "create or upgrade the database schema");
  migrate->callback([&g] {
    auto db = open_migrated(g.db);
    fmt::print("schema version {}\n", store::schema_version(*db));
  });

  auto* tenant = app.add_subcommand("tenant", "manage tenants (providers)");
  tenant->require_subcommand(1);
  auto* create = tenant->add_subcommand("create", "create a tenant; prints its id");
  static app::NewTenant nt;
  static std::string preset, clock_start;
  create->add_option("--name", nt.name, "provider name")->required();
  create->add_option("--currency", nt.currency, "ISO currency")->capture_default_str();
  create->add_option("--time-zone", nt.time_zone, "IANA time zone")->capture_default_str();
  create->add_option("--preset", preset, "streams: default, procirrus, dakotapro, westcentral");
  create->add_flag("--test-mode", nt.test_mode, "give the tenant its own movable clock");
  create->add_option("--clock-start", clock_start,
                     "test mode: the clock's first instant (a date: its start in --time-zone)");
  create->add_option("--remit-to", nt.remit_to, "remit-to address (use \\n for new lines)");
  create->callback([&g] {
    auto db = open_migrated(g.db);
    SystemClock clock;
    if (!clock_start.empty()) {
      nt.clock_start = parse_local_instant(clock_start, nt.time_zone);  // a date: local midnight
      if (!nt.clock_start) invalid("clock-start", "must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    }
    Instant now = nt.clock_start.value_or(clock.now());
    nt.streams = app::preset_streams(preset, local_date(now, nt.time_zone));
    store::Tx tx(*db, true);
    int64_t id = app::create_tenant(*db, clock, nt);
    tx.commit();
    fmt::print("{}\n", id);
  });

  auto* key = app.add_subcommand("apikey", "manage API keys");
  key->require_subcommand(1);
  auto* kc = key->add_subcommand("create", "create an API key; prints it once");
  static int64_t key_tenant = 0;
  static std::string key_name = "cli", key_role = "admin";
  kc->add_option("--tenant", key_tenant, "tenant id")->required();
  kc->add_option("--name", key_name, "a label for the key")->capture_default_str();
  kc->add_option("--role", key_role, "admin, clerk or read_only")->capture_default_str();
  kc->callback([&g] {
    auto db = open_migrated(g.db);
    SystemClock clock;
    store::Tx tx(*db, true);
    app::load_tenant(*db, key_tenant);
    std::string k = app::create_api_key(*db, clock, key_tenant, key_name, key_role);
    tx.commit();
    fmt::print("{}\n", k);
  });

  auto* clk = app.add_subcommand("clock", "a test-mode tenant's clock");
  clk->require_subcommand(1);
  static int64_t clock_tenant = 0;
  static int days = 0;
  static std::string to;
  for (auto* c : {clk->add_subcommand("show", "print the tenant's now"),
                  clk->add_subcommand("advance", "move forward by --days, running due jobs"),
                  clk->add_subcommand("set", "move forward to --to, running due jobs")}) {
    c->add_option("--tenant", clock_tenant, "tenant id")->required();
    std::string name = c->get_name();
    if (name == "advance") c->add_option("--days", days, "days to move forward")->required();
    if (name == "set") c->add_option("--to", to, "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ")->required();
    c->callback([&g, name] {
      auto db = open_migrated(g.db);
      Runtime rt(g);
      const Clock& clock = rt.clock;
      Instant now = app::clock_now(*db, clock, clock_tenant);
      if (name == "advance") {
        if (days < 0) invalid("days", "must not be negative");
        now = app::advance_clock(*db, clock, clock_tenant, now + date::days{days}, &rt.env);
      } else if (name == "set") {
        auto t = parse_local_instant(to, app::load_tenant(*db, clock_tenant).time_zone);
        if (!t) invalid("to", "must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
        if (*t < now) invalid("to", "the clock cannot move back");
        now = app::advance_clock(*db, clock, clock_tenant, *t, &rt.env);
      }
      fmt::print("{}\n", format_instant(now));
      if (name != "show") deliver_now(rt);
    });
  }

  auto* verify = app.add_subcommand("verify", "prove the ledger balances and every figure agrees with it");
  verify->callback([&g] {
    auto db = open_migrated(g.db);
    auto r = app::verify(*db);
    for (auto& p : r.problems) fmt::print("PROBLEM {}\n", p);
    fmt::print("{} tenants, {} invoices, {} ledger entries: {}\n", r.tenants, r.invoices, r.entries,
               r.ok() ? "OK" : "FAILED");
    if (!r.ok()) throw CLI::RuntimeError(3);
  });
}

}  // namespace remit::cli
