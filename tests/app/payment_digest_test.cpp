// The evening payment digest (D11): once the tenant's clock passes the policy's hour, one
// email to the billing inbox lists every payment posted since the previous digest, with
// totals; once per day (a second scheduler, a job run again, change nothing); nothing falls
// between two digests; a day without payments sends nothing; en and zh-CN.
#include "app/payment_digest.h"

#include "app/jobs.h"
#include "app/outbox.h"
#include "app/payment_policy.h"
#include "app/tenants.h"
#include "fixture.h"
#include "mail_text.h"
#include "notify/email.h"
#include "test_env.h"

namespace remit::test {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class PaymentDigests : public AppTest {
 protected:
  void SetUp() override {
    AppTest::SetUp();
    make_tenant("default", D("2026-01-05"), "America/Chicago");
    env_.emplace(clock_, test_db_.url());
    tx([&](app::Ctx& c) {
      app::update_tenant(
          c, {.email = "billing@provider.example", .billing_inbox = "ar@provider.example"});
    });
    ann_ = customer("Ann", "Smith", "");
    acme_ = customer("Zed", "", "Acme Dental");
  }
  void TearDown() override {
    expect_verifies();
    AppTest::TearDown();
  }
  app::Account customer(const std::string& name, const std::string& last,
                        const std::string& company) {
    return tx([&](app::Ctx& c) {
      app::NewAccount n;
      n.name = name;
      n.last_name = last;
      n.company = company;
      n.emails = {"ap@" + name + ".example"};
      return app::create_account(c, n);
    });
  }
  // Moves the tenant clock to `time` ("HH:MM") of `day`, in the tenant's zone.
  void at(const std::string& day, int hour, int minute = 0) {
    app::advance_clock(db(), clock_, tenant_,
                       local_midnight(D(day), tz_) + hours(hour) + minutes(minute));
  }
  int64_t count(const std::string& sql) { return store::one_int(db(), sql); }
  std::vector<app::OutboxRec> digests() {
    return tx([&](app::Ctx& c) {
      std::vector<app::OutboxRec> out;
      for (auto& m : app::list_outbox(c, {.channel = "email"}, {0, 200}).items)
        if (m.topic == "payment_digest") out.push_back(m);
      return out;
    });
  }
  std::string compose(const app::OutboxRec& m) {
    return mail_text(notify::compose_email(db(), env_->env, m).data);
  }
  app::PaymentDigest digest_of(const std::string& day) {
    return tx([&](app::Ctx& c) {
      auto id = app::payment_digest_id(c, D(day));
      if (!id) throw std::runtime_error("no digest of " + day);
      return app::load_payment_digest(c, *id);
    });
  }
  std::optional<test::TestEnv> env_;
  app::Account ann_, acme_;
};

TEST_F(PaymentDigests, TheLastDueDayTurnsAtTheHourInTheTenantsZone) {
  // 18:00 in Chicago is 00:00 UTC the next day in winter (CST, UTC-6).
  Instant before = Instant{date::sys_days{D("2026-03-03")}} - std::chrono::seconds(1);
  Instant at_hour = Instant{date::sys_days{D("2026-03-03")}};
  EXPECT_EQ(app::last_digest_day(before, "America/Chicago", 18), D("2026-03-01"));
  EXPECT_EQ(app::last_digest_day(at_hour, "America/Chicago", 18), D("2026-03-02"));
  // On the day DST starts (Mar 8, 2026) 18:00 CDT is 23:00 UTC.
  EXPECT_EQ(local_time(D("2026-03-08"), hours(18), "America/Chicago"),
            Instant{date::sys_days{D("2026-03-08")}} + hours(23));
  // 02:30 does not exist that day: the instant the clocks jump (08:00 UTC).
  EXPECT_EQ(local_time(D("2026-03-08"), hours(2), "America/Chicago"),
            Instant{date::sys_days{D("2026-03-08")}} + hours(8));
  EXPECT_EQ(app::last_digest_day(Instant{date::sys_days{D("2026-03-08")}} + hours(23), "UTC", 0),
            D("2026-03-08"));
}

TEST_F(PaymentDigests, EachEveningOneEmailListsThePaymentsPostedSinceTheLast) {
  at("2026-01-06", 9, 30);
  auto p1 = pay(ann_.id, 15000);
  at("2026-01-06", 17, 59);
  auto p2 = tx([&](app::Ctx& c) {
    app::NewPayment p;
    p.account_id = acme_.id;
    p.method = "bank_transfer";
    p.reference = "WIRE-1";
    p.amount = 20000;
    return app::post_payment(c, p);
  });
  auto p3 = pay(ann_.id, 111);
  tx([&](app::Ctx& c) { app::reverse_payment(c, p3.id, "posted twice"); });
  EXPECT_TRUE(digests().empty());  // 17:59: not yet

  at("2026-01-06", 18, 0);
  auto mails = digests();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].recipients, "ar@provider.example");
  auto g = digest_of("2026-01-06");
  EXPECT_EQ(g.window_start, "2026-01-06T00:00:00Z");  // 18:00 CST the day before
  EXPECT_EQ(g.window_end, "2026-01-07T00:00:00Z");
  ASSERT_EQ(g.lines.size(), 3u);
  EXPECT_EQ(g.lines[0].payment_id, p1.id);
  EXPECT_EQ(g.lines[0].posted_at, "09:30");
  EXPECT_EQ(g.lines[0].account_number, ann_.number);
  EXPECT_EQ(g.lines[0].payer, "Ann Smith");
  EXPECT_EQ(g.lines[0].amount, 15000);
  EXPECT_EQ(g.lines[0].method_display, "cheque");
  EXPECT_EQ(g.lines[0].confirmation, p1.confirmation);
  EXPECT_EQ(g.lines[0].status, "succeeded");
  EXPECT_EQ(g.lines[1].payer, "Acme Dental");
  EXPECT_EQ(g.lines[1].posted_at, "17:59");
  EXPECT_EQ(g.lines[2].status, "reversed");
  EXPECT_EQ(g.payments, 3);
  // The totals count the money received: not the reversed payment.
  EXPECT_EQ(g.total.count, 2);
  EXPECT_EQ(g.total.amount, 35000);
  ASSERT_EQ(g.by_method.size(), 2u);
  EXPECT_EQ(g.by_method[0].method, "bank_transfer");
  EXPECT_EQ(g.by_method[0].amount, 20000);
  EXPECT_EQ(g.by_method[1].method, "cheque");
  EXPECT_EQ(g.by_method[1].amount, 15000);

  std::string mail = compose(mails[0]);
  for (const std::string& want : std::vector<std::string>{
           "Subject: Payments posted Jan 6, 2026: 2, $350.00 received", "To: ar@provider.example",
           "Every payment posted from Jan 5, 2026 18:00 to Jan 6, 2026 18:00 "
           "(America/Chicago).",
           "09:30  " + ann_.number + "  Ann Smith", "Amount: $150.00", "Method: Cheque",
           "Method: Bank transfer", "Confirmation: " + p2.confirmation, "Status: reversed",
           "Cheque: 1 · $150.00 + Fee $0.00 = $150.00",
           "All methods: 2 · $350.00 + Fee $0.00 = $350.00"})
    EXPECT_NE(mail.find(want), std::string::npos) << want << "\n" << mail;

  // After the hour: tomorrow's digest. A second scheduler and the job again change nothing.
  at("2026-01-06", 20, 0);
  auto late = pay(acme_.id, 3300);
  EXPECT_EQ(app::schedule_days(db(), clock_), 0);
  app::record_payment_digest(db(), clock_, tenant_, D("2026-01-06"));
  EXPECT_EQ(digests().size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM jobs WHERE kind = 'digest' AND job_key = '2026-01-06'"), 1);

  at("2026-01-07", 18, 5);
  mails = digests();
  ASSERT_EQ(mails.size(), 2u);
  auto next = digest_of("2026-01-07");
  EXPECT_EQ(next.window_start, "2026-01-07T00:00:00Z");  // where the last one ended
  ASSERT_EQ(next.lines.size(), 1u);
  EXPECT_EQ(next.lines[0].payment_id, late.id);
  EXPECT_EQ(next.lines[0].posted_at, "2026-01-06 20:00");

  // A day with no payments: recorded, nothing sent.
  at("2026-01-08", 19, 0);
  EXPECT_EQ(digest_of("2026-01-08").payments, 0);
  EXPECT_EQ(digests().size(), 2u);
}

TEST_F(PaymentDigests, TheHourAndTheInboxAreTheTenants) {
  tx([&](app::Ctx& c) {
    app::PaymentPolicyPatch p;
    p.receipt_digest_hour = 8;
    app::update_payment_policy(c, p);
    app::update_tenant(c, {.billing_inbox = "", .billing_inbox_language = "zh-CN"});
  });
  at("2026-01-06", 7, 0);
  pay(ann_.id, 4200);
  at("2026-01-06", 8, 0);
  auto mails = digests();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].recipients, "billing@provider.example");  // no inbox: the tenant's email
  std::string mail = compose(mails[0]);
  EXPECT_NE(mail.find("Subject: =?UTF-8?"), std::string::npos) << mail;  // encoded (Chinese)
  EXPECT_NE(mail.find("笔数"), std::string::npos) << mail;
  EXPECT_NE(mail.find("支票"), std::string::npos) << mail;

  // The digest hour changes: nothing posted falls between two digests.
  tx([&](app::Ctx& c) {
    app::PaymentPolicyPatch p;
    p.receipt_digest_hour = 20;
    app::update_payment_policy(c, p);
  });
  at("2026-01-06", 12, 0);
  pay(acme_.id, 100);
  at("2026-01-07", 20, 0);
  auto g = digest_of("2026-01-07");
  EXPECT_EQ(g.window_start, digest_of("2026-01-06").window_end);
  EXPECT_EQ(g.payments, 1);

  expect_invalid("billing_inbox", [&] {
    tx([&](app::Ctx& c) { app::update_tenant(c, {.billing_inbox = "not an address"}); });
  });
  expect_invalid("billing_inbox_language", [&] {
    tx([&](app::Ctx& c) { app::update_tenant(c, {.billing_inbox_language = "fr"}); });
  });
}

}  // namespace
}  // namespace remit::test
