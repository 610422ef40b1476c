// MemoryMailer: shared mailbox across mailers from one factory, scripted failures.
#include "notify/memory_mailer.h"

#include <gtest/gtest.h>

namespace remit::notify {
namespace {

app::OutgoingMail mail(std::string id) {
  return {"billing@acme.example", {"ap@customer.example"}, std::move(id), "data"};
}

TEST(MemoryMailer, FactoryMailersShareOneMailbox) {
  auto box = std::make_shared<MemoryMailbox>();
  auto factory = memory_mailer_factory(box);
  auto a = factory(), b = factory();
  EXPECT_EQ(a->send(mail("1")).kind, app::MailResult::Sent);
  EXPECT_EQ(b->send(mail("2")).code, 250);
  auto sent = box->sent_copy();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].message_id, "1");
  EXPECT_EQ(sent[1].message_id, "2");
}

TEST(MemoryMailer, ScriptedFailures) {
  MemoryMailer m;
  m.fail_next(2, app::MailResult::Temporary, 451);
  m.mailbox()->fail_next(1, app::MailResult::Permanent, 550);
  auto r1 = m.send(mail("1"));
  auto r2 = m.send(mail("1"));
  auto r3 = m.send(mail("1"));
  auto r4 = m.send(mail("1"));
  EXPECT_EQ(r1.kind, app::MailResult::Temporary);
  EXPECT_EQ(r1.code, 451);
  EXPECT_EQ(r2.kind, app::MailResult::Temporary);
  EXPECT_EQ(r3.kind, app::MailResult::Permanent);
  EXPECT_EQ(r3.code, 550);
  EXPECT_EQ(r4.kind, app::MailResult::Sent);
  EXPECT_EQ(m.mailbox()->attempts_copy().size(), 4u);
  EXPECT_EQ(m.mailbox()->sent_count(), 1u);
}

}  // namespace
}  // namespace remit::notify
