#pragma once
// The application's one seam to the world outside the process (leveldb's Env is the model):
// the clock, the database, outgoing mail and outgoing HTTP. Only src/cli builds a real Env;
// tests build one from the test parts (FixedClock, a test database, MemoryMailer,
// ScriptedHttpClient). Use cases, jobs, delivery workers and the HTTP server take an Env&
// and never read the wall clock, open a database or a socket to the outside themselves.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "store/db.h"

namespace remit::app {

// One email, ready to go: `data` is the whole RFC 5322 message (headers, MIME body) with
// CRLF line ends, as written to an .eml file or sent after SMTP's DATA.
struct OutgoingMail {
  std::string from;                 // envelope sender (MAIL FROM), a bare address
  std::vector<std::string> to;      // envelope recipients (RCPT TO), bare addresses
  std::string message_id;           // the Message-ID header's value, without <>
  std::string data;
};

struct MailResult {
  enum Kind { Sent, Temporary, Permanent } kind = Sent;
  int code = 0;        // the server's last SMTP reply code, 0 if none
  std::string detail;  // a human-readable reason; never contains a password
};

// REQUIRES: one thread at a time (an SMTP mailer keeps its connection open between
// messages); the Env hands out one per delivering thread.
// Permanent: the server refused the message or a recipient with a 5xx reply (retrying
// cannot help). Temporary: anything else that failed (4xx, connection refused, timeout).
class Mailer {
 public:
  virtual ~Mailer() = default;
  virtual MailResult send(const OutgoingMail& m) = 0;
};

struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // POSTed
  bool get = false;  // a GET (the body unused) instead of a POST
  size_t max_body = 4096;  // of the response kept (the rest is read and discarded)
  std::chrono::milliseconds timeout{10000};
  // false: refuse to connect to loopback, private and link-local addresses (checked at
  // connect time, so DNS cannot point a public name at them). Test-mode tenants only.
  bool allow_private_addresses = false;
};
struct HttpResponse {
  int status = 0;      // 0: no HTTP answer (refused, timed out, bad TLS): see error
  std::string body;    // at most the request's max_body first bytes
  std::string error;
};

// REQUIRES: one thread at a time (keeps connections alive between requests).
// post() sends r: a POST, or a GET when r.get (OpenID Connect discovery and keys).
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual HttpResponse post(const HttpRequest& r) = 0;
};

// Settings of outgoing messages.
struct NotifySettings {
  std::string public_url = "http://127.0.0.1:8080";  // base of View & Pay links
  std::string mail_from = "billing@remit.invalid";   // used when the tenant has no email
};

class PaymentProcessor;  // app/processor.h

struct Env {
  const Clock& clock;
  std::string db_url;  // for messages and for code that needs one connection per thread
  std::function<std::unique_ptr<store::Db>()> open_db;  // a new connection
  std::function<std::unique_ptr<Mailer>()> mailer;      // one per delivering thread
  std::function<std::unique_ptr<HttpClient>()> http;    // one per delivering thread
  NotifySettings notify;
  // A processor for this caller's use (app::ProcessorPool::get: reused, one user at a time).
  std::function<std::shared_ptr<PaymentProcessor>()> processor;
  // How long a claimed job is held before another worker may take it again (serve
  // --job-lease); also for the jobs a clock move runs itself.
  std::chrono::seconds job_lease{300};
  // The secret (32 bytes, kept outside the database: derived from the vault key file) from
  // which the portal's one-time sign-in codes are made (app/portal_codes.h).
  std::function<std::string()> code_key = {};
};

// Who asks, for use cases that run their own transactions (they call the payment processor
// between them, never inside one): the Env, this thread's connection, the tenant, the actor.
struct Caller {
  Env& env;
  store::Db& db;
  int64_t tenant_id = 0;
  std::string actor, source;
};

}  // namespace remit::app
