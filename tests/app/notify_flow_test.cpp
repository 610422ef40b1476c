// The provider's month by itself (issue 8): the scheduler enqueues each day once and the
// clock runs them; finalization writes its email, event, webhook deliveries and paper
// statement in its own transaction; delivery retries with the same identity and gives up on
// schedule; View & Pay tokens verify, resist tampering and expire.
#include "app/jobs.h"
#include "app/outbox.h"
#include "app/paper.h"
#include "app/view_links.h"
#include "app/webhooks.h"
#include "fixture.h"
#include "notify/delivery.h"
#include "notify/webhook_signature.h"
#include "test_env.h"

namespace remit::test {
namespace {

class NotifyFlowTest : public AppTest {
 protected:
  void SetUp() override {
    AppTest::SetUp();
    env_.emplace(clock_, test_db_.url());
    make_tenant("default", D("2026-01-01"));
    price_ = price("Managed network", "recurring", "advance", "month", 12500, "main");
  }
  int64_t count(const std::string& sql) { return store::one_int(db(), sql); }
  app::Account customer(const std::string& name, bool paperless = true) {
    return tx([&](app::Ctx& c) {
      app::NewAccount a;
      a.name = name;
      a.emails = {"ap@" + name + ".example", "cfo@" + name + ".example"};
      a.paperless = paperless;
      a.address = "1 Main St\nWillmar, MN 56201";
      a.invoice_terms = true;
      return app::create_account(c, a);
    });
  }
  int deliver() { return notify::Deliverer(env_->env).deliver_all(); }
  app::OutboxRec message(int64_t id) {
    return tx([&](app::Ctx& c) {
      for (auto& m : app::list_outbox(c, {}, {.after = id - 1, .limit = 1}).items) return m;
      throw std::runtime_error("no message");
    });
  }
  std::optional<test::TestEnv> env_;
  int64_t price_ = 0;
};

TEST_F(NotifyFlowTest, EachDayIsScheduledOnceAndTheClockRunsItsJobs) {
  auto a = customer("acme");
  subscribe(a.id, price_, 100, "2026-01-01");
  advance_to("2026-02-03");
  // One daily job per day from the tenant's first day to its today, all done.
  int64_t days = days_between(D("2026-01-01"), D("2026-02-03")) + 1;
  EXPECT_EQ(count("SELECT COUNT(*) FROM jobs WHERE kind = 'daily' AND status = 'done'"), days);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT job_key) FROM jobs"), days);
  // A second scheduler (another server) finds nothing left to schedule.
  auto other = store::open_db(test_db_.url());
  EXPECT_EQ(app::schedule_days(*other, clock_), 0);
  EXPECT_EQ(app::schedule_days(db(), clock_), 0);
  // The Feb 1 bill run billed the account once.
  EXPECT_EQ(count("SELECT COUNT(*) FROM invoices WHERE cycle_end = '2026-02-01'"), 1);
}

TEST_F(NotifyFlowTest, FinalizationWritesEmailEventAndWebhooksWithTheChange) {
  tx([&](app::Ctx& c) {
    app::create_endpoint(c, {"https://hooks.example.com/a", {"invoice.finalized"}, "", true});
    app::create_endpoint(c, {"https://hooks.example.com/b", {"*"}, "", true});
    app::create_endpoint(c, {"https://hooks.example.com/off", {"*"}, "", false});
  });
  auto a = customer("acme"), b = customer("globex");
  subscribe(a.id, price_, 100, "2026-01-01");
  subscribe(b.id, price_, 200, "2026-01-01");
  advance_to("2026-02-01");
  int64_t invoices = count("SELECT COUNT(*) FROM invoices WHERE status <> 'draft'");
  ASSERT_GE(invoices, 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events WHERE type = 'invoice.finalized'"), invoices);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND topic = 'invoice'"), invoices);
  // Every invoice.finalized goes to both enabled endpoints; the disabled one gets nothing.
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox o JOIN events e ON e.tenant_id = o.tenant_id AND "
                  "e.id = o.event_id WHERE e.type = 'invoice.finalized'"),
            2 * invoices);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE endpoint_id = 3"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events WHERE type = 'bill_run.completed'"),
            count("SELECT COUNT(*) FROM bill_runs WHERE status = 'done'"));
  // A change rolled back leaves no event and no message behind.
  int64_t before = count("SELECT COUNT(*) FROM outbox") + count("SELECT COUNT(*) FROM events");
  {
    store::Tx t(db(), true);
    app::Ctx c = app::make_ctx(db(), clock_, tenant_, "test");
    app::NewAccount n;
    n.name = "Rolled back";
    app::create_account(c, n);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox") + count("SELECT COUNT(*) FROM events"), before);
}

TEST_F(NotifyFlowTest, EmailRetriesWithTheSameMessageIdAndPermanentFailuresStop) {
  auto a = customer("acme");
  subscribe(a.id, price_, 100, "2026-01-01");
  env_->mailbox->fail_next(1, app::MailResult::Temporary, 451);
  advance_to("2026-02-01");
  ASSERT_EQ(deliver(), count("SELECT COUNT(*) FROM outbox WHERE channel = 'email'"));
  int64_t id = count("SELECT MIN(id) FROM outbox WHERE channel = 'email'");  // the first sent
  auto m = message(id);
  EXPECT_EQ(m.status, "pending");
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(m.last_code, 451);
  EXPECT_EQ(deliver(), 0);  // not due until a minute of the tenant's clock has passed
  advance_to("2026-02-02");
  EXPECT_EQ(deliver(), 1);
  EXPECT_EQ(message(id).status, "sent");
  auto tried = env_->mailbox->attempts_copy();
  ASSERT_GE(tried.size(), 2u);
  EXPECT_EQ(tried.front().message_id, tried.back().message_id);  // the retry: same identity
  EXPECT_EQ(tried.back().to, (std::vector<std::string>{"ap@acme.example", "cfo@acme.example"}));
  EXPECT_NE(tried.back().data.find("Content-Type: application/pdf"), std::string::npos);

  // A refusal (5xx) is final: failed, visible, not retried.
  auto inv = tx([&](app::Ctx& c) {
    return app::list_invoices(c, {.account_id = a.id}, {}).items.front();
  });
  env_->mailbox->fail_next(1, app::MailResult::Permanent, 550);
  tx([&](app::Ctx& c) { app::create_credit_note(c, inv.id, 1000, "outage credit"); });
  EXPECT_EQ(deliver(), 1);
  int64_t note = count("SELECT MAX(id) FROM outbox WHERE topic = 'credit_note'");
  EXPECT_EQ(message(note).status, "failed");
  EXPECT_EQ(message(note).last_code, 550);
  // A clerk sends it again: same identity.
  tx([&](app::Ctx& c) { app::resend(c, note); });
  EXPECT_EQ(deliver(), 1);
  EXPECT_EQ(message(note).status, "sent");
}

TEST_F(NotifyFlowTest, WebhooksAreSignedAndFailAfterTheScheduleIsUsedUp) {
  auto ep = tx([&](app::Ctx& c) {
    return app::create_endpoint(c, {"https://hooks.example.com/x", {"account.created"}, "", true});
  });
  ASSERT_TRUE(ep.secret.starts_with("whsec_"));
  for (int i = 0; i < 8; ++i) env_->http->script.push_back({500, "", ""});
  customer("acme");
  for (int attempt = 1; attempt <= 8; ++attempt) {
    ASSERT_EQ(deliver(), 1) << attempt;
    clock_.set(clock_.now());  // the wall clock is not what retries wait for
    app::advance_clock(db(), clock_, tenant_,
                       app::clock_now(db(), clock_, tenant_) + std::chrono::hours(11));
  }
  EXPECT_EQ(deliver(), 0);
  int64_t id = count("SELECT MIN(id) FROM outbox WHERE channel = 'webhook'");
  auto m = message(id);
  EXPECT_EQ(m.status, "failed");
  EXPECT_EQ(m.attempts, 8);
  EXPECT_EQ(m.last_code, 500);
  ASSERT_EQ(env_->http->requests.size(), 8u);
  auto& r = env_->http->requests.back();
  auto header = [&](const std::string& k) {
    for (auto& [n, v] : r.headers)
      if (n == k) return v;
    return std::string();
  };
  std::string msg_id = "msg_" + std::to_string(tenant_) + "_" + std::to_string(id);
  EXPECT_EQ(header("webhook-id"), msg_id);
  EXPECT_EQ(header("webhook-signature"),
            notify::sign_webhook(ep.secret, msg_id, std::stoll(header("webhook-timestamp")), r.body));
  EXPECT_NE(r.body.find("\"type\":\"account.created\""), std::string::npos);
  EXPECT_TRUE(r.allow_private_addresses);  // a test-mode tenant may post to loopback
}

TEST_F(NotifyFlowTest, PaperStatementIsQueuedAndItsFeeLandsOnTheNextInvoice) {
  auto paper = customer("paperco", false);
  auto email = customer("emailco", true);
  subscribe(paper.id, price_, 100, "2026-01-01");
  subscribe(email.id, price_, 100, "2026-01-01");
  advance_to("2026-02-01");
  EXPECT_EQ(count("SELECT COUNT(*) FROM paper_statements WHERE status = 'queued'"),
            count("SELECT COUNT(*) FROM invoices WHERE account_id = " + std::to_string(paper.id)));
  auto batch = tx([&](app::Ctx& c) { return app::print_batch(c, format_date(c.today)); });
  ASSERT_FALSE(batch.empty());
  EXPECT_EQ(batch.front().account.id, paper.id);
  EXPECT_EQ(tx([&](app::Ctx& c) { return app::mark_printed(c, format_date(c.today)); }),
            static_cast<int64_t>(batch.size()));
  advance_to("2026-03-01");
  auto lines = [&](int64_t account) {
    return tx([&](app::Ctx& c) {
      auto p = app::list_invoices(c, {.account_id = account, .cycle_end = "2026-03-01"}, {});
      return app::get_invoice(c, p.items.at(0).id).lines;
    });
  };
  Minor fees = 0;
  for (auto& l : lines(paper.id))
    if (l.description.starts_with("Paper statement fee")) fees += l.amount;
  EXPECT_EQ(fees, 200 * static_cast<Minor>(batch.size()));
  for (auto& l : lines(email.id)) EXPECT_FALSE(l.description.starts_with("Paper statement fee"));
  // 0 turns the fee off.
  tx([&](app::Ctx& c) { app::set_paper_fee(c, 0); });
  advance_to("2026-04-01");
  EXPECT_EQ(count("SELECT COUNT(*) FROM charges WHERE description LIKE 'Paper statement fee%' "
                  "AND charge_date >= '2026-03-02'"),
            0);
}

TEST_F(NotifyFlowTest, ViewTokensVerifyResistTamperingAndExpire) {
  auto a = customer("acme");
  subscribe(a.id, price_, 100, "2026-01-01");
  advance_to("2026-02-01");
  int64_t inv = count("SELECT MIN(id) FROM invoices");
  app::ensure_view_key(db(), tenant_);
  Instant now = app::clock_now(db(), clock_, tenant_);
  std::string token = [&] {
    store::Tx t(db(), false);
    return app::make_view_token(db(), tenant_, inv, now + date::days{90});
  }();
  auto verify = [&](const std::string& tok) {
    store::Tx t(db(), false);
    return app::verify_view_token(db(), clock_, tok);
  };
  auto ok = verify(token);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->invoice_id, inv);
  EXPECT_FALSE(ok->expired);
  std::string other_invoice = token;  // v1.<tenant>.<invoice>...: point it at another invoice
  other_invoice.replace(other_invoice.find('.', 3) + 1, std::to_string(inv).size(),
                        std::to_string(inv + 1));
  EXPECT_FALSE(verify(other_invoice));
  std::string flipped = token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify(flipped));
  EXPECT_FALSE(verify("v1.1.1.1.x"));
  EXPECT_FALSE(verify(""));
  advance_to(local_date(now + date::days{91}, "UTC"));
  auto late = verify(token);
  ASSERT_TRUE(late);
  EXPECT_TRUE(late->expired);
}

}  // namespace
}  // namespace remit::test
