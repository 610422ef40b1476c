#include "app/refunds.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/internal.h"
#include "app/invoices.h"
#include "app/outbox.h"
#include "app/processor.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kCols =
    "SELECT id, payment_id, amount, reason, status, processor_ref, failure_code, created_at "
    "FROM refunds ";
constexpr const char* kPending =
    "SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE tenant_id = ? AND payment_id = ? AND "
    "status = 'processing'";

Refund row(Query& q) {
  return {q.i64(0), q.i64(1), q.i64(2), q.text(3), q.text(4), q.text(5), q.text(6), q.text(7)};
}

Refund load(store::Db& db, int64_t tenant, int64_t id) {
  Query q(db, std::string(kCols) + "WHERE tenant_id = ? AND id = ?", tenant, id);
  if (!q.next()) not_found("refund");
  return row(q);
}

// Books a refund the processor made. REQUIRES: the account's lock.
void book_refund(Ctx& ctx, const Payment& p, Minor amount, Minor credit) {
  Minor from_credit = std::min({amount, p.unapplied, credit});
  Minor rest = amount - from_credit;
  domain::Postings legs;
  if (from_credit > 0) legs.push_back({domain::Book::Credit, p.account_id, {}, p.id, from_credit});
  for (auto it = p.applications.rbegin(); it != p.applications.rend() && rest > 0; ++it) {
    Minor x = std::min(rest, it->amount);
    store::exec(ctx.db,
                "UPDATE invoices SET amount_paid = amount_paid - ?, amount_due = amount_due + ?, "
                "status = 'open' WHERE tenant_id = ? AND id = ?",
                x, x, ctx.tenant.id, it->invoice_id);
    store::exec(ctx.db,
                "UPDATE payment_applications SET amount = amount - ? WHERE tenant_id = ? AND "
                "payment_id = ? AND invoice_id = ?",
                x, ctx.tenant.id, p.id, it->invoice_id);
    legs.push_back({domain::Book::Ar, p.account_id, it->invoice_id, p.id, x});
    rest -= x;
  }
  if (rest > 0) precondition("the payment's credit has been used; credit what used it first");
  store::exec(ctx.db, "DELETE FROM payment_applications WHERE tenant_id = ? AND payment_id = ? AND amount = 0",
              ctx.tenant.id, p.id);
  detail::add_credit(ctx.db, ctx.tenant.id, p.account_id, -from_credit);
  legs.push_back({p.status == "settled" ? domain::Book::Cash : domain::Book::Clearing, {}, {}, p.id,
                  -amount});
  detail::post_ledger(ctx.db, ctx.tenant.id, ctx.today, legs);
  store::exec(ctx.db, "UPDATE payments SET refunded = refunded + ? WHERE tenant_id = ? AND id = ?",
              amount, ctx.tenant.id, p.id);
}

std::string refund_key(int64_t tenant, int64_t id) { return fmt::format("remit-{}-refund-{}", tenant, id); }

// The processor's answer booked: a refusal marks the refund failed (and is thrown), money
// given back is booked as book_refund() says. An answer still unknown changes nothing.
Refund finish_refund(Caller& c, int64_t id, int64_t payment_id, Minor amount, const ProcessorResult& r) {
  store::Tx tx(c.db, true);
  if (r.status == ChargeStatus::Unknown) return load(c.db, c.tenant_id, id);
  Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
  auto locked = detail::lock_owner(ctx, "payments", payment_id);
  if (load(c.db, c.tenant_id, id).status != "processing") return load(c.db, c.tenant_id, id);  // booked already
  if (r.status == ChargeStatus::Failed) {
    store::exec(c.db, "UPDATE refunds SET status = 'failed', failure_code = ? WHERE tenant_id = ? AND id = ?",
                r.code, c.tenant_id, id);
    tx.commit();
    throw Error(Code::PaymentDeclined, "the processor refused the refund: " + r.code, "amount");
  }
  book_refund(ctx, get_payment(ctx, payment_id), amount, locked->credit);
  store::exec(c.db,
              "UPDATE refunds SET status = 'succeeded', processor_ref = ? WHERE tenant_id = ? AND id = ?",
              r.reference, c.tenant_id, id);
  audit(ctx, "payment.refunded", "payment", payment_id, minor_to_decimal(amount));
  record_event(ctx, "payment.refunded", "payment", payment_id, payment_data(get_payment(ctx, payment_id)));
  Refund done = load(c.db, c.tenant_id, id);
  tx.commit();
  return done;
}
}  // namespace

Refund refund_payment(Caller& c, int64_t payment_id, Minor amount, const std::string& reason,
                      const std::string& request_key) {
  if (reason.size() > 500) invalid("reason", "must be at most 500 characters");
  int64_t id = 0;
  std::string reference;
  Instant now;
  {
    store::Tx tx(c.db, true);
    Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
    auto locked = detail::lock_owner(ctx, "payments", payment_id);
    if (!locked) not_found("payment");
    if (!request_key.empty()) {  // the same request again (even while the first is in flight)
      Query q(c.db, std::string(kCols) + "WHERE tenant_id = ? AND request_key = ?", c.tenant_id, request_key);
      if (q.next()) {
        if (q.i64(1) != payment_id || q.i64(2) != amount)
          throw Error(Code::Conflict, "this Idempotency-Key was used for another refund");
        return row(q);
      }
    }
    Payment p = get_payment(ctx, payment_id);
    if (p.method != "card" && p.method != "wallet")
      precondition("only card and wallet payments are refunded to their method; a bank debit "
                   "or cheque is refunded by cheque");
    if (p.status != "succeeded" && p.status != "settled")
      precondition("the payment is " + p.status + "; only a payment that succeeded is refunded");
    Minor pending = store::one_int(c.db, kPending, c.tenant_id, payment_id);
    Minor left = p.amount - p.refunded - pending;
    if (amount <= 0 || amount > left)
      invalid("amount", "must be between 0.01 and " + minor_to_decimal(left) +
                            " (what the payment can still give back; the convenience fee is kept)");
    // What booking can take back: the credit it left (while the account still has it) and
    // what it paid. Checked before the processor moves any money.
    Minor rest = amount + pending - std::min(p.unapplied, locked->credit);
    for (auto it = p.applications.rbegin(); it != p.applications.rend() && rest > 0; ++it) {
      std::string status = get_invoice(ctx, it->invoice_id).status;
      if (status != "paid" && status != "open")  // written off or void: it cannot reopen
        precondition("the payment paid invoice " + std::to_string(it->invoice_id) + ", now " + status +
                     ", which a refund cannot reopen; refund at most what the payment left as credit");
      rest -= it->amount;
    }
    if (rest > 0) precondition("the payment's credit has been used; credit what used it first");
    id = store::one_int(c.db,
                        "INSERT INTO refunds (tenant_id, payment_id, amount, reason, status, created_at, "
                        "request_key) VALUES (?, ?, ?, ?, 'processing', ?, ?) RETURNING id",
                        c.tenant_id, payment_id, amount, reason, format_instant(ctx.now),
                        request_key.empty() ? std::nullopt : std::optional(request_key));
    audit(ctx, "refund.attempted", "payment", payment_id, minor_to_decimal(amount));
    reference = p.processor_ref;
    now = ctx.now;
    tx.commit();
  }
  return finish_refund(c, id, payment_id, amount,
                       c.env.processor()->refund(refund_key(c.tenant_id, id), reference, amount, now));
}

int resolve_refunds(Caller& c, std::chrono::seconds after) {
  struct Open {
    int64_t id, payment_id;
    Minor amount;
    std::string reference;
  };
  std::vector<Open> open;
  Instant now;
  {
    store::Tx tx(c.db, false);
    Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
    now = ctx.now;
    Query q(c.db,
            "SELECT r.id, r.payment_id, r.amount, p.processor_ref FROM refunds r JOIN payments p ON "
            "p.tenant_id = r.tenant_id AND p.id = r.payment_id WHERE r.tenant_id = ? AND "
            "r.status = 'processing' AND r.created_at <= ? ORDER BY r.id",
            c.tenant_id, format_instant(now - after));
    while (q.next()) open.push_back({q.i64(0), q.i64(1), q.i64(2), q.text(3)});
  }
  int done = 0;
  for (auto& o : open) {
    // Asked again under the same key: the processor answers what it did, or does it now.
    ProcessorResult r = c.env.processor()->refund(refund_key(c.tenant_id, o.id), o.reference, o.amount, now);
    try {
      if (finish_refund(c, o.id, o.payment_id, o.amount, r).status != "processing") ++done;
    } catch (const Error& e) {
      if (e.code == Code::PaymentDeclined) {
        ++done;
      } else if (e.code == Code::FailedPrecondition) {  // the credit it would take back was used meanwhile
        spdlog::warn("event=refund_unbookable tenant={} refund={} reason=\"{}\"", c.tenant_id, o.id, e.what());
      } else {
        throw;
      }
    }
  }
  return done;
}

}  // namespace remit::app
