// A database made by the previous Remit upgrades in place: the demo provider (a year of
// history, with a written-off and a voided invoice) is brought back to the shape of schema 6
// (before migration 7: no written_off, void invoices kept the credit that went back), then
// `migrate` brings it to the latest, and everything is still there, verifies, and billing goes
// on. (The 5 -> 6 key change was tested the same way from schema 5 while code still wrote it;
// see git history of this file.)
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
  store::migrate(*db);
  const int latest = store::schema_version(*db);
  FixedClock clock(*parse_instant("2026-06-15T12:00:00Z"));
  auto demo = app::create_demo(*db, clock, 40);
  ASSERT_GT(demo.invoices, 0);
  int64_t written_off = 0, voided = 0;
  {  // one open invoice written off; another voided after account credit was applied to it
    store::Tx tx(*db, true);
    app::Ctx ctx = app::make_ctx(*db, clock, demo.tenant_id, "test");
    int64_t paid, open;
    {
      store::Query q(*db,
                     "SELECT p.id, o.id FROM invoices p JOIN invoices o ON o.account_id = "
                     "p.account_id AND o.status = 'open' WHERE p.status = 'paid' AND p.subtotal "
                     "> 500 ORDER BY p.id LIMIT 1");
      ASSERT_TRUE(q.next());
      paid = q.i64(0);
      open = q.i64(1);
    }
    store::Query q(*db, "SELECT id FROM invoices WHERE status = 'open' AND id <> ? LIMIT 1", open);
    ASSERT_TRUE(q.next());
    written_off = app::mark_uncollectible(ctx, q.i64(0)).written_off;
    app::create_credit_note(ctx, paid, 500, "goodwill");
    app::apply_credit(ctx, open, 500);
    app::void_invoice(ctx, open);
    voided = open;
    tx.commit();
  }
  // Schema 6's shape: what migrations 7 to 21 added is not there yet, and the void invoice
  // kept the credit it had applied (which had gone back to the account).
  {
    store::Tx tx(*db, true);
    store::exec(*db, "UPDATE invoices SET credit_applied = 500 WHERE id = ?", voided);
    db->exec_script(
        "ALTER TABLE invoices DROP COLUMN written_off; ALTER TABLE payments DROP COLUMN "
        "reversed_at; ALTER TABLE subscription_phases DROP COLUMN price_id; "
        "ALTER TABLE accounts DROP COLUMN version; ALTER TABLE tenants DROP COLUMN "
        "scheduled_through; ALTER TABLE tenants DROP COLUMN paper_fee; ALTER TABLE tenants "
        "DROP COLUMN link_secret; DROP TABLE jobs; DROP TABLE events; DROP TABLE "
        "webhook_endpoints; DROP TABLE outbox; DROP TABLE paper_statements; DROP TABLE "
        "payment_methods; DROP TABLE payment_policies; DROP TABLE invoice_terms_approvals; "
        "DROP TABLE sandbox_tokens; DROP TABLE sandbox_transactions; "
        "DROP INDEX payments_request; DROP INDEX payments_open; DROP INDEX payments_group; "
        "DROP INDEX payments_processing; DROP TABLE autopay_enrollments; "
        "DROP TABLE scheduled_payments; DROP TABLE refunds; DROP INDEX invoices_open_due; "
        "DROP TABLE cheque_refunds; DROP TABLE payment_digests; DROP TABLE bank_file_entries; "
        "DROP TABLE portal_users; DROP TABLE portal_sessions; DROP INDEX tenants_portal_slug; "
        "DROP TABLE portal_codes; DROP TABLE portal_invitations; "
        "DROP TABLE portal_oidc_providers; DROP TABLE portal_identities; "
        "ALTER TABLE tenants DROP COLUMN portal_slug; "
        "ALTER TABLE tenants DROP COLUMN digest_through; "
        "ALTER TABLE tenants DROP COLUMN billing_inbox; "
        "ALTER TABLE tenants DROP COLUMN billing_inbox_language; "
        "ALTER TABLE tenants DROP COLUMN brand_color; "
        "DELETE FROM counters WHERE name IN ('cheque_number', 'ach_trace'); "

        "ALTER TABLE payments DROP COLUMN receipt_to; DROP INDEX audit_guest_lookups; "
        "DROP INDEX audit_sign_in_failures; DROP INDEX audit_sign_in_failures_client; "
        "ALTER TABLE payments DROP COLUMN fee; "
        "ALTER TABLE payments DROP COLUMN method_id; "
        "ALTER TABLE payments DROP COLUMN method_brand; "
        "ALTER TABLE payments DROP COLUMN method_last4; "
        "ALTER TABLE payments DROP COLUMN token; "
        "ALTER TABLE payments DROP COLUMN processor_ref; "
        "ALTER TABLE payments DROP COLUMN failure_code; "
        "ALTER TABLE payments DROP COLUMN request_key; "
        "ALTER TABLE payments DROP COLUMN group_id; "
        "ALTER TABLE payments DROP COLUMN targets; "
        "ALTER TABLE payments DROP COLUMN channel; "
        "ALTER TABLE payments DROP COLUMN settled_at; "
        "ALTER TABLE payments DROP COLUMN returned_at; "
        "ALTER TABLE payments DROP COLUMN return_code; "
        "ALTER TABLE payments DROP COLUMN refunded; "
        "DELETE FROM schema_migrations WHERE version >= 7");
    tx.commit();
  }
  ASSERT_EQ(store::schema_version(*db), 6);
  auto counts = [&] {
    std::vector<int64_t> n;
    for (const char* t : {"accounts", "subscriptions", "invoices", "invoice_lines",
                          "ledger_entries", "payments", "audit_log"})
      n.push_back(store::one_int(*db, std::string("SELECT COUNT(*) FROM ") + t));
    return n;
  };
  auto before = counts();

  store::migrate(*db);
  EXPECT_EQ(store::schema_version(*db), latest);
  EXPECT_EQ(counts(), before);
  EXPECT_EQ(store::one_int(*db, "SELECT credit_applied FROM invoices WHERE id = ?", voided), 0);
  EXPECT_GT(written_off, 0);
  EXPECT_EQ(store::one_int(*db, "SELECT SUM(written_off) FROM invoices"), written_off);
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
