// EmlMailer: one whole file per message id; a retry replaces the file; I/O errors are
// Temporary.
#include "notify/eml_mailer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace remit::notify {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("remit-eml-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
  return out;
}

app::OutgoingMail mail(std::string id, std::string data) {
  return {"billing@acme.example", {"ap@customer.example"}, std::move(id), std::move(data)};
}

TEST(EmlMailer, WritesOneFilePerMessageIdAndCreatesTheDirectory) {
  TempDir t;
  EmlMailer m(t.path / "outbox");
  auto r1 = m.send(mail("t1.o1@remit.example", "Subject: one\r\n\r\nbody one\r\n"));
  auto r2 = m.send(mail("t1.o2@remit.example", "Subject: two\r\n\r\nbody two\r\n"));
  EXPECT_EQ(r1.kind, app::MailResult::Sent);
  EXPECT_EQ(r1.code, 250);
  EXPECT_EQ(r2.kind, app::MailResult::Sent);
  EXPECT_EQ(files(t.path / "outbox").size(), 2u);
  EXPECT_EQ(slurp(t.path / "outbox" / "t1.o1@remit.example.eml"),
            "Subject: one\r\n\r\nbody one\r\n");
  EXPECT_EQ(r1.detail, (t.path / "outbox" / "t1.o1@remit.example.eml").string());
}

TEST(EmlMailer, RetryingTheSameIdLeavesOneFile) {
  TempDir t;
  EmlMailer m(t.path);
  m.send(mail("t1.o7@remit.example", "first attempt"));
  m.send(mail("t1.o7@remit.example", "second attempt"));
  EmlMailer other(t.path);  // another thread's mailer
  other.send(mail("t1.o7@remit.example", "third attempt"));
  auto fs = files(t.path);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(slurp(fs[0]), "third attempt");
}

TEST(EmlMailer, SanitisesIdsWithoutMergingThem) {
  TempDir t;
  EmlMailer m(t.path);
  m.send(mail("../../etc/passwd", "a"));
  m.send(mail("a/b", "b"));
  m.send(mail("a_b", "c"));
  m.send(mail(std::string(400, 'x'), "d"));
  auto fs = files(t.path);
  EXPECT_EQ(fs.size(), 4u);
  for (const auto& f : fs) {
    EXPECT_EQ(f.parent_path(), t.path);
    EXPECT_EQ(f.extension(), ".eml");
    EXPECT_LT(f.filename().string().size(), 200u);
    EXPECT_NE(f.filename().string().front(), '.');
  }
  EXPECT_EQ(m.path_for("a_b"), t.path / "a_b.eml");
  EXPECT_NE(m.path_for("a/b"), m.path_for("a_b"));
}

TEST(EmlMailer, IoErrorIsTemporaryAndEmptyIdPermanent) {
  TempDir t;
  fs::create_directories(t.path);
  std::ofstream(t.path / "not-a-dir") << "x";
  EmlMailer m(t.path / "not-a-dir" / "outbox");
  auto r = m.send(mail("t1.o1@remit.example", "x"));
  EXPECT_EQ(r.kind, app::MailResult::Temporary);
  EXPECT_FALSE(r.detail.empty());
  EmlMailer ok(t.path);
  EXPECT_EQ(ok.send(mail("", "x")).kind, app::MailResult::Permanent);
}

}  // namespace
}  // namespace remit::notify
