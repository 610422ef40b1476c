#pragma once
// Shared fixture for use-case and scenario tests: a real SQLite file in a fresh temporary
// directory, migrated; a FixedClock for the wall clock (set far from the tenants' dates,
// so a test that accidentally reads it fails loudly); tenants in test mode whose own clock
// is moved with app::advance_clock; helpers that run a use case in one transaction and
// fetch invoices with their lines.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <stdlib.h>

#include "app/accounts.h"
#include "app/billing.h"
#include "app/catalog.h"
#include "app/invoices.h"
#include "app/presets.h"
#include "app/subscriptions.h"
#include "app/tenants.h"
#include "core/clock.h"
#include "domain/test_dates.h"
#include "store/db.h"
#include "test_db.h"

namespace remit::test {

// A fresh directory under gtest's temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::path(::testing::TempDir()) / "remit_test_XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

 private:
  std::filesystem::path path_;
};

// Expected values for one invoice line / invoice, compared field by field.
struct ExpLine {
  std::string kind;  // recurring | adjustment | usage | work | charge
  std::string description;
  std::string start, end;  // period, end exclusive
  int64_t quantity = 0;    // hundredths
  Minor amount = 0;
};

struct ExpInvoice {
  int64_t account_id = 0;
  std::string stream;
  std::string issue, due;
  std::string cycle_start, cycle_end;
  std::string terms;
  std::vector<ExpLine> lines;
  Minor credit_applied = 0;
  Minor amount_paid = 0;
  Minor amount_credited = 0;
  std::string status = "open";
  Minor subtotal() const {
    Minor s = 0;
    for (auto& l : lines) s += l.amount;
    return s;
  }
  Minor amount_due() const {
    if (status == "void" || status == "uncollectible") return 0;
    return std::max<Minor>(subtotal(), 0) - credit_applied - amount_paid - amount_credited;
  }
};

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = store::open_db(test_db_.url());
    store::migrate(*db_);
  }
  void TearDown() override { db_.reset(); }

  store::Db& db() { return *db_; }

  // A tenant in test mode whose clock starts at local midnight of `start`.
  int64_t make_tenant(const std::string& preset, Date start, const std::string& tz = "UTC",
                      Date anchor = {}, const std::string& name = "Test provider") {
    tz_ = tz;
    store::Tx tx(db(), true);
    app::NewTenant t;
    t.name = name;
    t.time_zone = tz;
    t.test_mode = true;
    t.clock_start = local_midnight(start, tz);
    t.streams = app::preset_streams(preset, anchor == Date{} ? start : anchor);
    tenant_ = app::create_tenant(db(), clock_, t);
    tx.commit();
    return tenant_;
  }

  // Runs f(Ctx&) in one write transaction of the current tenant and commits.
  template <class F>
  auto tx(F f) {
    store::Tx t(db(), true);
    app::Ctx ctx = app::make_ctx(db(), clock_, tenant_, "test");
    if constexpr (std::is_void_v<decltype(f(ctx))>) {
      f(ctx);
      t.commit();
    } else {
      auto r = f(ctx);
      t.commit();
      return r;
    }
  }

  // Moves the tenant clock to local midnight of `d`, running the bill runs due on the way.
  void advance_to(Date d) { app::advance_clock(db(), clock_, tenant_, local_midnight(d, tz_)); }
  void advance_to(const std::string& d) { advance_to(D(d)); }

  Date today() {
    return tx([](app::Ctx& c) { return c.today; });
  }

  // --- shortcuts for setting up a catalog and accounts ---
  int64_t price(const std::string& name, const std::string& kind, const std::string& timing,
                const std::string& interval, Minor amount, const std::string& stream) {
    return tx([&](app::Ctx& c) {
      auto p = app::create_product(c, name, "");
      return app::create_price(c, {p.id, kind, timing, interval, amount, stream}).id;
    });
  }
  app::Account account(const std::string& name, std::optional<int64_t> parent = std::nullopt,
                       bool bill_to_parent = false) {
    return tx([&](app::Ctx& c) {
      app::NewAccount a;
      a.name = name;
      a.emails = {"billing@example.com"};
      a.parent_id = parent;
      a.bill_to_parent = bill_to_parent;
      a.invoice_terms = true;  // billed on terms: subscriptions start without a method (A7)
      return app::create_account(c, a);
    });
  }
  int64_t subscribe(int64_t account, int64_t price_id, int64_t qty, const std::string& start) {
    return tx([&](app::Ctx& c) {
      return app::create_subscription(c, {account, price_id, qty, start}).id;
    });
  }
  void change_qty(int64_t sub, int64_t qty, const std::string& effective) {
    tx([&](app::Ctx& c) { app::change_quantity(c, sub, qty, effective); });
  }
  void cancel(int64_t sub, const std::string& effective) {
    tx([&](app::Ctx& c) { app::cancel_subscription(c, sub, effective); });
  }
  app::Charge charge(int64_t account, const std::string& description, int64_t qty, Minor unit,
                     const std::string& stream = "") {
    return tx([&](app::Ctx& c) {
      app::NewCharge ch;
      ch.account_id = account;
      ch.stream = stream;
      ch.description = description;
      ch.quantity = qty;
      ch.unit_amount = unit;
      return app::create_charge(c, ch);
    });
  }
  app::WorkEntry work(int64_t account, const std::string& who, int64_t hours, Minor rate,
                      const std::string& ticket, const std::string& description) {
    return tx([&](app::Ctx& c) {
      app::NewWork w;
      w.account_id = account;
      w.who = who;
      w.hours = hours;
      w.rate = rate;
      w.ticket = ticket;
      w.description = description;
      return app::create_work_entry(c, w);
    });
  }
  app::Payment pay(int64_t account, Minor amount, std::optional<int64_t> invoice = std::nullopt,
                   const std::string& method = "cheque") {
    return tx([&](app::Ctx& c) {
      app::NewPayment p;
      p.account_id = account;
      p.method = method;
      p.reference = "CHK-" + std::to_string(amount);
      p.amount = amount;
      p.invoice_id = invoice;
      return app::post_payment(c, p);
    });
  }

  // All invoices of an account (or of the tenant when account is 0), with lines, by id.
  std::vector<app::Invoice> invoices_of(int64_t account) {
    return tx([&](app::Ctx& c) {
      std::vector<app::Invoice> out;
      app::InvoiceFilter f;
      if (account) f.account_id = account;
      app::PageReq page{0, 200};
      for (;;) {
        auto p = app::list_invoices(c, f, page);
        for (auto& i : p.items) out.push_back(app::get_invoice(c, i.id));
        if (!p.next) break;
        page.after = *p.next;
      }
      return out;
    });
  }
  std::vector<app::Invoice> all_invoices() { return invoices_of(0); }

  // The one invoice of `account` issued on `issue` (and of `stream`, when given).
  app::Invoice invoice_issued(int64_t account, const std::string& issue, const std::string& stream = "") {
    std::vector<app::Invoice> found;
    for (auto& i : invoices_of(account))
      if (i.issue_date == issue && (stream.empty() || i.stream == stream)) found.push_back(i);
    if (found.size() != 1)
      throw std::runtime_error(fmt::format("{} invoices of account {} issued {}", found.size(), account, issue));
    return found.front();
  }

  // Runs dated actions in date order, moving the tenant clock to each date first.
  struct Event {
    std::string date;
    std::function<void()> run;
  };
  void play(std::vector<Event> events) {
    std::stable_sort(events.begin(), events.end(), [](auto& a, auto& b) { return a.date < b.date; });
    for (auto& e : events) {
      SCOPED_TRACE("on " + e.date);
      advance_to(e.date);
      ASSERT_EQ(S(today()), e.date);
      e.run();
      if (::testing::Test::HasFatalFailure()) return;
    }
  }

  app::Account get_account(int64_t id) {
    return tx([&](app::Ctx& c) { return app::get_account(c, id); });
  }
  app::Balance balance(int64_t id) {
    return tx([&](app::Ctx& c) { return app::account_balance(c, id); });
  }

  // Numbers 1..N without gaps, in the order invoices were issued.
  void expect_gapless_numbers() {
    auto all = all_invoices();
    std::vector<int64_t> numbers;
    for (auto& i : all) {
      ASSERT_TRUE(i.number.has_value()) << "invoice " << i.id << " has no number";
      numbers.push_back(*i.number);
    }
    std::sort(numbers.begin(), numbers.end());
    for (size_t k = 0; k < numbers.size(); ++k) ASSERT_EQ(numbers[k], static_cast<int64_t>(k + 1));
    // Issued later means numbered later.
    for (size_t k = 1; k < all.size(); ++k)
      for (size_t j = 0; j < k; ++j)
        if (all[j].issue_date < all[k].issue_date) {
          EXPECT_LT(*all[j].number, *all[k].number);
        }
  }

  void expect_verifies() {
    auto r = app::verify(db());
    for (auto& p : r.problems) ADD_FAILURE() << p;
    EXPECT_TRUE(r.ok());
  }

  TempDir dir_;

  TestDatabase test_db_{dir_.path()};
  std::unique_ptr<store::Db> db_;
  FixedClock clock_{Instant{date::sys_days{date::year{2000} / 1 / 1}}};
  int64_t tenant_ = 0;
  std::string tz_ = "UTC";
};

inline void expect_invoice(const app::Invoice& got, const ExpInvoice& want) {
  SCOPED_TRACE(fmt::format("invoice {} ({}) account {} stream {} issued {}", got.id,
                           got.number_text(), got.account_id, got.stream, got.issue_date));
  EXPECT_EQ(got.account_id, want.account_id);
  EXPECT_EQ(got.stream, want.stream);
  EXPECT_EQ(got.issue_date, want.issue);
  EXPECT_EQ(got.due_date, want.due);
  EXPECT_EQ(got.cycle_start.value_or(""), want.cycle_start);
  EXPECT_EQ(got.cycle_end.value_or(""), want.cycle_end);
  if (!want.terms.empty()) {
    EXPECT_EQ(got.terms, want.terms);
  }
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.subtotal, want.subtotal());
  EXPECT_EQ(got.credit_applied, want.credit_applied);
  EXPECT_EQ(got.amount_paid, want.amount_paid);
  EXPECT_EQ(got.amount_credited, want.amount_credited);
  EXPECT_EQ(got.amount_due, want.amount_due());
  EXPECT_TRUE(got.number.has_value());
  ASSERT_EQ(got.lines.size(), want.lines.size());
  for (size_t k = 0; k < want.lines.size(); ++k) {
    const auto& g = got.lines[k];
    const auto& w = want.lines[k];
    SCOPED_TRACE(fmt::format("line {}: {}", k, w.description));
    EXPECT_EQ(g.kind, w.kind);
    EXPECT_EQ(g.description, w.description);
    EXPECT_EQ(g.period_start, w.start);
    EXPECT_EQ(g.period_end, w.end);
    EXPECT_EQ(g.quantity, w.quantity);
    EXPECT_EQ(g.amount, w.amount);
  }
}

inline void expect_invoices(const std::vector<app::Invoice>& got, const std::vector<ExpInvoice>& want) {
  EXPECT_EQ(got.size(), want.size());
  for (size_t k = 0; k < std::min(got.size(), want.size()); ++k) expect_invoice(got[k], want[k]);
}

// An invoice header: issued on `issue` for the stream cycle [cycle_start, issue).
inline ExpInvoice exp_header(int64_t account, const std::string& stream, Date cycle_start, Date issue,
                             Date due, const std::string& terms) {
  ExpInvoice e;
  e.account_id = account;
  e.stream = stream;
  e.cycle_start = S(cycle_start);
  e.cycle_end = S(issue);
  e.issue = S(issue);
  e.due = S(due);
  e.terms = terms;
  return e;
}

template <class F>
void expect_error(Code code, const std::string& field, F f) {
  try {
    f();
    ADD_FAILURE() << "expected " << code_name(code) << " on '" << field << "', got success";
  } catch (const Error& e) {
    EXPECT_EQ(code_name(e.code), std::string(code_name(code))) << e.what();
    EXPECT_EQ(e.field, field) << e.what();
  }
}
template <class F>
void expect_invalid(const std::string& field, F f) {
  expect_error(Code::InvalidArgument, field, f);
}

// Expected-line builders. `whole` is the billing period [cs, ce) the line settles.
inline int64_t days(const std::string& a, const std::string& b) { return days_between(D(a), D(b)); }

// A recurring line for [s, e) of the period [cs, ce): the full price when it covers the
// period, else prorated by day and rounded once, half up.
inline ExpLine recurring_line(const std::string& product, Minor unit, int64_t qty,
                              const std::string& s, const std::string& e, const std::string& cs,
                              const std::string& ce) {
  int64_t d = days(s, e), n = days(cs, ce);
  bool full = d == n;
  return {"recurring", full ? product : product + " (prorated)", s, e, qty,
          full ? unit * qty / 100 : prorate(unit * qty, d, n * 100)};
}

// A whole month [s, add_months(s, 1)).
inline ExpLine month_line(const std::string& product, Minor unit, int64_t qty, Date month) {
  std::string s = S(month), e = S(add_months(month, 1));
  return recurring_line(product, unit, qty, s, e, s, e);
}

inline ExpLine adjustment_line(const std::string& product, const std::string& cs,
                               const std::string& ce, Minor amount) {
  return {"adjustment",
          "Adjustment: " + product + (amount < 0 ? " (reduced or cancelled)" : " (added)"), cs, ce, 0,
          amount};
}

}  // namespace remit::test
