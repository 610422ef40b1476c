// DakotaPro (seed [DP]): billed in advance, invoiced on the 1st for that month, due at the end
// of the month. Mid-cycle starts are trued up on the next invoice; cancelling prepaid service
// leaves a credit (B2) that the next invoices use. A year of the tenant clock, every invoice
// checked by value; expected amounts come from the prices and day counts below.
#include "app/fixture.h"

namespace remit::test {
namespace {

constexpr Minor kSeat = 5000;      // Managed workstation, per seat per month
constexpr Minor kInternet = 8995;  // Business internet, per month
constexpr Minor kEmail = 2500;     // Hosted email, per month
constexpr Minor kDomain = 2500;    // Domain registration, per year
const std::string kSeats = "Managed workstation (per seat)";
const std::string kNet = "Business internet 100 Mbps";
const std::string kMail = "Hosted email";
const std::string kDom = "Domain registration";

class DakotaProScenario : public AppTest {};

ExpInvoice dp_header(int64_t account, Date issue) {
  return exp_header(account, "main", add_months(issue, -1), issue, end_of_month(issue),
                    "Due end of month");
}

TEST_F(DakotaProScenario, AYearInAdvanceDueEndOfMonth) {
  make_tenant("dakotapro", D("2024-12-15"));
  int64_t seats = price(kSeats, "recurring", "advance", "month", kSeat, "main");
  int64_t internet = price(kNet, "recurring", "advance", "month", kInternet, "main");
  int64_t email = price(kMail, "recurring", "advance", "month", kEmail, "main");
  int64_t domain = price(kDom, "recurring", "advance", "year", kDomain, "main");
  auto A = account("Sioux Falls Dental");
  auto B = account("Prairie Realty");
  int64_t a_seats = subscribe(A.id, seats, 500, "2025-01-01");
  int64_t a_net = subscribe(A.id, internet, 100, "2025-01-01");
  subscribe(A.id, domain, 100, "2025-01-01");
  int64_t b_seats = 0;

  // --- What every invoice must be ---
  std::vector<ExpInvoice> expA;  // 2025-01-01 .. 2026-01-01
  for (int k = 0; k <= 12; ++k) {
    Date m = add_months(D("2025-01-01"), k);
    ExpInvoice e = dp_header(A.id, m);
    if (m == D("2025-05-01")) {
      // 5 -> 7 seats from April 17, already billed 5 for April: the difference now.
      Minor april = recurring_line(kSeats, kSeat, 500, "2025-04-01", "2025-04-17", "2025-04-01", "2025-05-01").amount +
                    recurring_line(kSeats, kSeat, 700, "2025-04-17", "2025-05-01", "2025-04-01", "2025-05-01").amount;
      e.lines.push_back(adjustment_line(kSeats, "2025-04-01", "2025-05-01", april - 5 * kSeat));
    }
    e.lines.push_back(month_line(kSeats, kSeat, m < D("2025-05-01") ? 500 : 700, m));
    if (m < D("2025-09-01")) {
      e.lines.push_back(month_line(kNet, kInternet, 100, m));
    } else if (m == D("2025-09-01")) {
      // Internet cancelled from August 11: 10 of 31 days were used, the rest is credited.
      Minor used = recurring_line(kNet, kInternet, 100, "2025-08-01", "2025-08-11", "2025-08-01", "2025-09-01").amount;
      e.lines.push_back(adjustment_line(kNet, "2025-08-01", "2025-09-01", used - kInternet));
    }
    if (k == 0) e.lines.push_back({"recurring", kDom, "2025-01-01", "2026-01-01", 100, kDomain});
    if (k == 12) e.lines.push_back({"recurring", kDom, "2026-01-01", "2027-01-01", 100, kDomain});
    expA.push_back(e);
  }
  EXPECT_EQ(expA[4].lines[0].amount, 13333 + 16333 - 25000);  // 2500000*16/3000, 3500000*14/3000
  EXPECT_EQ(expA[8].lines[1].amount, 2902 - 8995);             // 899500*10/3100 = 2901.6

  std::vector<ExpInvoice> expB;  // 2025-03-01 .. 2026-01-01
  for (int k = 0; k <= 10; ++k) {
    Date m = add_months(D("2025-03-01"), k);
    ExpInvoice e = dp_header(B.id, m);
    if (k == 0)  // started February 12: 17 of 28 days, trued up now, with all of March
      e.lines.push_back(recurring_line(kSeats, kSeat, 300, "2025-02-12", "2025-03-01", "2025-02-01", "2025-03-01"));
    if (m == D("2025-08-01")) {
      // Seats cancelled from July 9 after July was prepaid: 8 of 31 days used.
      Minor used = recurring_line(kSeats, kSeat, 300, "2025-07-01", "2025-07-09", "2025-07-01", "2025-08-01").amount;
      e.lines.push_back(adjustment_line(kSeats, "2025-07-01", "2025-08-01", used - 3 * kSeat));
    }
    if (m < D("2025-08-01")) e.lines.push_back(month_line(kSeats, kSeat, 300, m));
    if (k == 0)
      e.lines.push_back(recurring_line(kMail, kEmail, 100, "2025-02-12", "2025-03-01", "2025-02-01", "2025-03-01"));
    e.lines.push_back(month_line(kMail, kEmail, 100, m));
    expB.push_back(e);
  }
  EXPECT_EQ(expB[0].lines[0].amount, 9107);  // 1500000*17/2800 = 9107.14
  EXPECT_EQ(expB[5].lines[0].amount, 3871 - 15000);
  // August is negative: it is settled at once ("paid") and becomes account credit, which
  // the following invoices use until it runs out.
  ASSERT_LT(expB[5].subtotal(), 0);
  expB[5].status = "paid";
  Minor credit = -expB[5].subtotal();
  const Minor august_credit = credit;
  std::vector<Minor> credit_after;  // account credit after each invoice from August on
  credit_after.push_back(credit);
  for (int k = 6; k <= 10; ++k) {
    expB[k].credit_applied = std::min(credit, expB[k].subtotal());
    credit -= expB[k].credit_applied;
    credit_after.push_back(credit);
    if (expB[k].amount_due() == 0) expB[k].status = "paid";
  }
  EXPECT_EQ(credit, 0);
  EXPECT_EQ(expB[9].status, "open");  // December: the last of the credit, the rest due

  auto paid = [](ExpInvoice& e) {
    e.amount_paid = e.amount_due();
    e.status = "paid";
  };
  // --- The year ---
  std::vector<Event> events = {
      {"2025-02-12",
       [&] {
         b_seats = subscribe(B.id, seats, 300, "2025-02-12");
         subscribe(B.id, email, 100, "2025-02-12");
       }},
      {"2025-04-17", [&] { change_qty(a_seats, 700, "2025-04-17"); }},
      {"2025-07-09", [&] { cancel(b_seats, "2025-07-09"); }},
      {"2025-08-01",
       [&] {
         EXPECT_EQ(get_account(B.id).credit_balance, august_credit);
         EXPECT_EQ(balance(B.id).credit_balance, august_credit);
       }},
      {"2025-08-11", [&] { cancel(a_net, "2025-08-11"); }},
      {"2025-10-02", [&] { EXPECT_EQ(get_account(B.id).credit_balance, credit_after[2]); }},
  };
  // A pays each month's invoice by cheque on the 20th, naming it (January .. November).
  for (int k = 0; k <= 10; ++k) {
    Date m = add_months(D("2025-01-01"), k);
    events.push_back({S(m + date::days{19}), [&, k, m] {
                        auto inv = invoice_issued(A.id, S(m));
                        EXPECT_EQ(inv.status, "open");
                        auto p = pay(A.id, expA[k].amount_due(), inv.id);
                        EXPECT_EQ(p.unapplied, 0);
                        paid(expA[k]);
                        EXPECT_EQ(invoice_issued(A.id, S(m)).status, "paid");
                      }});
  }
  // B pays what it owes on the 10th, March .. July, oldest invoice first.
  for (int k = 0; k <= 4; ++k) {
    Date m = add_months(D("2025-03-01"), k);
    events.push_back({S(m + date::days{9}), [&, k] {
                        EXPECT_EQ(balance(B.id).balance_due, expB[k].amount_due());
                        auto p = pay(B.id, expB[k].amount_due());
                        ASSERT_EQ(p.applications.size(), 1u);
                        EXPECT_EQ(p.applications[0].amount, expB[k].amount_due());
                        paid(expB[k]);
                        EXPECT_EQ(balance(B.id).balance_due, 0);
                      }});
  }
  events.push_back({"2026-01-01", [] {}});
  play(events);
  ASSERT_FALSE(HasFatalFailure());

  expect_invoices(invoices_of(A.id), expA);
  expect_invoices(invoices_of(B.id), expB);

  auto ba = balance(A.id);
  EXPECT_EQ(ba.balance_due, expA[11].amount_due() + expA[12].amount_due());
  EXPECT_EQ(ba.past_due, expA[11].amount_due());  // December's was due on the 31st
  EXPECT_EQ(ba.open_invoices, 2);
  EXPECT_EQ(ba.credit_balance, 0);
  auto bb = balance(B.id);
  EXPECT_EQ(bb.balance_due, expB[9].amount_due() + expB[10].amount_due());
  EXPECT_EQ(bb.credit_balance, 0);
  EXPECT_EQ(get_account(B.id).credit_balance, 0);

  expect_gapless_numbers();
  expect_verifies();
  size_t n = all_invoices().size();
  EXPECT_EQ(n, expA.size() + expB.size());
  EXPECT_TRUE(app::run_due_bill_runs(db(), clock_, tenant_).empty());
  EXPECT_EQ(all_invoices().size(), n);
  expect_invalid("cycle_end", [&] { app::run_bill_run(db(), clock_, tenant_, "main", D("2026-02-01")); });
}

}  // namespace
}  // namespace remit::test
