#include "app/refunds.h"

#include <fmt/format.h>

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

Refund load(store::Db& db, int64_t tenant, int64_t id) {
  Query q(db, std::string(kCols) + "WHERE tenant_id = ? AND id = ?", tenant, id);
  if (!q.next()) not_found("refund");
  return {q.i64(0), q.i64(1), q.i64(2), q.text(3), q.text(4), q.text(5), q.text(6), q.text(7)};
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
}  // namespace

Refund refund_payment(Caller& c, int64_t payment_id, Minor amount, const std::string& reason) {
  if (reason.size() > 500) invalid("reason", "must be at most 500 characters");
  int64_t id = 0;
  std::string reference, currency;
  Instant now;
  {
    store::Tx tx(c.db, true);
    Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
    auto locked = detail::lock_owner(ctx, "payments", payment_id);
    if (!locked) not_found("payment");
    Payment p = get_payment(ctx, payment_id);
    if (p.method != "card" && p.method != "wallet")
      precondition("only card and wallet payments are refunded to their method; a bank debit "
                   "or cheque is refunded by cheque");
    if (p.status != "succeeded" && p.status != "settled")
      precondition("the payment is " + p.status + "; only a payment that succeeded is refunded");
    Minor left = p.amount - p.refunded - store::one_int(c.db, kPending, c.tenant_id, payment_id);
    if (amount <= 0 || amount > left)
      invalid("amount", "must be between 0.01 and " + minor_to_decimal(left) +
                            " (what the payment can still give back; the convenience fee is kept)");
    id = store::one_int(c.db,
                        "INSERT INTO refunds (tenant_id, payment_id, amount, reason, status, created_at) "
                        "VALUES (?, ?, ?, ?, 'processing', ?) RETURNING id",
                        c.tenant_id, payment_id, amount, reason, format_instant(ctx.now));
    audit(ctx, "refund.attempted", "payment", payment_id, minor_to_decimal(amount));
    reference = p.processor_ref;
    now = ctx.now;
    tx.commit();
  }
  auto r = c.env.processor()->refund(fmt::format("remit-{}-refund-{}", c.tenant_id, id),
                                     reference, amount, now);
  if (r.status == ChargeStatus::Unknown) {
    store::Tx tx(c.db, false);
    return load(c.db, c.tenant_id, id);
  }
  store::Tx tx(c.db, true);
  Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
  auto locked = detail::lock_owner(ctx, "payments", payment_id);
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

}  // namespace remit::app
