#pragma once
// Events (F2) and the outbox (F3): what the world outside hears of a change is written in the
// same transaction as the change, and sent after it commits (notify/delivery.h), so a crash
// loses nothing. Each outbox row is one message to one recipient set: an email (topic
// invoice | credit_note | payment_receipt | payment_failed | payment_returned |
// payment_digest | cheque_refund, about entity_id, to the comma-separated recipients) or a
// webhook delivery (an event to one endpoint). Its id makes the message's stable identity, the
// same on every retry: Message-ID <t{tenant}.o{id}@host>, webhook-id "msg_{tenant}_{id}".
//
// Event types: invoice.finalized, invoice.paid, invoice.voided, invoice.marked_uncollectible,
// credit_note.created, payment.created, payment.reversed, account.created, account.updated,
// bill_run.completed, the payment and payment method events (docs/payments.md),
// cheque_refund.created, cheque_refund.issued, cheque_refund.voided. An event's data is a snapshot of the object's main fields at the
// time of the event ("object", "id" and what a receiver needs to act; the API has the rest).
#include <boost/json/object.hpp>

#include "app/context.h"

namespace remit::app {

inline constexpr const char* kEventTypes[] = {
    "invoice.finalized",  "invoice.paid",     "invoice.voided",   "invoice.marked_uncollectible",
    "credit_note.created", "payment.created", "payment.reversed", "account.created",
    "account.updated",    "bill_run.completed", "payment_method.created",
    "payment_method.verified", "payment_method.deleted", "payment.succeeded", "payment.failed",
    "payment.settled", "payment.returned", "payment.refunded", "cheque_refund.created",
    "cheque_refund.issued", "cheque_refund.voided"};
bool is_event_type(std::string_view t);

// An invoice as its finalization's messages need it.
struct FinalizedInvoice {
  int64_t id = 0, account_id = 0, number = 0;
  std::string stream, issue_date, due_date, status;
  Minor subtotal = 0, amount_due = 0;
  std::string emails;     // the billing account's contacts, comma-separated
  bool paperless = true;  // false: a paper statement is queued, and its fee charged
};

// Collects a transaction's events and messages and writes them in one go (the bill run
// collects a whole chunk's). REQUIRES: write() in the same transaction as the change.
class Notices {
 public:
  explicit Notices(Ctx& ctx);
  void event(std::string_view type, std::string_view entity, int64_t id, boost::json::object data);
  void email(std::string_view topic, int64_t entity_id, const std::string& recipients);
  // invoice.finalized, the invoice email to the contacts, and for an account on paper a
  // paper statement queued for today's print batch and the tenant's paper fee charged to
  // the account's next invoice of the same stream.
  void invoice_finalized(const FinalizedInvoice& inv);
  void write();

 private:
  struct Endpoint {
    int64_t id;
    std::string types;  // "*" or ",a,b,"
  };
  Ctx& ctx_;
  std::vector<Endpoint> endpoints_;
  struct Event {
    std::string type, entity, data;
    int64_t entity_id;
  };
  std::vector<Event> events_;
  store::RowSet outbox_, paper_, charges_;
  std::optional<Minor> paper_fee_;  // the tenant's, read when first needed
};

// Loads a just-finalized invoice and its billing account's contacts, and writes what its
// finalization sends (Notices::invoice_finalized).
void notify_finalized(Ctx& ctx, int64_t invoice_id);
// One event, written now (for use cases that raise one).
void record_event(Ctx& ctx, std::string_view type, std::string_view entity, int64_t id,
                  boost::json::object data);
boost::json::object invoice_data(const Invoice& i);
boost::json::object payment_data(const Payment& p);
boost::json::object account_data(const Account& a);

// The event's JSON as sent: {"type", "timestamp", "data"}.
struct EventRec {
  int64_t id = 0;
  std::string type, entity;
  std::optional<int64_t> entity_id;
  std::string data, created_at;
  std::string payload() const;
};
Page<EventRec> list_events(Ctx& ctx, std::optional<std::string> type, const PageReq& page);

struct OutboxRec {
  int64_t id = 0, tenant_id = 0;
  std::string channel, topic;
  std::optional<int64_t> entity_id, event_id, endpoint_id;
  std::string recipients, status;  // pending | sent | failed
  int64_t attempts = 0;
  std::string next_at;
  std::optional<int64_t> last_code;
  std::string last_error, created_at;
  std::optional<std::string> sent_at;
};
struct OutboxFilter {
  std::optional<std::string> channel, status;
  std::optional<int64_t> endpoint_id;
};
Page<OutboxRec> list_outbox(Ctx& ctx, const OutboxFilter& f, const PageReq& page);
// Sends a message again (a sent or failed one; due now, attempts from 0).
OutboxRec resend(Ctx& ctx, int64_t id);

// Marks the tenant's pending messages created before its today + `offset` as skipped
// (status "skipped"): the demo's year of history is not mailed. Returns how many.
int64_t skip_messages_before(store::Db& db, const Clock& clock, int64_t tenant_id,
                             date::days offset);

// Across all tenants, for /metrics.
struct OutboxStats {
  int64_t email_pending = 0, email_failed = 0, webhook_pending = 0, webhook_failed = 0;
};
OutboxStats outbox_stats(store::Db& db);

// --- delivery (notify/delivery.cpp) ---
// Claims up to `limit` of one tenant's due messages on `channel` (on PostgreSQL with SKIP
// LOCKED) and leases them: each is marked attempted and not due again until `lease` has
// passed, so a delivery process killed mid-send has its messages retried, with the same
// identity, after the lease. Tenants are visited in turn; returns {} when nothing is due.
struct Claimed {
  int64_t tenant_id = 0;
  std::vector<OutboxRec> rows;
};
Claimed claim_messages(store::Db& db, const Clock& clock, std::string_view channel, int limit,
                       std::chrono::seconds lease);
enum class Outcome { Sent, Retry, Failed };
struct DeliveryResult {
  int64_t id = 0;
  int64_t attempts = 0;  // made so far, this one included (the claimed row's)
  Outcome outcome = Outcome::Sent;
  std::optional<int64_t> code;
  std::string error;
};
// Records outcomes of one tenant's claimed messages: a retry is due after the channel's
// schedule for its attempt count, and fails for good once the schedule is used up.
void record_deliveries(store::Db& db, const Clock& clock, int64_t tenant_id,
                       std::string_view channel, const std::vector<DeliveryResult>& results);
// Hands claimed messages back unattempted (their lease and attempt undone).
void release_messages(store::Db& db, int64_t tenant_id, const std::vector<int64_t>& ids);
// The delay before attempt n+1 (n >= 1 attempts made); nullopt: give up.
// webhook: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (Standard Webhooks' schedule, after the
// immediate first attempt); email: 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 24 h, 24 h.
std::optional<std::chrono::seconds> retry_delay(std::string_view channel, int64_t attempts);

}  // namespace remit::app
