// Bad input to the use cases is refused with Code::InvalidArgument naming the field (the
// HTTP edge turns it into a 400), and nothing is written. State that forbids a change is
// Code::FailedPrecondition.
#include "app/fixture.h"

namespace remit::test {
namespace {

class ValidationTest : public AppTest {
 protected:
  void SetUp() override {
    AppTest::SetUp();
    make_tenant("procirrus", D("2024-12-20"));
    seats = price("Seats", "recurring", "arrears", "month", 5000, "main");
    metered = price("Backup (GB)", "metered", "", "", 10, "main");
    one_time = price("Setup fee", "one_time", "", "", 15000, "main");
    A = account("Acme").id;
    sub = subscribe(A, seats, 500, "2025-01-01");
    msub = subscribe(A, metered, 100, "2025-01-01");
  }
  int64_t count(const char* table) {
    store::Tx t(db(), false);
    store::Query q(db(), std::string("SELECT COUNT(*) FROM ") + table);
    q.next();
    return q.i64(0);
  }
  int64_t seats = 0, metered = 0, one_time = 0, A = 0, sub = 0, msub = 0;
};

TEST_F(ValidationTest, CreateAccount) {
  auto make = [&](app::NewAccount a) { tx([&](app::Ctx& c) { app::create_account(c, a); }); };
  auto ok = [] {
    app::NewAccount a;
    a.name = "Birch Law";
    a.emails = {"ap@birch.example"};
    return a;
  };
  int64_t before = count("accounts");
  auto a = ok();
  a.name = "";
  expect_invalid("name", [&] { make(a); });
  a = ok();
  a.name = std::string(201, 'n');
  expect_invalid("name", [&] { make(a); });
  a = ok();
  a.emails = {"ap@birch.example", "not-an-email"};
  expect_invalid("emails[1]", [&] { make(a); });
  a = ok();
  a.emails = {"a b@birch.example"};
  expect_invalid("emails[0]", [&] { make(a); });
  a = ok();
  a.emails = {"ap@localhost"};
  expect_invalid("emails[0]", [&] { make(a); });
  a = ok();
  a.emails.assign(11, "ap@birch.example");
  expect_invalid("emails", [&] { make(a); });
  a = ok();
  a.language = "fr";
  expect_invalid("language", [&] { make(a); });
  a = ok();
  a.bill_to_parent = true;
  expect_invalid("bill_to_parent", [&] { make(a); });
  a = ok();
  a.parent_id = 424242;
  expect_invalid("parent_id", [&] { make(a); });
  a = ok();
  a.number = std::string(33, '9');
  expect_invalid("number", [&] { make(a); });
  a = ok();
  a.address = std::string(1001, 'x');
  expect_invalid("address", [&] { make(a); });
  EXPECT_EQ(count("accounts"), before);

  // One level of parents only.
  auto child = account("Acme - branch", A, true);
  a = ok();
  a.parent_id = child.id;
  expect_invalid("parent_id", [&] { make(a); });
  // Account numbers are unique per tenant: a Conflict on "number".
  a = ok();
  a.number = get_account(A).number;
  expect_error(Code::Conflict, "number", [&] { make(a); });
  a.number = "ACME-2";
  make(a);
  expect_error(Code::Conflict, "number", [&] { make(a); });
  // update_account validates the same way
  expect_invalid("status", [&] {
    tx([&](app::Ctx& c) {
      app::AccountPatch p;
      p.status = "deleted";
      app::update_account(c, A, p);
    });
  });
}

TEST_F(ValidationTest, CreateSubscription) {
  advance_to("2025-03-10");
  auto make = [&](app::NewSubscription s) { tx([&](app::Ctx& c) { app::create_subscription(c, s); }); };
  int64_t before = count("subscriptions");
  expect_invalid("account_id", [&] { make({424242, seats, 100, std::nullopt}); });
  expect_invalid("price_id", [&] { make({A, 424242, 100, std::nullopt}); });
  expect_invalid("price_id", [&] { make({A, one_time, 100, std::nullopt}); });
  expect_invalid("quantity", [&] { make({A, seats, 0, std::nullopt}); });
  expect_invalid("quantity", [&] { make({A, seats, -100, std::nullopt}); });
  expect_invalid("quantity", [&] { make({A, seats, 100'000'001, std::nullopt}); });
  // Not before the current cycle (earlier periods are invoiced).
  expect_invalid("start_date", [&] { make({A, seats, 100, "2025-02-28"}); });
  expect_invalid("start_date", [&] { make({A, seats, 100, "2025-03-32"}); });
  expect_invalid("start_date", [&] { make({A, seats, 100, "10/03/2025"}); });
  EXPECT_EQ(count("subscriptions"), before);
  make({A, seats, 100, "2025-03-01"});  // the current cycle's start is fine
  auto s = tx([&](app::Ctx& c) { return app::create_subscription(c, {A, seats, 100, "2025-05-01"}); });
  EXPECT_EQ(s.status, "scheduled");
}

TEST_F(ValidationTest, ChangeQuantity) {
  advance_to("2025-03-15");
  auto change = [&](int64_t id, int64_t q, std::optional<std::string> d) {
    tx([&](app::Ctx& c) { app::change_quantity(c, id, q, d); });
  };
  // February is invoiced (on March 1): a change cannot reach into it.
  expect_invalid("effective_date", [&] { change(sub, 700, "2025-02-20"); });
  expect_invalid("effective_date", [&] { change(sub, 700, "2025-02-28"); });
  expect_invalid("effective_date", [&] { change(sub, 700, "not-a-date"); });
  expect_invalid("quantity", [&] { change(sub, 0, "2025-03-20"); });
  expect_invalid("quantity", [&] { change(msub, 200, "2025-03-20"); });  // metered has none
  expect_error(Code::NotFound, "", [&] { change(424242, 200, "2025-03-20"); });
  change(sub, 700, "2025-03-20");
  // Not before the last change.
  expect_invalid("effective_date", [&] { change(sub, 800, "2025-03-18"); });
  change(sub, 800, "2025-03-20");  // the same day replaces it
  auto s = tx([&](app::Ctx& c) { return app::get_subscription(c, sub); });
  ASSERT_EQ(s.phases.size(), 2u);
  EXPECT_EQ(s.phases[1].quantity, 800);
  EXPECT_EQ(s.phases[0].end_date.value_or(""), "2025-03-20");
  // Not after the subscription ends.
  tx([&](app::Ctx& c) { app::cancel_subscription(c, sub, "2025-04-10"); });
  expect_invalid("effective_date", [&] { change(sub, 900, "2025-04-10"); });
  expect_invalid("effective_date", [&] { change(sub, 900, "2025-05-01"); });
}

TEST_F(ValidationTest, CancelSubscription) {
  advance_to("2025-03-15");
  auto cancel_on = [&](int64_t id, std::optional<std::string> d) {
    tx([&](app::Ctx& c) { app::cancel_subscription(c, id, d); });
  };
  expect_invalid("date", [&] { cancel_on(sub, "2025-02-15"); });
  expect_invalid("date", [&] { cancel_on(sub, "2025-13-01"); });
  cancel_on(sub, std::nullopt);  // today
  auto s = tx([&](app::Ctx& c) { return app::get_subscription(c, sub); });
  EXPECT_EQ(s.end_date.value_or(""), "2025-03-15");
  EXPECT_EQ(s.status, "cancelled");
  expect_error(Code::FailedPrecondition, "", [&] { cancel_on(sub, "2025-03-20"); });
}

TEST_F(ValidationTest, RecordUsage) {
  advance_to("2025-03-15");
  auto use = [&](app::NewUsage u) { tx([&](app::Ctx& c) { app::record_usage(c, u); }); };
  expect_invalid("subscription_id", [&] { use({sub, 100, std::nullopt}); });  // not metered
  expect_invalid("subscription_id", [&] { use({424242, 100, std::nullopt}); });
  expect_invalid("quantity", [&] { use({msub, 0, std::nullopt}); });
  expect_invalid("quantity", [&] { use({msub, -5, std::nullopt}); });
  expect_invalid("date", [&] { use({msub, 100, "2025-03-16"}); });  // the future
  expect_invalid("date", [&] { use({msub, 100, "2024-12-31"}); });  // before it started
  expect_invalid("date", [&] { use({msub, 100, "yesterday"}); });
  EXPECT_EQ(count("usage_records"), 0);
  use({msub, 100, "2025-03-14"});
  EXPECT_EQ(count("usage_records"), 1);
}

TEST_F(ValidationTest, WorkChargesAndPrices) {
  advance_to("2025-03-15");
  auto w = [&](auto edit) {
    app::NewWork n;
    n.account_id = A;
    n.who = "Dana";
    n.hours = 100;
    n.rate = 12500;
    n.description = "Printer setup";
    edit(n);
    tx([&](app::Ctx& c) { app::create_work_entry(c, n); });
  };
  expect_invalid("account_id", [&] { w([](auto& n) { n.account_id = 424242; }); });
  expect_invalid("date", [&] { w([](auto& n) { n.date = "2025-03-16"; }); });
  expect_invalid("who", [&] { w([](auto& n) { n.who = ""; }); });
  expect_invalid("hours", [&] { w([](auto& n) { n.hours = 0; }); });
  expect_invalid("rate", [&] { w([](auto& n) { n.rate = -1; }); });
  expect_invalid("description", [&] { w([](auto& n) { n.description = ""; }); });
  expect_invalid("stream", [&] { w([](auto& n) { n.stream = "services"; }); });  // not this tenant's
  EXPECT_EQ(count("work_entries"), 0);

  auto ch = [&](auto edit) {
    app::NewCharge n;
    n.account_id = A;
    n.description = "Laptop";
    n.unit_amount = 99900;
    edit(n);
    tx([&](app::Ctx& c) { app::create_charge(c, n); });
  };
  expect_invalid("date", [&] { ch([](auto& n) { n.date = "2025-03-14"; }); });
  expect_invalid("date", [&] { ch([](auto& n) { n.date = "2025-03-20"; n.invoice_now = true; }); });
  expect_invalid("unit_amount", [&] { ch([](auto& n) { n.unit_amount = 0; }); });
  expect_invalid("quantity", [&] { ch([](auto& n) { n.quantity = 0; }); });
  expect_invalid("description", [&] { ch([](auto& n) { n.description = ""; }); });
  EXPECT_EQ(count("charges"), 0);

  auto pr = [&](auto edit) {
    app::NewPrice n;
    n.product_id = tx([](app::Ctx& c) { return app::create_product(c, "Widget", "").id; });
    n.kind = "recurring";
    n.timing = "advance";
    n.interval = "month";
    n.unit_amount = 100;
    n.stream = "main";
    edit(n);
    tx([&](app::Ctx& c) { app::create_price(c, n); });
  };
  expect_invalid("kind", [&] { pr([](auto& n) { n.kind = "weekly"; }); });
  expect_invalid("interval", [&] { pr([](auto& n) { n.interval = "two_weeks"; }); });
  expect_invalid("timing", [&] { pr([](auto& n) { n.timing = "later"; }); });
  expect_invalid("timing", [&] { pr([](auto& n) { n.kind = "metered"; n.timing = "advance"; }); });
  expect_invalid("unit_amount", [&] { pr([](auto& n) { n.unit_amount = -1; }); });
  expect_invalid("stream", [&] { pr([](auto& n) { n.stream = "nope"; }); });
  expect_invalid("product_id", [&] { pr([](auto& n) { n.product_id = 424242; }); });
  expect_invalid("name", [&] { tx([](app::Ctx& c) { app::create_product(c, "", ""); }); });
}

TEST_F(ValidationTest, TenantsAndTheClock) {
  auto make = [&](auto edit) {
    app::NewTenant t;
    t.name = "X";
    t.test_mode = true;
    edit(t);
    store::Tx x(db(), true);
    app::create_tenant(db(), clock_, t);
    x.commit();
  };
  expect_invalid("name", [&] { make([](auto& t) { t.name = ""; }); });
  expect_invalid("currency", [&] { make([](auto& t) { t.currency = "usd"; }); });
  expect_invalid("time_zone", [&] { make([](auto& t) { t.time_zone = "Mars/Base"; }); });
  expect_invalid("clock_start", [&] {
    make([&](auto& t) {
      t.test_mode = false;
      t.clock_start = clock_.now();
    });
  });
  expect_invalid("streams[0].invoice_day", [&] {
    make([](auto& t) {
      t.streams = app::preset_streams("procirrus", D("2025-01-01"));
      t.streams[0].schedule.invoice_day = 29;
    });
  });
  expect_invalid("streams[1].code", [&] {
    make([](auto& t) {
      t.streams = app::preset_streams("westcentral", D("2025-01-01"));
      t.streams[1].code = t.streams[0].code;
    });
  });
  expect_invalid("preset", [] { app::preset_streams("stripe", D("2025-01-01")); });
  // The clock moves forward only, and only in test mode.
  // Moving it back changes nothing (the API and the CLI refuse it with a 400 on "to").
  advance_to("2025-02-01");
  advance_to("2025-01-31");
  EXPECT_EQ(S(today()), "2025-02-01");
  int64_t live = [&] {
    app::NewTenant t;
    t.name = "Live";
    store::Tx x(db(), true);
    int64_t id = app::create_tenant(db(), clock_, t);
    x.commit();
    return id;
  }();
  expect_error(Code::FailedPrecondition, "", [&] {
    app::advance_clock(db(), clock_, live, clock_.now() + std::chrono::hours{24});
  });
}

}  // namespace
}  // namespace remit::test
