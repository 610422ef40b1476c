#pragma once
// The application Env of tests (app/env.h) from the test parts: a clock the test moves, the
// test database, a MemoryMailer that keeps what was sent (and can be told to fail), and a
// RecordingHttpClient that records requests and plays a scripted receiver, and the sandbox
// payment processor on the test database.
#include <memory>
#include <string>

#include "app/env.h"
#include "notify/memory_mailer.h"
#include "notify/recording_http_client.h"
#include "payments/sandbox_processor.h"

namespace remit::test {

struct TestEnv {
  TestEnv(const Clock& clock, const std::string& url)
      : mailbox(std::make_shared<notify::MemoryMailbox>()),
        http(std::make_shared<notify::HttpLog>()),
        env{clock,
            url,
            [url] { return store::open_db(url); },
            notify::memory_mailer_factory(mailbox),
            [log = http] { return std::make_unique<notify::RecordingHttpClient>(log); },
            {"https://billing.example.com", "billing@example.com"},
            [pool = app::ProcessorPool::create(
                 [url] {
                   payments::VaultKey key;
                   key.fill(42);
                   return std::make_unique<payments::SandboxProcessor>(store::open_db(url), key);
                 },
                 2)] { return pool->get(); }} {
    env.code_key = [] { return std::string(32, 'k'); };
  }
  std::shared_ptr<notify::MemoryMailbox> mailbox;
  std::shared_ptr<notify::HttpLog> http;
  app::Env env;
};

}  // namespace remit::test
