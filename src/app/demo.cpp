#include "app/demo.h"

#include <fmt/format.h>

#include <random>

#include "app/accounts.h"
#include "app/billing.h"
#include "app/catalog.h"
#include "app/invoices.h"
#include "app/portal_auth.h"
#include "app/presets.h"
#include "app/subscriptions.h"
#include "app/tenants.h"

namespace remit::app {
namespace {

const char* kFirst[] = {"Avery", "Jordan", "Morgan", "Riley", "Casey", "Taylor", "Quinn", "Harper",
                        "Rowan", "Emerson", "Parker", "Sawyer", "Reese", "Finley", "Dakota"};
const char* kLast[] = {"Anderson", "Brooks", "Carter", "Dalton", "Ellison", "Fischer", "Garcia",
                       "Hughes", "Iverson", "Jensen", "Keller", "Lindqvist", "Moreno", "Nakamura",
                       "Olsen", "Petrov", "Quist", "Ramirez", "Schultz", "Thompson"};
const char* kKind[] = {"Dental", "Law Office", "Clinic", "Realty", "Accounting", "Logistics",
                       "Architects", "Insurance", "Veterinary", "Engineering"};
const char* kZhNames[] = {"华信科技有限公司", "金桥贸易有限公司", "东方会计师事务所", "长城物流有限公司"};

template <class F>
auto in_tx(store::Db& db, const Clock& clock, int64_t tenant, F f) {
  store::Tx tx(db, true);
  Ctx ctx = make_ctx(db, clock, tenant, "demo");
  auto r = f(ctx);
  tx.commit();
  return r;
}

}  // namespace

DemoResult create_demo(store::Db& db, const Clock& clock, int n_accounts) {
  std::mt19937_64 rng(42);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  Date real_today = local_date(clock.now(), "America/Chicago");
  Date start = add_months(make_date(static_cast<int>(date::year_month_day{real_today}.year()),
                                    static_cast<unsigned>(date::year_month_day{real_today}.month()), 1),
                          -12);
  DemoResult out;
  {
    store::Tx tx(db, true);
    NewTenant t;
    t.name = "West Central Technology (demo)";
    t.time_zone = "America/Chicago";
    t.test_mode = true;
    t.remit_to = "West Central Technology\nPO Box 1180\nWillmar, MN 56201";
    t.email = "billing@westcentral.example";
    t.clock_start = local_midnight(start, t.time_zone);
    t.streams = preset_streams("westcentral", start);
    out.tenant_id = create_tenant(db, clock, t);
    tx.commit();
  }
  int64_t tid = out.tenant_id;
  struct Catalog { int64_t managed, seats, backup, domain, svc_desk; } cat{};
  std::vector<int64_t> accounts;
  std::vector<int64_t> seat_subs;
  in_tx(db, clock, tid, [&](Ctx& ctx) {
    auto price = [&](const char* name, const char* kind, const char* timing, const char* interval,
                     Minor amount, const char* stream) {
      auto p = create_product(ctx, name, "");
      return create_price(ctx, {p.id, kind, timing, interval, amount, stream}).id;
    };
    cat.managed = price("Managed IT services", "recurring", "arrears", "month", 125000, "recurring");
    cat.seats = price("Microsoft 365 Business Premium (per user)", "recurring", "advance", "month",
                      2200, "recurring");
    cat.backup = price("Cloud backup storage (per GB)", "metered", "arrears", "", 10, "recurring");
    cat.domain = price("Domain and SSL certificate (yearly)", "recurring", "advance", "year", 18000,
                       "recurring");
    cat.svc_desk = price("Service desk block (bi-weekly)", "recurring", "advance", "two_weeks",
                         35000, "services");
    for (int i = 0; i < n_accounts; ++i) {
      NewAccount a;
      bool zh = i % 15 == 7;
      std::string last = kLast[pick(20)];
      a.name = zh ? kZhNames[pick(4)] : fmt::format("{} {}", last, kKind[pick(10)]);
      a.last_name = last;
      a.company = a.name;
      a.language = zh ? "zh-CN" : "en";
      a.emails = {fmt::format("billing{}@customer{}.example", i, i)};
      a.address = fmt::format("{} Main Street\nWillmar, MN 56201", 100 + i);
      // Every 10th account is a parent of the next two; the first child is billed to it.
      if (i % 10 == 1 || i % 10 == 2) {
        a.parent_id = accounts[accounts.size() - (i % 10)];
        a.bill_to_parent = i % 10 == 1;
        a.name = fmt::format("{} - Branch {}", kFirst[pick(15)], i);
      }
      a.invoice_terms = true;  // an MSP's business customers, billed on terms (A7)
      accounts.push_back(create_account(ctx, a).id);
    }
    std::string s0 = format_date(start);
    for (size_t i = 0; i < accounts.size(); ++i) {
      if (i % 10 == 1) continue;  // billed to parent: only seats below
      auto sub = [&](int64_t price, int64_t qty) {
        return create_subscription(ctx, {accounts[i], price, qty * 100, s0}).id;
      };
      if (i % 10 != 2) sub(cat.managed, 1);
      seat_subs.push_back(sub(cat.seats, 3 + pick(20)));
      if (i % 3 == 0) sub(cat.backup, 1);
      if (i % 4 == 0) sub(cat.domain, 1);
      if (i % 5 == 0) sub(cat.svc_desk, 1);
    }
    for (size_t i = 1; i < accounts.size(); i += 10)
      seat_subs.push_back(create_subscription(ctx, {accounts[i], cat.seats, 500, s0}).id);
    return 0;
  });
  // A year, month by month: usage, work, hardware, seat changes mid-cycle, payments.
  for (int m = 0; m < 12; ++m) {
    Date month = add_months(start, m);
    advance_clock(db, clock, tid, local_midnight(month + date::days{14}, "America/Chicago"));
    in_tx(db, clock, tid, [&](Ctx& ctx) {
      auto subs = list_subscriptions(ctx, std::nullopt, {0, 200});
      for (;;) {
        for (auto& s : subs.items)
          if (s.price_id == cat.backup && s.status == "active")
            record_usage(ctx, {s.id, (50 + pick(400)) * 100, std::nullopt});
        if (!subs.next) break;
        subs = list_subscriptions(ctx, std::nullopt, {*subs.next, 200});
      }
      for (int k = 0; k < 25; ++k) {
        NewWork w;
        w.account_id = accounts[pick(static_cast<int>(accounts.size()))];
        w.who = kFirst[pick(15)];
        w.hours = (1 + pick(16)) * 25;
        w.rate = 12500;
        w.ticket = fmt::format("T-{}", 4000 + m * 100 + k);
        w.description = "On-site support outside the managed scope";
        create_work_entry(ctx, w);
      }
      for (int k = 0; k < 6; ++k) {
        NewCharge c;
        c.account_id = accounts[pick(static_cast<int>(accounts.size()))];
        c.description = k % 2 ? "Dell OptiPlex 7010 workstation" : "Ubiquiti access point";
        c.quantity = (1 + pick(3)) * 100;
        c.unit_amount = k % 2 ? 89900 : 17900;
        c.invoice_now = k == 0;
        create_charge(ctx, c);
      }
      for (int k = 0; k < 10; ++k) {
        int64_t sub = seat_subs[pick(static_cast<int>(seat_subs.size()))];
        auto s = get_subscription(ctx, sub);
        if (s.status == "active") change_quantity(ctx, sub, std::max<int64_t>(100, s.quantity + (pick(5) - 2) * 100), std::nullopt);
      }
      if (m == 6)
        for (int k = 0; k < 3; ++k) {
          int64_t sub = seat_subs[pick(static_cast<int>(seat_subs.size()))];
          if (get_subscription(ctx, sub).status == "active") cancel_subscription(ctx, sub, std::nullopt);
        }
      return 0;
    });
    // Most customers pay what is open by cheque or transfer; a few run late.
    advance_clock(db, clock, tid, local_midnight(month + date::days{24}, "America/Chicago"));
    in_tx(db, clock, tid, [&](Ctx& ctx) {
      for (size_t i = 0; i < accounts.size(); ++i) {
        if (i % 17 == 5 && m > 8) continue;  // late payers
        auto b = account_balance(ctx, accounts[i]);
        if (b.balance_due == 0) continue;
        NewPayment p;
        p.account_id = accounts[i];
        p.method = i % 2 ? "cheque" : "bank_transfer";
        p.reference = fmt::format("{}-{}", i % 2 ? "CHK" : "ACH", 10000 + m * 1000 + static_cast<int>(i));
        p.amount = b.balance_due;
        post_payment(ctx, p);
      }
      return 0;
    });
  }
  Instant target = std::max(clock.now(), clock_now(db, clock, tid));
  advance_clock(db, clock, tid, target);
  {
    store::Tx tx(db, true);
    out.api_key = create_api_key(db, clock, tid, "demo");
    // The portal at /p/demo/, with a login for the first customer (README).
    store::exec(db, "UPDATE tenants SET portal_slug = 'demo' WHERE id = ?", tid);
    {
      Ctx ctx = make_ctx(db, clock, tid, "demo");
      update_tenant(ctx, {.brand_color = "#0f766e"});  // its own colour on the portal and emails
      Account first = get_account(ctx, accounts.at(0));
      out.portal_email = first.emails.at(0);
      add_portal_user(ctx, first.id, out.portal_email, "owner", kDemoPortalPassword);
    }
    store::Query q(db, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", tid);
    q.next();
    out.invoices = q.i64(0);
    tx.commit();
  }
  out.accounts = static_cast<int64_t>(accounts.size());
  return out;
}

}  // namespace remit::app
