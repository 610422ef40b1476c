#pragma once
// Outbox delivery (F3, F2): sends what app/outbox.h recorded, after the change committed.
// Emails go through the Env's Mailer (SMTP, or .eml files), webhooks through its HttpClient,
// signed per Standard Webhooks. Each message is claimed with a lease, sent, and its outcome
// recorded; a crash between sending and recording sends it again after the lease with the
// same identity (Message-ID, webhook-id), so a receiver that keys on it sees it once:
// delivery is at least once, never lost. Failures retry on the channel's schedule
// (app::retry_delay); a permanent refusal (SMTP 5xx) or a used-up schedule marks the
// message failed, visible in GET /v1/outbox and the endpoint's delivery log.
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "app/env.h"
#include "app/outbox.h"

namespace remit::notify {

struct DeliveryOptions {
  int email_batch = 20, webhook_batch = 100;
  std::chrono::seconds lease{120};
};

// One thread's delivery parts: its connection, mailer and HTTP client.
class Deliverer {
 public:
  Deliverer(app::Env& env, DeliveryOptions opt = {});
  // Claims and sends one batch of each channel; returns the messages handled.
  int deliver_once();
  // Until nothing is due (for the CLI after a bill run or a clock move, and for tests).
  int deliver_all();

 private:
  int emails();
  int webhooks();
  app::Env& env_;
  DeliveryOptions opt_;
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<app::Mailer> mailer_;
  std::unique_ptr<app::HttpClient> http_;
};

// The delivery threads of `remit serve`: each runs a Deliverer until stopped.
class DeliveryWorkers {
 public:
  DeliveryWorkers(app::Env& env, int threads, DeliveryOptions opt = {});
  ~DeliveryWorkers();
  void stop();

 private:
  void loop(std::stop_token st);
  app::Env& env_;
  DeliveryOptions opt_;
  std::mutex mu_;
  std::condition_variable_any wake_;
  std::vector<std::jthread> threads_;
};

}  // namespace remit::notify
