// West Central Technology (seed [WC]): recurring services and licences are invoiced monthly on
// their own invoice ("recurring" stream), products, services and billable work every two weeks
// on another ("services" stream); Net 30 on both. The tenant is in America/Chicago. Also the
// parent/child roll-up (A3): a child billed to its parent puts its lines, prefixed with its
// account number, on the parent's invoices. A year of the tenant clock, every invoice checked.
#include "app/fixture.h"

namespace remit::test {
namespace {

constexpr Minor kManaged = 95000;  // Managed services, per month, in arrears
constexpr Minor kLicence = 2200;   // Microsoft 365, per user per month, in advance
constexpr Minor kBlock = 35000;    // On-site support block, every two weeks, in advance
constexpr Minor kFirewall = 64900;
const std::string kMgd = "Managed services";
const std::string kLic = "Microsoft 365 Business Premium (per user)";
const std::string kBlk = "On-site support block";
const Date kAnchor = D("2025-01-03");  // first bi-weekly billing date (a Friday)

class WestCentralScenario : public AppTest {};

struct Work {
  int64_t account;
  std::string date, who;
  int64_t hours;
  Minor rate;
  std::string ticket, description;
  std::string prefix;  // "[number] " when billed to the parent
  ExpLine line() const {
    return {"work",
            prefix + "Work: " + description + " (" + who + (ticket.empty() ? "" : ", ticket " + ticket) + ")",
            date, S(D(date) + date::days{1}), hours, prorate(rate, hours, 100)};
  }
};

// The first bi-weekly billing date after day d.
Date next_services_run(Date d) {
  Date b = kAnchor;
  while (b <= d) b += date::days{14};
  return b;
}

ExpInvoice recurring_header(int64_t account, Date issue) {
  return exp_header(account, "recurring", add_months(issue, -1), issue, issue + date::days{30}, "Net 30");
}
ExpInvoice services_header(int64_t account, Date issue) {
  return exp_header(account, "services", issue - date::days{14}, issue, issue + date::days{30}, "Net 30");
}

std::vector<app::Invoice> of_stream(const std::vector<app::Invoice>& all, const std::string& stream) {
  std::vector<app::Invoice> out;
  for (auto& i : all)
    if (i.stream == stream) out.push_back(i);
  return out;
}

TEST_F(WestCentralScenario, AYearOnTwoStreams) {
  make_tenant("westcentral", D("2024-12-20"), "America/Chicago", kAnchor);
  int64_t managed = price(kMgd, "recurring", "arrears", "month", kManaged, "recurring");
  int64_t licence = price(kLic, "recurring", "advance", "month", kLicence, "recurring");
  int64_t block = price(kBlk, "recurring", "advance", "two_weeks", kBlock, "services");
  auto A = account("Prairie Clinic");
  auto B = account("Lakeside Realty");
  auto C = account("Harbor Group");
  auto Dc = account("Harbor Group - Marina branch", C.id, /*bill_to_parent=*/true);
  auto E = account("Harbor Group - Willmar office", C.id, /*bill_to_parent=*/false);
  EXPECT_EQ(Dc.billing_account_id, C.id);
  EXPECT_EQ(E.billing_account_id, E.id);
  subscribe(A.id, managed, 100, "2025-01-01");
  int64_t a_lic = subscribe(A.id, licence, 1200, "2025-01-01");
  subscribe(A.id, block, 100, "2025-01-03");
  subscribe(C.id, managed, 100, "2025-01-01");
  subscribe(Dc.id, licence, 500, "2025-01-01");
  subscribe(E.id, licence, 200, "2025-01-01");
  int64_t b_lic = 0;
  const std::string d_prefix = "[" + Dc.number + "] ";

  const std::vector<Work> works = {
      {A.id, "2025-01-08", "Dana Olsen", 150, 12500, "T-4101", "Firewall rule changes", ""},
      {A.id, "2025-01-16", "Sam Keller", 75, 12500, "T-4107", "Printer driver rollout", ""},
      {A.id, "2025-01-17", "Lee Park", 200, 15000, "", "After-hours server reboot", ""},
      {Dc.id, "2025-02-04", "Dana Olsen", 100, 12500, "T-4300", "Branch VPN setup", d_prefix},
      {B.id, "2025-04-09", "Sam Keller", 100, 12500, "T-4630", "Firewall installation", ""},
      {A.id, "2025-06-02", "Dana Olsen", 325, 12500, "T-5120", "Wi-Fi site survey", ""},
      {B.id, "2025-11-05", "Lee Park", 50, 12500, "T-5501", "Password reset", ""},
  };
  auto work_lines = [&](int64_t account, Date from, Date to) {
    std::vector<ExpLine> out;
    for (auto& w : works)
      if (w.account == account && D(w.date) >= from && D(w.date) < to) out.push_back(w.line());
    return out;
  };

  // --- Recurring stream: the 1st of every month, 2025-01-01 .. 2026-01-01 ---
  std::vector<ExpInvoice> a_rec, c_rec, e_rec, b_rec;
  for (int k = 0; k <= 12; ++k) {
    Date m = add_months(D("2025-01-01"), k), prev = add_months(m, -1);
    ExpInvoice a = recurring_header(A.id, m);
    if (k > 0) a.lines.push_back(month_line(kMgd, kManaged, 100, prev));  // arrears
    if (m == D("2025-06-01")) {  // 12 -> 15 users from May 20, May prepaid at 12
      Minor may = recurring_line(kLic, kLicence, 1200, "2025-05-01", "2025-05-20", "2025-05-01", "2025-06-01").amount +
                  recurring_line(kLic, kLicence, 1500, "2025-05-20", "2025-06-01", "2025-05-01", "2025-06-01").amount;
      a.lines.push_back(adjustment_line(kLic, "2025-05-01", "2025-06-01", may - 12 * kLicence));
    }
    a.lines.push_back(month_line(kLic, kLicence, m < D("2025-06-01") ? 1200 : 1500, m));
    a_rec.push_back(a);

    ExpInvoice c = recurring_header(C.id, m);  // the parent, with its child's licences
    if (k > 0) c.lines.push_back(month_line(kMgd, kManaged, 100, prev));
    ExpLine child = month_line(kLic, kLicence, 500, m);
    child.description = d_prefix + child.description;
    c.lines.push_back(child);
    c_rec.push_back(c);

    ExpInvoice e = recurring_header(E.id, m);  // a child that pays its own bills
    e.lines.push_back(month_line(kLic, kLicence, 200, m));
    e_rec.push_back(e);

    if (m >= D("2025-04-01") && m <= D("2025-11-01")) {
      ExpInvoice b = recurring_header(B.id, m);
      if (m == D("2025-04-01"))  // started March 10: 22 of 31 days
        b.lines.push_back(recurring_line(kLic, kLicence, 400, "2025-03-10", "2025-04-01", "2025-03-01", "2025-04-01"));
      if (m < D("2025-11-01")) {
        b.lines.push_back(month_line(kLic, kLicence, 400, m));
      } else {  // cancelled from October 15 after October was prepaid: 14 of 31 days used
        Minor used = recurring_line(kLic, kLicence, 400, "2025-10-01", "2025-10-15", "2025-10-01", "2025-11-01").amount;
        b.lines.push_back(adjustment_line(kLic, "2025-10-01", "2025-11-01", used - 4 * kLicence));
        b.status = "paid";  // negative: nothing due, the credit goes to the account
      }
      b_rec.push_back(b);
    }
  }
  EXPECT_EQ(a_rec[5].lines[1].amount, 16181 + 12774 - 26400);  // 2640000*19/3100, 3300000*12/3100
  EXPECT_EQ(b_rec[0].lines[0].amount, 6245);                   // 880000*22/3100 = 6245.16
  EXPECT_EQ(b_rec[7].subtotal(), 3974 - 8800);                 // 880000*14/3100 = 3974.19
  const Minor b_credit = -b_rec[7].subtotal();

  // --- Services stream: every 14 days from January 3 ---
  std::vector<ExpInvoice> a_svc, b_svc, c_svc;
  std::vector<Date> runs;
  for (Date b = kAnchor; b <= D("2026-01-01"); b += date::days{14}) runs.push_back(b);
  EXPECT_EQ(runs.size(), 26u);
  for (Date b : runs) {
    ExpInvoice a = services_header(A.id, b);
    a.lines.push_back({"recurring", kBlk, S(b), S(b + date::days{14}), 100, kBlock});
    for (auto& l : work_lines(A.id, b - date::days{14}, b)) a.lines.push_back(l);
    a_svc.push_back(a);
  }
  {
    Date b = next_services_run(D("2025-04-09"));
    EXPECT_EQ(b, next_services_run(D("2025-04-08")));  // the firewall goes on the same invoice
    ExpInvoice e = services_header(B.id, b);
    e.lines = work_lines(B.id, D("2025-04-01"), b);
    e.lines.push_back({"charge", "Fortinet FortiGate 40F firewall", "2025-04-08", "2025-04-09", 100, kFirewall});
    b_svc.push_back(e);
    b = next_services_run(D("2025-11-05"));
    e = services_header(B.id, b);
    e.lines = work_lines(B.id, D("2025-11-01"), b);
    e.credit_applied = std::min(b_credit, e.subtotal());  // November's credit, used here
    b_svc.push_back(e);
    b = next_services_run(D("2025-02-04"));
    e = services_header(C.id, b);
    e.lines = work_lines(Dc.id, D("2025-02-01"), b);
    c_svc.push_back(e);
  }

  // --- The year ---
  std::vector<Event> events;
  for (auto& w : works)
    events.push_back({w.date, [&, w] {
                        auto e = work(w.account, w.who, w.hours, w.rate, w.ticket, w.description);
                        EXPECT_EQ(e.stream, "services");
                        EXPECT_EQ(e.date, w.date);
                      }});
  events.push_back({"2025-03-10", [&] { b_lic = subscribe(B.id, licence, 400, "2025-03-10"); }});
  events.push_back({"2025-04-08", [&] {
                      auto c = charge(B.id, "Fortinet FortiGate 40F firewall", 100, kFirewall);
                      EXPECT_EQ(c.stream, "services");
                    }});
  events.push_back({"2025-05-20", [&] { change_qty(a_lic, 1500, "2025-05-20"); }});
  events.push_back({"2025-10-15", [&] { cancel(b_lic, "2025-10-15"); }});
  events.push_back({"2025-11-01", [&] { EXPECT_EQ(get_account(B.id).credit_balance, b_credit); }});
  events.push_back({"2026-01-01", [] {}});
  play(events);
  ASSERT_FALSE(HasFatalFailure());

  auto a_all = invoices_of(A.id);
  expect_invoices(of_stream(a_all, "recurring"), a_rec);
  expect_invoices(of_stream(a_all, "services"), a_svc);
  auto b_all = invoices_of(B.id);
  expect_invoices(of_stream(b_all, "recurring"), b_rec);
  expect_invoices(of_stream(b_all, "services"), b_svc);
  auto c_all = invoices_of(C.id);
  expect_invoices(of_stream(c_all, "recurring"), c_rec);
  expect_invoices(of_stream(c_all, "services"), c_svc);
  expect_invoices(invoices_of(E.id), e_rec);
  EXPECT_TRUE(invoices_of(Dc.id).empty());  // everything of D is on C's invoices
  auto all = all_invoices();
  EXPECT_EQ(all.size(), a_all.size() + b_all.size() + c_all.size() + e_rec.size());
  EXPECT_EQ(all.size(), 13u + 26 + 8 + 2 + 13 + 1 + 13);

  // The two streams never mix: subscriptions of a stream, and work and charges only on
  // the services invoices.
  for (auto& inv : all)
    for (auto& l : inv.lines) {
      SCOPED_TRACE(inv.stream + " invoice " + inv.number_text() + ": " + l.description);
      bool services_line = l.kind == "work" || l.kind == "charge" || l.description.find(kBlk) != std::string::npos;
      EXPECT_EQ(services_line, inv.stream == "services");
      EXPECT_EQ(l.account_id == Dc.id, l.description.starts_with(d_prefix));
    }
  // Bi-weekly invoices are 14 days apart; work lines carry who, hours, rate and ticket.
  auto svc = of_stream(a_all, "services");
  for (size_t k = 1; k < svc.size(); ++k)
    EXPECT_EQ(days(svc[k - 1].issue_date, svc[k].issue_date), 14) << svc[k].issue_date;
  for (auto& inv : all)
    for (auto& l : inv.lines)
      if (l.kind == "work") {
        EXPECT_EQ(l.unit_amount, l.description.find("Lee Park") != std::string::npos &&
                                         l.description.find("reboot") != std::string::npos
                                     ? 15000
                                     : 12500);
        EXPECT_NE(l.description.find(" ("), std::string::npos);
      }
  tx([&](app::Ctx& c) {
    auto page = app::list_work_entries(c, std::nullopt, {0, 200});
    ASSERT_EQ(page.items.size(), works.size());
    for (auto& w : page.items) EXPECT_TRUE(w.invoice_id.has_value()) << w.description;
  });

  // Balances: nothing was paid; B's credit went to its services invoice.
  Minor a_open = 0;
  for (auto& e : a_rec) a_open += e.amount_due();
  for (auto& e : a_svc) a_open += e.amount_due();
  EXPECT_EQ(balance(A.id).balance_due, a_open);
  auto bb = balance(B.id);
  EXPECT_EQ(bb.credit_balance, 0);
  EXPECT_EQ(bb.balance_due, b_rec[0].amount_due() + 6 * 4 * kLicence + b_svc[0].amount_due() + b_svc[1].amount_due());
  EXPECT_EQ(b_svc[1].amount_due(), 50 * 12500 / 100 - b_credit);
  EXPECT_EQ(balance(Dc.id).balance_due, 0);

  expect_gapless_numbers();
  expect_verifies();
  size_t n = all.size();
  EXPECT_TRUE(app::run_due_bill_runs(db(), clock_, tenant_).empty());
  EXPECT_EQ(all_invoices().size(), n);
  expect_invalid("cycle_end", [&] { app::run_bill_run(db(), clock_, tenant_, "services", D("2026-01-02")); });
  expect_invalid("cycle_end", [&] { app::run_bill_run(db(), clock_, tenant_, "services", D("2025-12-20")); });
  EXPECT_TRUE(app::run_bill_run(db(), clock_, tenant_, "services", D("2025-12-19")).was_done);
}

}  // namespace
}  // namespace remit::test
