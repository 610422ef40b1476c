// The cheque refund run (D12): on the policy's run days the daily job refunds the credit of
// closed accounts by cheque to their address, once per account and run date (also when run
// again, or by two connections at once), through the ledger; issuing moves the money to
// cash, voiding gives the credit back; the register exports as CSV. verify holds throughout.
#include "app/cheque_refunds.h"

#include <thread>

#include "app/jobs.h"
#include "app/outbox.h"
#include "app/payment_policy.h"
#include "fixture.h"
#include "mail_text.h"
#include "notify/email.h"
#include "test_env.h"

namespace remit::test {
namespace {

class ChequeRefunds : public AppTest {
 protected:
  void SetUp() override {
    AppTest::SetUp();
    make_tenant("default", D("2026-01-16"));
  }
  void TearDown() override {
    expect_verifies();
    AppTest::TearDown();
  }
  // An account with `credit` left on it (a cheque paid in with nothing to pay), closed.
  app::Account closed(const std::string& name, Minor credit, const std::string& address,
                      const std::string& last_name = "") {
    app::Account a = tx([&](app::Ctx& c) {
      app::NewAccount n;
      n.name = name;
      n.last_name = last_name;
      n.emails = {"ap@" + name + ".example"};
      n.address = address;
      return app::create_account(c, n);
    });
    if (credit > 0) pay(a.id, credit);
    close(a.id);
    return a;
  }
  void close(int64_t id) {
    tx([&](app::Ctx& c) { app::update_account(c, id, {.status = "closed"}); });
  }
  int64_t count(const std::string& sql) { return store::one_int(db(), sql); }
  Minor book(const std::string& book, std::optional<int64_t> account = std::nullopt) {
    return store::one_int(db(),
                          "SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE book = ? AND "
                          "(CAST(? AS BIGINT) IS NULL OR account_id = ?)",
                          book, account, account);
  }
  std::vector<app::ChequeRefund> register_of(const std::string& run_date) {
    return tx([&](app::Ctx& c) { return app::cheque_register(c, run_date, std::nullopt); });
  }
  // A charge billed at once on its own invoice (finalized): the invoice's id.
  int64_t invoice_now(int64_t account, const std::string& what, Minor amount) {
    return tx([&](app::Ctx& c) {
      app::NewCharge ch;
      ch.account_id = account;
      ch.description = what;
      ch.unit_amount = amount;
      ch.invoice_now = true;
      return app::create_charge(c, ch).invoice_id.value();
    });
  }
  app::RefundRunResult run(const std::string& date) {
    return app::run_cheque_refunds(db(), clock_, tenant_, D(date), "test");
  }
};

TEST_F(ChequeRefunds, RunDaysAreThePolicysDaysOfTheMonth) {
  app::PaymentPolicy p;  // the default: the 1st and the 15th
  EXPECT_TRUE(app::is_refund_run_day(p, D("2026-02-01")));
  EXPECT_TRUE(app::is_refund_run_day(p, D("2026-02-15")));
  EXPECT_FALSE(app::is_refund_run_day(p, D("2026-02-14")));
  p.refund_run_days = "5,20";
  EXPECT_TRUE(app::is_refund_run_day(p, D("2026-03-20")));
  EXPECT_FALSE(app::is_refund_run_day(p, D("2026-03-01")));
}

TEST_F(ChequeRefunds, TheDailyJobOfARunDayRefundsClosedAccountsCreditByCheque) {
  auto ann = closed("ann", 12345, "Ann Smith\n 1 Main St \n\nWillmar, MN 56201\n", "Smith");
  auto open_acct = account("still-open");
  pay(open_acct.id, 5000);  // active: its credit stays
  auto empty = closed("empty", 0, "2 Oak Ave");
  auto nowhere = closed("nowhere", 700, "  \n ");
  // Credit above what it still owes: refunded only the difference.
  auto owes = tx([&](app::Ctx& c) {
    app::NewAccount n;
    n.name = "owes";
    n.company = "Owes Co";
    n.emails = {"ap@owes.example"};
    n.address = "3 Elm St\nBenson, MN 56215";
    n.invoice_terms = true;
    return app::create_account(c, n);
  });
  int64_t router = invoice_now(owes.id, "Router", 10000);
  pay(owes.id, 10000, router);
  invoice_now(owes.id, "Switch", 4000);  // open
  tx([&](app::Ctx& c) { app::create_credit_note(c, router, 10000, "returned router"); });
  ASSERT_EQ(get_account(owes.id).credit_balance, 10000);  // released by the note
  close(owes.id);

  advance_to("2026-02-01");  // the daily job of a run day

  auto reg = register_of("2026-02-01");
  ASSERT_EQ(reg.size(), 2u);
  EXPECT_EQ(reg[0].account_id, ann.id);
  EXPECT_EQ(reg[0].cheque_number, 1);
  EXPECT_EQ(reg[0].amount, 12345);
  EXPECT_EQ(reg[0].payee, "ann Smith");
  EXPECT_EQ(reg[0].address_lines,
            (std::vector<std::string>{"Ann Smith", "1 Main St", "Willmar, MN 56201"}));
  EXPECT_EQ(reg[0].status, "pending");
  EXPECT_EQ(reg[0].account_number, ann.number);
  EXPECT_EQ(reg[1].account_id, owes.id);
  EXPECT_EQ(reg[1].cheque_number, 2);
  EXPECT_EQ(reg[1].amount, 6000);
  EXPECT_EQ(reg[1].payee, "Owes Co");

  EXPECT_EQ(get_account(ann.id).credit_balance, 0);
  EXPECT_EQ(get_account(owes.id).credit_balance, 4000);  // what it owes stays, for its invoice
  EXPECT_EQ(get_account(open_acct.id).credit_balance, 5000);
  EXPECT_EQ(get_account(empty.id).credit_balance, 0);
  EXPECT_EQ(get_account(nowhere.id).credit_balance, 700);  // no address: waits
  EXPECT_EQ(book("cheques_payable"), -(12345 + 6000));
  EXPECT_EQ(book("cheques_payable", ann.id), -12345);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events WHERE type = 'cheque_refund.created'"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE topic = 'cheque_refund' AND "
                  "recipients = 'ap@ann.example'"),
            1);

  // The same run again (the job after a crash, or on demand) refunds nothing twice.
  auto again = run("2026-02-01");
  EXPECT_EQ(again.refunded, 0);
  EXPECT_EQ(again.already, 2);
  ASSERT_EQ(again.skipped.size(), 1u);
  EXPECT_EQ(again.skipped[0].account_id, nowhere.id);
  EXPECT_EQ(again.skipped[0].reason, "no mailing address");
  EXPECT_EQ(count("SELECT COUNT(*) FROM cheque_refunds"), 2);

  // New credit on the same day waits for the next run date, which refunds it.
  pay(ann.id, 500);
  EXPECT_EQ(run("2026-02-01").refunded, 0);
  advance_to("2026-02-15");
  auto next = register_of("2026-02-15");
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].account_id, ann.id);
  EXPECT_EQ(next[0].amount, 500);
  EXPECT_EQ(next[0].cheque_number, 3);
  // Days that are not run days refund nothing.
  pay(ann.id, 200);
  advance_to("2026-02-20");
  EXPECT_EQ(count("SELECT COUNT(*) FROM cheque_refunds"), 3);
  EXPECT_EQ(get_account(ann.id).credit_balance, 200);
}

TEST_F(ChequeRefunds, ACreditThatDoesNotExceedWhatIsOwedIsNotRefunded) {
  auto a = tx([&](app::Ctx& c) {
    app::NewAccount n;
    n.name = "bal";
    n.address = "4 Pine Rd";
    n.invoice_terms = true;
    return app::create_account(c, n);
  });
  int64_t install = invoice_now(a.id, "Install", 3000);
  pay(a.id, 3000, install);
  invoice_now(a.id, "Visit", 5000);  // 50.00 open
  tx([&](app::Ctx& c) { app::create_credit_note(c, install, 3000, "not installed"); });
  ASSERT_EQ(get_account(a.id).credit_balance, 3000);
  close(a.id);
  auto r = run("2026-02-01");
  EXPECT_EQ(r.refunded, 0);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].reason, "its credit does not exceed what it owes on open invoices");
  EXPECT_EQ(get_account(a.id).credit_balance, 3000);
}

TEST_F(ChequeRefunds, IssuedMovesTheMoneyToCashAndVoidGivesTheCreditBack) {
  auto a = closed("alpha", 2500, "5 Birch Ln");
  auto b = closed("beta", 4000, "6 Cedar Ct");
  auto g = closed("gamma", 1000, "7 Ash Way");
  auto r = run("2026-02-01");
  ASSERT_EQ(r.refunded, 3);
  EXPECT_EQ(r.total, 7500);
  auto reg = register_of("2026-02-01");
  ASSERT_EQ(reg.size(), 3u);
  Minor cash_before = book("cash");

  auto issued = tx([&](app::Ctx& c) { return app::mark_cheque_issued(c, reg[0].id); });
  EXPECT_EQ(issued.status, "issued");
  EXPECT_TRUE(issued.issued_at.has_value());
  EXPECT_EQ(book("cash"), cash_before - 2500);
  EXPECT_EQ(book("cheques_payable", a.id), 0);
  // Marking it again changes nothing.
  tx([&](app::Ctx& c) { app::mark_cheque_issued(c, reg[0].id); });
  EXPECT_EQ(book("cash"), cash_before - 2500);

  // Void before issue: the cheque is no longer owed, the credit is back.
  auto v =
      tx([&](app::Ctx& c) { return app::void_cheque_refund(c, reg[1].id, "address unknown"); });
  EXPECT_EQ(v.status, "void");
  EXPECT_EQ(v.void_reason, "address unknown");
  EXPECT_EQ(get_account(b.id).credit_balance, 4000);
  EXPECT_EQ(book("cheques_payable", b.id), 0);
  expect_error(Code::FailedPrecondition, "",
               [&] { tx([&](app::Ctx& c) { app::mark_cheque_issued(c, reg[1].id); }); });
  expect_error(Code::FailedPrecondition, "",
               [&] { tx([&](app::Ctx& c) { app::void_cheque_refund(c, reg[1].id, "again"); }); });
  expect_invalid("reason",
                 [&] { tx([&](app::Ctx& c) { app::void_cheque_refund(c, reg[2].id, " "); }); });

  // The rest of the run issued at once: only gamma's was still pending.
  EXPECT_EQ(tx([&](app::Ctx& c) { return app::mark_run_issued(c, "2026-02-01"); }), 1);
  EXPECT_EQ(book("cash"), cash_before - 2500 - 1000);
  // Void after issue (the cheque was stopped): the cash is back, and so is the credit.
  tx([&](app::Ctx& c) { app::void_cheque_refund(c, reg[2].id, "stopped: returned undelivered"); });
  EXPECT_EQ(book("cash"), cash_before - 2500);
  EXPECT_EQ(get_account(g.id).credit_balance, 1000);
  EXPECT_EQ(book("cheques_payable"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events WHERE type = 'cheque_refund.issued'"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events WHERE type = 'cheque_refund.voided'"), 2);
  // A voided account's credit is refunded by a later run.
  auto later = run("2026-02-15");
  EXPECT_EQ(later.refunded, 2);
  EXPECT_EQ(later.total, 4000 + 1000);
  expect_invalid("run_date",
                 [&] { tx([&](app::Ctx& c) { app::mark_run_issued(c, "2026-2-1"); }); });
  expect_error(Code::NotFound, "",
               [&] { tx([&](app::Ctx& c) { app::mark_cheque_issued(c, 999999); }); });
}

TEST_F(ChequeRefunds, TwoRunsAtOnceWriteOneChequePerAccount) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 6; ++i)
    ids.push_back(closed("c" + std::to_string(i), 1000 + i, "8 Main St").id);
  std::vector<app::RefundRunResult> results(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&, t] {
      auto conn = store::open_db(test_db_.url());
      results[t] = app::run_cheque_refunds(*conn, clock_, tenant_, D("2026-02-01"), "test");
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(results[0].refunded + results[1].refunded, 6);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cheque_refunds"), 6);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT cheque_number) FROM cheque_refunds"), 6);
  EXPECT_EQ(count("SELECT MAX(cheque_number) FROM cheque_refunds"), 6);
  for (auto id : ids) EXPECT_EQ(get_account(id).credit_balance, 0);
}

TEST_F(ChequeRefunds, TheRegisterExportsAsCsv) {
  app::ChequeRefund a;
  a.id = 7;
  a.cheque_number = 12;
  a.account_number = "100001";
  a.amount = 123456;
  a.payee = "=HYPERLINK(\"x\")";
  a.address_lines = {"Suite 5, \"North\" Tower", "1 Main St", "Willmar", "MN 56201", "USA"};
  a.run_date = "2026-02-01";
  a.status = "pending";
  app::ChequeRefund b = a;
  b.id = 8;
  b.cheque_number = 13;
  b.payee = "Bob Jones";
  b.amount = 5;
  b.address_lines = {"9 Elm St"};
  b.status = "issued";
  EXPECT_EQ(app::cheque_register_csv({a, b}, "USD"),
            "cheque_number,run_date,account_number,payee,amount,currency,address_line_1,"
            "address_line_2,address_line_3,address_line_4,status,id\r\n"
            "12,2026-02-01,100001,\"'=HYPERLINK(\"\"x\"\")\",1234.56,USD,"
            "\"Suite 5, \"\"North\"\" Tower\",1 Main St,Willmar,\"MN 56201, USA\",pending,7\r\n"
            "13,2026-02-01,100001,Bob Jones,0.05,USD,9 Elm St,,,,issued,8\r\n");
}

TEST_F(ChequeRefunds, TheNoticeTellsTheAccountItsChequeAndAddress) {
  auto a = closed("dora", 4321, "Dora Diaz\n10 Lake Rd\nSpicer, MN 56288");
  run("2026-02-01");
  TestEnv env(clock_, test_db_.url());
  auto msg = tx([&](app::Ctx& c) {
    auto page = app::list_outbox(c, {.channel = "email"}, {0, 200});
    for (auto& m : page.items)
      if (m.topic == "cheque_refund") return m;
    throw std::runtime_error("no cheque_refund email");
  });
  EXPECT_EQ(msg.recipients, "ap@dora.example");
  std::string mail = mail_text(notify::compose_email(db(), env.env, msg).data);
  for (const std::string& want :
       std::vector<std::string>{"Subject: Your credit balance of $43.21 is refunded by cheque",
                                "Your account " + a.number + " is closed.", "Cheque number: 1",
                                "Payable to: dora", "    10 Lake Rd", "    Spicer, MN 56288"})
    EXPECT_NE(mail.find(want), std::string::npos) << want << "\n" << mail;
}

}  // namespace
}  // namespace remit::test
