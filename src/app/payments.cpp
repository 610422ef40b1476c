// Staff-posted payments (D1: cheque, bank transfer) applied to invoices through the ledger.
#include <sodium.h>

#include "app/internal.h"
#include "app/invoices.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kInsert =
    "INSERT INTO payments (tenant_id, account_id, method, reference, amount, received_date, "
    "status, confirmation, created_at) VALUES (?, ?, ?, ?, ?, ?, 'succeeded', ?, ?) RETURNING id";
constexpr const char* kCols =
    "SELECT id, account_id, method, reference, amount, received_date, status, confirmation, "
    "created_at FROM payments ";
constexpr const char* kOpenInvoices =
    "SELECT id, amount_due FROM invoices WHERE tenant_id = ? AND account_id = ? "
    "AND status = 'open' ORDER BY due_date, id";
constexpr const char* kChosen =
    "SELECT id, amount_due, status, account_id FROM invoices WHERE tenant_id = ? AND id = ?";
constexpr const char* kPay =
    "UPDATE invoices SET amount_paid = amount_paid + ?, amount_due = amount_due - ?, "
    "status = CASE WHEN amount_due - ? = 0 THEN 'paid' ELSE status END "
    "WHERE tenant_id = ? AND id = ?";
constexpr const char* kInsertApp =
    "INSERT INTO payment_applications (tenant_id, payment_id, invoice_id, amount) VALUES (?, ?, ?, "
    "?)";
constexpr const char* kApps =
    "SELECT invoice_id, amount FROM payment_applications WHERE tenant_id = ? AND payment_id = ? "
    "ORDER BY id";
constexpr const char* kBillingAccount =
    "SELECT a.billing_account_id, p.number FROM accounts a "
    "JOIN accounts p ON p.tenant_id = a.tenant_id AND p.id = a.billing_account_id "
    "WHERE a.tenant_id = ? AND a.id = ?";

std::string confirmation_code() {
  static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string s = "P-";
  for (int i = 0; i < 10; ++i) s += alphabet[randombytes_uniform(sizeof alphabet - 1)];
  return s;
}

Payment read(Query& q) {
  Payment p;
  p.id = q.i64(0);
  p.account_id = q.i64(1);
  p.method = q.text(2);
  p.reference = q.text(3);
  p.amount = q.i64(4);
  p.received_date = q.text(5);
  p.status = q.text(6);
  p.confirmation = q.text(7);
  p.created_at = q.text(8);
  return p;
}
}  // namespace

Payment post_payment(Ctx& ctx, const NewPayment& in) {
  if (sodium_init() < 0) throw Error(Code::Internal, "libsodium failed to initialise");
  detail::require_account(ctx, in.account_id);
  {  // a child billed to its parent has no invoices: its credit would never be used
    Query q(ctx.db, kBillingAccount, ctx.tenant.id, in.account_id);
    if (q.next() && q.i64(0) != in.account_id)
      invalid("account_id", "the account is billed to its parent account " + q.text(1) +
                                "; post the payment there");
  }
  if (in.method != "cheque" && in.method != "bank_transfer")
    invalid("method", "must be cheque or bank_transfer");
  if (in.amount <= 0 || in.amount > 100'000'000'00) invalid("amount", "must be greater than 0");
  if (in.reference.size() > 100) invalid("reference", "must be at most 100 characters");
  Date received = detail::date_or_today(ctx, "received_date", in.received_date);
  if (received > ctx.today) invalid("received_date", "cannot be in the future");
  // Where it goes: the chosen invoice, else the oldest due first.
  std::vector<std::pair<int64_t, Minor>> targets;
  if (in.invoice_id) {
    Query q(ctx.db, kChosen, ctx.tenant.id, *in.invoice_id);
    if (!q.next() || q.i64(3) != in.account_id)
      invalid("invoice_id", "no such invoice on this account");
    if (q.text(2) != "open") invalid("invoice_id", "the invoice is not open");
    targets.push_back({q.i64(0), q.i64(1)});
  } else {
    Query q(ctx.db, kOpenInvoices, ctx.tenant.id, in.account_id);
    while (q.next()) targets.push_back({q.i64(0), q.i64(1)});
  }
  std::string confirmation = confirmation_code();
  int64_t id =
      store::one_int(ctx.db, kInsert, ctx.tenant.id, in.account_id, in.method, in.reference,
                     in.amount, format_date(received), confirmation, format_instant(ctx.now));
  // One ledger transaction: cash in, receivable down per invoice, the rest account credit.
  std::vector<detail::Posting> legs = {{"cash", {}, {}, id, in.amount}};
  Minor left = in.amount;
  for (auto& [inv, due] : targets) {
    if (left == 0) break;
    Minor a = std::min(left, due);
    if (a <= 0) continue;
    left -= a;
    store::exec(ctx.db, kPay, a, a, a, ctx.tenant.id, inv);
    store::exec(ctx.db, kInsertApp, ctx.tenant.id, id, inv, a);
    legs.push_back({"ar", in.account_id, inv, id, -a});
  }
  if (left > 0) {
    legs.push_back({"credit", in.account_id, {}, id, -left});
    Minor credit = detail::account_credit(ctx.db, ctx.tenant.id, in.account_id);
    detail::set_account_credit(ctx.db, ctx.tenant.id, in.account_id, credit + left);
  }
  detail::post_ledger(ctx.db, ctx.tenant.id, ctx.today, legs);
  audit(ctx, "payment.posted", "payment", id, in.method + " " + minor_to_decimal(in.amount));
  return get_payment(ctx, id);
}

Payment get_payment(Ctx& ctx, int64_t id) {
  Payment p;
  {
    Query q(ctx.db, std::string(kCols) + "WHERE tenant_id = ? AND id = ?", ctx.tenant.id, id);
    if (!q.next()) not_found("payment");
    p = read(q);
  }
  Query q(ctx.db, kApps, ctx.tenant.id, id);
  Minor applied = 0;
  while (q.next()) {
    p.applications.push_back({q.i64(0), q.i64(1)});
    applied += q.i64(1);
  }
  p.unapplied = p.amount - applied;
  return p;
}

Page<Payment> list_payments(Ctx& ctx, std::optional<int64_t> account_id, const PageReq& page) {
  return detail::page_of(ctx, "payments", account_id, page,
                         [&](int64_t id) { return get_payment(ctx, id); });
}

}  // namespace remit::app
