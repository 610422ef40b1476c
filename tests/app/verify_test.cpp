// `remit verify` finds what the database no longer enforces: lines without their invoice and
// invoices without their account (PostgreSQL drops those foreign keys for bill-run speed).
#include "app/fixture.h"

namespace remit::test {
namespace {

using VerifyTest = AppTest;

TEST_F(VerifyTest, ReportsOrphanedLinesAndInvoices) {
  int64_t t = make_tenant("procirrus", D("2025-01-10"));
  EXPECT_TRUE(app::verify(db()).ok());
  bool sqlite = db().backend() == "sqlite";  // SQLite still enforces these keys: lift them
  if (sqlite) db().exec_script("PRAGMA foreign_keys=OFF");
  {
    store::Tx tx(db(), true);
    store::exec(db(),
                "INSERT INTO invoice_lines (tenant_id, invoice_id, account_id, kind, description, "
                "period_start, period_end, quantity, unit_amount, amount) "
                "VALUES (?, 999999, 1, 'charge', 'orphan', '2025-01-01', '2025-01-02', 100, 0, 0)",
                t);
    store::exec(db(),
                "INSERT INTO invoices (tenant_id, account_id, stream, status, issue_date, due_date, "
                "terms, subtotal, amount_due, created_at) VALUES (?, 888888, 'main', 'draft', "
                "'2025-01-10', '2025-01-25', 'Net 15', 0, 0, 'x')",
                t);
    tx.commit();
  }
  if (sqlite) db().exec_script("PRAGMA foreign_keys=ON");
  auto r = app::verify(db());
  ASSERT_FALSE(r.ok());
  std::string all;
  for (auto& p : r.problems) all += p + "\n";
  EXPECT_NE(all.find("1 invoice lines without their invoice"), std::string::npos) << all;
  EXPECT_NE(all.find("1 invoices without their account"), std::string::npos) << all;
}

}  // namespace
}  // namespace remit::test
