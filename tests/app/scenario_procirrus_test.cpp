// ProCirrus (seed [PC]): monthly in arrears, invoiced on the 1st, Net 15; hardware is a
// one-time charge billed on the next invoice. A year of the tenant clock, every invoice
// checked by value. Expected amounts come from the prices and day counts below.
#include "app/fixture.h"

namespace remit::test {
namespace {

constexpr Minor kUser = 7500;      // Managed IT, per user per month
constexpr Minor kMonitor = 25000;  // Server monitoring, per month
constexpr Minor kGB = 15;          // Cloud backup, per GB
constexpr Minor kLaptop = 119900;
constexpr Minor kAccessPoint = 17900;
const std::string kUsers = "Managed IT (per user)";
const std::string kMon = "Server monitoring";
const std::string kBackup = "Cloud backup (per GB)";

class ProCirrusScenario : public AppTest {};

ExpInvoice pc_header(int64_t account, Date month) {
  Date issue = add_months(month, 1);
  return exp_header(account, "main", month, issue, issue + date::days{15}, "Net 15");
}

TEST_F(ProCirrusScenario, AYearMonthlyInArrears) {
  make_tenant("procirrus", D("2024-12-15"));
  int64_t users = price(kUsers, "recurring", "arrears", "month", kUser, "main");
  int64_t monitor = price(kMon, "recurring", "arrears", "month", kMonitor, "main");
  int64_t backup = price(kBackup, "metered", "", "", kGB, "main");
  auto A = account("Acme Dental");
  auto B = account("Birch Law");
  int64_t a_users = subscribe(A.id, users, 1000, "2025-01-01");  // 10 users
  int64_t a_monitor = subscribe(A.id, monitor, 100, "2025-01-01");
  int64_t a_backup = subscribe(A.id, backup, 100, "2025-01-01");
  int64_t b_users = 0;

  // --- What every invoice must be, from the prices and the calendar ---
  std::vector<ExpInvoice> expA;
  for (int k = 0; k < 12; ++k) {  // invoices on 2025-02-01 .. 2026-01-01 for Jan .. Dec
    Date m = add_months(D("2025-01-01"), k);
    ExpInvoice e = pc_header(A.id, m);
    if (m < D("2025-03-01")) {
      e.lines.push_back(month_line(kUsers, kUser, 1000, m));
    } else if (m == D("2025-03-01")) {  // 10 -> 12 users from March 15: one line per segment
      e.lines.push_back(recurring_line(kUsers, kUser, 1000, "2025-03-01", "2025-03-15", "2025-03-01", "2025-04-01"));
      e.lines.push_back(recurring_line(kUsers, kUser, 1200, "2025-03-15", "2025-04-01", "2025-03-01", "2025-04-01"));
    } else {
      e.lines.push_back(month_line(kUsers, kUser, 1200, m));
    }
    if (m < D("2025-06-01"))
      e.lines.push_back(month_line(kMon, kMonitor, 100, m));
    else if (m == D("2025-06-01"))  // cancelled from June 20: 19 of 30 days, nothing after
      e.lines.push_back(recurring_line(kMon, kMonitor, 100, "2025-06-01", "2025-06-20", "2025-06-01", "2025-07-01"));
    if (m == D("2025-03-01"))  // 250.50 GB recorded on March 20
      e.lines.push_back({"usage", kBackup + " (usage)", "2025-03-01", "2025-04-01", 25050, prorate(kGB, 25050, 100)});
    if (m == D("2025-04-01"))  // 100 GB recorded on April 1, after that day's run
      e.lines.push_back({"usage", kBackup + " (usage)", "2025-04-01", "2025-05-01", 10000, 100 * kGB});
    if (m == D("2025-02-01"))  // hardware bought February 10, on the next invoice
      e.lines.push_back({"charge", "Dell Latitude 5540 laptop", "2025-02-10", "2025-02-11", 200, 2 * kLaptop});
    expA.push_back(e);
  }
  std::vector<ExpInvoice> expB;
  for (int k = 0; k < 9; ++k) {  // 2025-02-01 .. 2025-10-01
    Date m = add_months(D("2025-01-01"), k);
    ExpInvoice e = pc_header(B.id, m);
    if (k == 0)  // started January 20: 12 of 31 days
      e.lines.push_back(recurring_line(kUsers, kUser, 400, "2025-01-20", "2025-02-01", "2025-01-01", "2025-02-01"));
    else if (m == D("2025-09-01"))  // cancelled from September 10: 9 of 30 days
      e.lines.push_back(recurring_line(kUsers, kUser, 400, "2025-09-01", "2025-09-10", "2025-09-01", "2025-10-01"));
    else
      e.lines.push_back(month_line(kUsers, kUser, 400, m));
    if (m == D("2025-05-01"))
      e.lines.push_back({"charge", "Ubiquiti U6 access point", "2025-05-05", "2025-05-06", 100, kAccessPoint});
    expB.push_back(e);
  }
  // Sanity anchors for the proration arithmetic above (750000 * 14 / 3100 etc.).
  EXPECT_EQ(expA[2].lines[0].amount, 33871);  // 10 users, 14 of 31 days: 33870.97
  EXPECT_EQ(expA[2].lines[1].amount, 49355);  // 12 users, 17 of 31 days: 49354.84
  EXPECT_EQ(expB[0].lines[0].amount, 11613);  // 4 users, 12 of 31 days: 11612.90

  auto paid = [](ExpInvoice& e) {
    e.amount_paid = e.amount_due();
    e.status = "paid";
  };
  // --- The year ---
  play({
      {"2025-01-20", [&] { b_users = subscribe(B.id, users, 400, "2025-01-20"); }},
      {"2025-02-10",
       [&] {
         charge(A.id, "Dell Latitude 5540 laptop", 200, kLaptop);
         // A pays the February invoice by cheque, against that invoice.
         auto inv = invoice_issued(A.id, "2025-02-01");
         auto p = pay(A.id, expA[0].amount_due(), inv.id);
         ASSERT_EQ(p.applications.size(), 1u);
         EXPECT_EQ(p.applications[0].invoice_id, inv.id);
         EXPECT_EQ(p.unapplied, 0);
         paid(expA[0]);
       }},
      {"2025-03-15", [&] { change_qty(a_users, 1200, "2025-03-15"); }},
      {"2025-03-20",
       [&] { tx([&](app::Ctx& c) { app::record_usage(c, {a_backup, 25050, std::nullopt}); }); }},
      {"2025-04-01",
       [&] { tx([&](app::Ctx& c) { app::record_usage(c, {a_backup, 10000, std::nullopt}); }); }},
      {"2025-05-05", [&] { charge(B.id, "Ubiquiti U6 access point", 100, kAccessPoint); }},
      {"2025-06-20", [&] { cancel(a_monitor, "2025-06-20"); }},
      {"2025-07-15",
       [&] {
         // B pays everything open (Feb..Jul) and 200.00 more, without naming an invoice:
         // oldest first, the rest becomes account credit for the August invoice.
         Minor open = 0;
         for (int k = 0; k < 6; ++k) open += expB[k].amount_due();
         EXPECT_EQ(balance(B.id).balance_due, open);
         auto p = pay(B.id, open + 20000);
         EXPECT_EQ(p.applications.size(), 6u);
         EXPECT_EQ(p.unapplied, 20000);
         for (int k = 0; k < 6; ++k) paid(expB[k]);
         EXPECT_EQ(get_account(B.id).credit_balance, 20000);
         expB[6].credit_applied = 20000;  // August's invoice uses it
       }},
      {"2025-08-01", [&] { EXPECT_EQ(get_account(B.id).credit_balance, 0); }},
      {"2025-09-10", [&] { cancel(b_users, "2025-09-10"); }},
      {"2025-11-20",
       [&] {
         // A pays all but 50.00 of what is open: oldest first, so November's stays open.
         Minor open = 0;
         for (int k = 1; k <= 9; ++k) open += expA[k].amount_due();
         auto p = pay(A.id, open - 5000, std::nullopt, "bank_transfer");
         EXPECT_EQ(p.applications.size(), 9u);
         for (int k = 1; k <= 8; ++k) paid(expA[k]);
         expA[9].amount_paid = expA[9].subtotal() - 5000;
       }},
      {"2026-01-01", [] {}},
  });
  ASSERT_FALSE(HasFatalFailure());

  expect_invoices(invoices_of(A.id), expA);
  expect_invoices(invoices_of(B.id), expB);

  // Balances on 2026-01-01.
  auto ba = balance(A.id);
  EXPECT_EQ(ba.balance_due, 5000 + expA[10].amount_due() + expA[11].amount_due());
  EXPECT_EQ(ba.open_invoices, 3);
  EXPECT_EQ(ba.past_due, 5000 + expA[10].amount_due());  // due Nov 16 and Dec 16
  EXPECT_EQ(ba.credit_balance, 0);
  auto bb = balance(B.id);
  EXPECT_EQ(bb.balance_due, expB[6].amount_due() + expB[7].amount_due() + expB[8].amount_due());
  EXPECT_EQ(expB[6].amount_due(), 30000 - 20000);
  EXPECT_EQ(bb.credit_balance, 0);

  expect_gapless_numbers();
  expect_verifies();

  // Running the due bill runs again invoices nothing new.
  size_t n = all_invoices().size();
  EXPECT_EQ(n, expA.size() + expB.size());
  EXPECT_TRUE(app::run_due_bill_runs(db(), clock_, tenant_).empty());
  auto again = app::run_bill_run(db(), clock_, tenant_, "main", D("2025-06-01"));
  EXPECT_TRUE(again.was_done);
  EXPECT_EQ(again.invoices, 0);
  EXPECT_EQ(all_invoices().size(), n);
  // A future cycle, or a date that is not a billing date, is refused.
  expect_invalid("cycle_end", [&] { app::run_bill_run(db(), clock_, tenant_, "main", D("2026-02-01")); });
  expect_invalid("cycle_end", [&] { app::run_bill_run(db(), clock_, tenant_, "main", D("2025-12-15")); });
  expect_invalid("stream", [&] { app::run_bill_run(db(), clock_, tenant_, "services", D("2025-12-01")); });
  EXPECT_EQ(all_invoices().size(), n);
  expect_verifies();
}

}  // namespace
}  // namespace remit::test
