#pragma once
// Test part: a Mailer that keeps messages in memory.
//
// Every MemoryMailer made from one MemoryMailbox shares it, so a test can hand an Env a
// factory (memory_mailer_factory) that makes one mailer per delivering thread and still read
// everything that was sent in one place. The mailbox can be scripted: fail_next(n, kind, code)
// makes the next n send() calls (on any mailer of that mailbox) return that failure instead
// of delivering. Thread-safe.
//
// `attempts` holds every mail handed to send(), `sent` only those that were delivered.
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "app/env.h"

namespace remit::notify {

struct MemoryMailbox {
  mutable std::mutex mu;
  std::vector<app::OutgoingMail> attempts;  // GUARDED_BY(mu)
  std::vector<app::OutgoingMail> sent;      // GUARDED_BY(mu)
  std::deque<app::MailResult> script;       // GUARDED_BY(mu): results of the next calls

  void fail_next(int n, app::MailResult::Kind kind = app::MailResult::Temporary,
                 int code = 451) {
    std::lock_guard lock(mu);
    for (int i = 0; i < n; ++i)
      script.push_back({kind, code, kind == app::MailResult::Permanent
                                        ? "scripted permanent failure"
                                        : "scripted temporary failure"});
  }
  std::vector<app::OutgoingMail> sent_copy() const {
    std::lock_guard lock(mu);
    return sent;
  }
  std::vector<app::OutgoingMail> attempts_copy() const {
    std::lock_guard lock(mu);
    return attempts;
  }
  size_t sent_count() const {
    std::lock_guard lock(mu);
    return sent.size();
  }
  void clear() {
    std::lock_guard lock(mu);
    attempts.clear();
    sent.clear();
    script.clear();
  }
};

class MemoryMailer final : public app::Mailer {
 public:
  explicit MemoryMailer(std::shared_ptr<MemoryMailbox> box = std::make_shared<MemoryMailbox>())
      : box_(std::move(box)) {}

  app::MailResult send(const app::OutgoingMail& m) override {
    std::lock_guard lock(box_->mu);
    box_->attempts.push_back(m);
    if (!box_->script.empty()) {
      app::MailResult r = box_->script.front();
      box_->script.pop_front();
      if (r.kind != app::MailResult::Sent) return r;
    }
    box_->sent.push_back(m);
    return {app::MailResult::Sent, 250, "stored in memory"};
  }

  void fail_next(int n, app::MailResult::Kind kind = app::MailResult::Temporary, int code = 451) {
    box_->fail_next(n, kind, code);
  }
  const std::shared_ptr<MemoryMailbox>& mailbox() const { return box_; }

 private:
  std::shared_ptr<MemoryMailbox> box_;
};

// For app::Env::mailer: each call makes a new MemoryMailer sharing `box`.
inline std::function<std::unique_ptr<app::Mailer>()> memory_mailer_factory(
    std::shared_ptr<MemoryMailbox> box) {
  return [box] { return std::make_unique<MemoryMailer>(box); };
}

}  // namespace remit::notify
