// A database made by an older Remit upgrades in place: the demo provider (a year of history)
// is written on the schema before the key changes (version 5), then `migrate` brings it to
// the latest, and everything is still there and still verifies, and billing goes on.
#include "app/billing.h"
#include "app/demo.h"
#include "app/fixture.h"
#include "app/invoices.h"
#include "app/tenants.h"

namespace remit::test {
namespace {

TEST(Upgrade, PopulatedDatabaseMigratesToLatest) {
  TempDir dir;
  TestDatabase test_db(dir.path());
  auto db = store::open_db(test_db.url());
  store::migrate(*db, 5);
  ASSERT_EQ(store::schema_version(*db), 5);
  FixedClock clock(*parse_instant("2026-06-15T12:00:00Z"));
  auto demo = app::create_demo(*db, clock, 40);
  ASSERT_GT(demo.invoices, 0);
  auto counts = [&] {
    std::vector<int64_t> n;
    for (const char* t : {"accounts", "subscriptions", "invoices", "invoice_lines",
                          "ledger_entries", "payments", "audit_log"})
      n.push_back(store::one_int(*db, std::string("SELECT COUNT(*) FROM ") + t));
    return n;
  };
  auto before = counts();

  store::migrate(*db);
  EXPECT_GT(store::schema_version(*db), 5);
  EXPECT_EQ(counts(), before);
  auto report = app::verify(*db);
  EXPECT_TRUE(report.ok()) << (report.problems.empty() ? "" : report.problems.front());
  // Billing goes on after the upgrade: moving the test clock runs the next periods' bill runs
  // on the new keys, and everything they write is for the later periods.
  std::string last_cycle;
  {
    store::Query q(*db, "SELECT MAX(cycle_end) FROM invoices");
    ASSERT_TRUE(q.next());
    last_cycle = q.text(0);
  }
  app::advance_clock(*db, clock, demo.tenant_id, *parse_instant("2026-08-02T12:00:00Z"));
  int64_t billed = store::one_int(*db, "SELECT COUNT(*) FROM invoices") - before[2];
  EXPECT_GT(billed, 0);
  EXPECT_EQ(store::one_int(*db, "SELECT COUNT(*) FROM invoices WHERE cycle_end > ?", last_cycle),
            billed);
  EXPECT_TRUE(app::verify(*db).ok());
}

}  // namespace
}  // namespace remit::test
