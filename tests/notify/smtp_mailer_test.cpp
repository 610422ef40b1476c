// SmtpMailer against a scripted in-process SMTP server: delivery, connection reuse, dot
// stuffing, and the Sent / Temporary / Permanent classification; SmtpSettings validation.
#include "notify/smtp_mailer.h"

#include <gtest/gtest.h>

#include <mutex>

#include "core/error.h"
#include "fake_server.h"

namespace remit::notify {
namespace {

using testing::FakeServer;
using testing::Reader;
using testing::send_all;

struct SmtpScript {
  std::string greeting = "220 fake.example ESMTP";
  std::string data_reply = "250 2.0.0 queued";
  bool starttls = false;
  bool auth = false;  // offer AUTH PLAIN LOGIN and refuse every attempt with 535
  std::mutex mu;
  std::vector<std::string> messages, commands;
};

// A tiny SMTP server: recipients containing "reject" get 550, "later" get 451.
void serve_smtp(SmtpScript& s, int fd) {
  send_all(fd, s.greeting + "\r\n");
  if (!s.greeting.starts_with("220")) return;
  Reader in(fd);
  std::string line;
  while (in.line(line)) {
    {
      std::lock_guard lock(s.mu);
      s.commands.push_back(line);
    }
    std::string verb = line.substr(0, 4);
    if (verb == "EHLO")
      send_all(fd, std::string("250-fake.example\r\n") +
                       (s.starttls ? "250-STARTTLS\r\n" : "") +
                       (s.auth ? "250-AUTH PLAIN LOGIN\r\n" : "") + "250 SIZE 10000000\r\n");
    else if (verb == "AUTH")
      send_all(fd, "535 5.7.8 authentication failed\r\n");
    else if (verb == "HELO" || verb == "MAIL" || verb == "RSET" || verb == "NOOP")
      send_all(fd, "250 ok\r\n");
    else if (verb == "RCPT")
      send_all(fd, line.find("reject") != std::string::npos ? "550 5.1.1 no such user\r\n"
                   : line.find("later") != std::string::npos ? "451 4.3.0 try later\r\n"
                                                              : "250 ok\r\n");
    else if (verb == "DATA") {
      send_all(fd, "354 go ahead\r\n");
      std::string msg, l;
      while (in.line(l) && l != ".") msg += (l.starts_with(".") ? l.substr(1) : l) + "\r\n";
      {
        std::lock_guard lock(s.mu);
        s.messages.push_back(msg);
      }
      send_all(fd, s.data_reply + "\r\n");
    } else if (verb == "QUIT") {
      send_all(fd, "221 bye\r\n");
      return;
    } else {
      send_all(fd, "502 not implemented\r\n");
    }
  }
}

SmtpSettings settings(int port, SmtpSettings::Tls tls = SmtpSettings::Tls::Off) {
  SmtpSettings s;
  s.url = "smtp://127.0.0.1:" + std::to_string(port);
  s.starttls = tls;
  s.timeout_ms = 5000;
  return s;
}

app::OutgoingMail mail(std::vector<std::string> to, std::string data) {
  return {"billing@acme.example", std::move(to), "t1.o1@remit.example", std::move(data)};
}

const std::string kData = "Subject: hi\r\n\r\nline one\r\n.starts with a dot\r\n..two dots\r\n";

TEST(SmtpMailer, DeliversAndReusesTheConnection) {
  SmtpScript script;
  FakeServer server([&](int fd) { serve_smtp(script, fd); });
  {
    SmtpMailer m(settings(server.port()));
    auto r1 = m.send(mail({"ap@customer.example", "cfo@customer.example"}, kData));
    auto r2 = m.send(mail({"ap@customer.example"}, "Subject: two\r\n\r\nsecond\r\n"));
    EXPECT_EQ(r1.kind, app::MailResult::Sent) << r1.detail;
    EXPECT_EQ(r1.code, 250);
    EXPECT_EQ(r2.kind, app::MailResult::Sent) << r2.detail;
  }
  std::lock_guard lock(script.mu);
  ASSERT_EQ(script.messages.size(), 2u);
  EXPECT_EQ(script.messages[0], kData);
  EXPECT_EQ(server.connections(), 1);
  int rcpts = 0;
  for (const auto& c : script.commands) rcpts += c.starts_with("RCPT TO:") ? 1 : 0;
  EXPECT_EQ(rcpts, 3);
  EXPECT_TRUE(script.commands[1].starts_with("MAIL FROM:<billing@acme.example>"));
}

TEST(SmtpMailer, RefusedRecipientIsPermanentAndTheMailerStaysUsable) {
  SmtpScript script;
  FakeServer server([&](int fd) { serve_smtp(script, fd); });
  SmtpMailer m(settings(server.port()));
  auto r = m.send(mail({"ap@customer.example", "reject@customer.example"}, kData));
  EXPECT_EQ(r.kind, app::MailResult::Permanent) << r.detail;
  EXPECT_EQ(r.code, 550);
  EXPECT_NE(r.detail.find("550"), std::string::npos);
  auto again = m.send(mail({"ap@customer.example"}, kData));
  EXPECT_EQ(again.kind, app::MailResult::Sent) << again.detail;
  std::lock_guard lock(script.mu);
  EXPECT_EQ(script.messages.size(), 1u);
}

TEST(SmtpMailer, TemporaryRecipientFailureIsTemporary) {
  SmtpScript script;
  FakeServer server([&](int fd) { serve_smtp(script, fd); });
  SmtpMailer m(settings(server.port()));
  auto r = m.send(mail({"later@customer.example"}, kData));
  EXPECT_EQ(r.kind, app::MailResult::Temporary) << r.detail;
  EXPECT_EQ(r.code, 451);
}

TEST(SmtpMailer, RefusalAfterTheDataIsPermanent) {
  SmtpScript script;
  script.data_reply = "554 5.7.1 message refused";
  FakeServer server([&](int fd) { serve_smtp(script, fd); });
  SmtpMailer m(settings(server.port()));
  auto r = m.send(mail({"ap@customer.example"}, kData));
  EXPECT_EQ(r.kind, app::MailResult::Permanent) << r.detail;
  EXPECT_EQ(r.code, 554);
}

TEST(SmtpMailer, TemporaryRefusalAfterTheDataIsTemporary) {
  SmtpScript script;
  script.data_reply = "452 4.3.1 insufficient storage";
  FakeServer server([&](int fd) { serve_smtp(script, fd); });
  SmtpMailer m(settings(server.port()));
  auto r = m.send(mail({"ap@customer.example"}, kData));
  EXPECT_EQ(r.kind, app::MailResult::Temporary) << r.detail;
  EXPECT_EQ(r.code, 452);
}

TEST(SmtpMailer, GreetingRefusalIsTemporary) {
  SmtpScript script;
  script.greeting = "554 5.7.1 go away";
  FakeServer server([&](int fd) { serve_smtp(script, fd); });
  SmtpMailer m(settings(server.port()));
  auto r = m.send(mail({"ap@customer.example"}, kData));
  EXPECT_EQ(r.kind, app::MailResult::Temporary) << r.detail;
}

TEST(SmtpMailer, RequiredStarttlsWithoutTlsIsTemporaryAndSendsNothing) {
  SmtpScript script;
  FakeServer server([&](int fd) { serve_smtp(script, fd); });
  SmtpMailer m(settings(server.port(), SmtpSettings::Tls::Required));
  auto r = m.send(mail({"ap@customer.example"}, kData));
  EXPECT_EQ(r.kind, app::MailResult::Temporary) << r.detail;
  std::lock_guard lock(script.mu);
  EXPECT_TRUE(script.messages.empty());
}

TEST(SmtpMailer, FailedLoginIsTemporaryAndNeverShowsThePassword) {
  SmtpScript script;
  script.auth = true;
  FakeServer server([&](int fd) { serve_smtp(script, fd); });
  auto s = settings(server.port());
  s.username = "remit";
  s.password = "s3cret-Pa55word";
  SmtpMailer m(s);
  auto r = m.send(mail({"ap@customer.example"}, kData));
  EXPECT_EQ(r.kind, app::MailResult::Temporary) << r.detail;
  EXPECT_EQ(r.code, 535);
  EXPECT_EQ(r.detail.find("s3cret"), std::string::npos);
  std::lock_guard lock(script.mu);
  EXPECT_TRUE(script.messages.empty());
}

TEST(SmtpMailer, NothingListeningIsTemporary) {
  SmtpMailer m(settings(testing::closed_port()));
  auto r = m.send(mail({"ap@customer.example"}, kData));
  EXPECT_EQ(r.kind, app::MailResult::Temporary) << r.detail;
  EXPECT_EQ(r.code, 0);
  EXPECT_FALSE(r.detail.empty());
}

TEST(SmtpMailer, BadEnvelopeIsPermanentWithoutConnecting) {
  SmtpMailer m(settings(testing::closed_port()));
  EXPECT_EQ(m.send(mail({}, kData)).kind, app::MailResult::Permanent);
  EXPECT_EQ(m.send(mail({"a@b.example\r\nRCPT TO:<x@y>"}, kData)).kind,
            app::MailResult::Permanent);
}

std::string field_of(const SmtpSettings& s) {
  try {
    validate(s);
    return "";
  } catch (const Error& e) {
    EXPECT_EQ(e.code, Code::InvalidArgument);
    return e.field;
  }
}

TEST(SmtpSettings, ValidationNamesTheField) {
  SmtpSettings s;
  for (const char* ok : {"smtp://mail.example.com", "smtp://mail.example.com:587",
                         "smtps://mail.example.com:465", "smtp://127.0.0.1:2525",
                         "smtp://[::1]:25"}) {
    s.url = ok;
    EXPECT_EQ(field_of(s), "") << ok;
  }
  for (const char* bad :
       {"", "http://mail.example.com", "mail.example.com:25", "smtp://", "smtp://:25",
        "smtp://mail.example.com:99999", "smtp://mail.example.com:abc",
        "smtp://user:pw@mail.example.com", "smtp://user@mail.example.com",
        "smtp://mail.example.com:25?x=1", "smtp://mail example.com"}) {
    s.url = bad;
    EXPECT_EQ(field_of(s), "smtp_url") << bad;
  }
  s.url = "smtp://mail.example.com";
  s.timeout_ms = 0;
  EXPECT_EQ(field_of(s), "smtp_timeout_ms");
  s.timeout_ms = 1000;
  s.password = "pw";
  EXPECT_EQ(field_of(s), "smtp_username");
  EXPECT_THROW(SmtpMailer{SmtpSettings{}}, Error);
}

TEST(SmtpSettings, ParseStarttls) {
  EXPECT_EQ(parse_starttls("required", "smtp_starttls"), SmtpSettings::Tls::Required);
  EXPECT_EQ(parse_starttls("Optional", "smtp_starttls"), SmtpSettings::Tls::Optional);
  EXPECT_EQ(parse_starttls("off", "smtp_starttls"), SmtpSettings::Tls::Off);
  try {
    parse_starttls("always", "smtp-starttls");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.field, "smtp-starttls");
  }
}

}  // namespace
}  // namespace remit::notify
