// Staff-posted payments (D1: cheque, bank transfer) applied to invoices through the ledger,
// and their reversal. Allocation and postings are the domain's (domain/ledger.h).
#include <sodium.h>

#include <regex>

#include "app/accounts.h"
#include "app/internal.h"
#include "app/invoices.h"
#include "app/outbox.h"
#include "app/payment_policy.h"
#include "app/subscriptions.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kInsert =
    "INSERT INTO payments (tenant_id, account_id, method, reference, amount, received_date, "
    "status, confirmation, created_at) VALUES (?, ?, ?, ?, ?, ?, 'succeeded', ?, ?) RETURNING id";
constexpr const char* kCols =
    "SELECT id, account_id, method, reference, amount, received_date, status, confirmation, "
    "created_at, reversed_at, fee, channel, method_brand, method_last4, processor_ref, "
    "failure_code, return_code, method_id, group_id, refunded, settled_at, returned_at "
    "FROM payments ";
constexpr const char* kUnpay =
    "UPDATE invoices SET amount_paid = amount_paid - ?, amount_due = amount_due + ?, "
    "status = 'open' WHERE tenant_id = ? AND id = ?";
constexpr const char* kPaymentLegs =
    "SELECT book, account_id, invoice_id, SUM(amount) FROM ledger_entries "
    "WHERE tenant_id = ? AND payment_id = ? GROUP BY book, account_id, invoice_id "
    "HAVING SUM(amount) <> 0";
constexpr const char* kDropApps =
    "DELETE FROM payment_applications WHERE tenant_id = ? AND payment_id = ?";
constexpr const char* kMarkReversed =
    "UPDATE payments SET status = 'reversed', reversed_at = ? WHERE tenant_id = ? AND id = ?";
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
  p.reversed_at = q.opt_text(9);
  p.fee = q.i64(10);
  p.channel = q.text(11);
  p.method_brand = q.text(12);
  p.method_last4 = q.text(13);
  p.processor_ref = q.text(14);
  p.failure_code = q.text(15);
  p.return_code = q.text(16);
  p.method_id = q.opt_i64(17);
  p.group_id = q.opt_i64(18);
  p.refunded = q.i64(19);
  p.settled_at = q.opt_text(20);
  p.returned_at = q.opt_text(21);
  return p;
}
}  // namespace

Payment post_payment(Ctx& ctx, const NewPayment& in) {
  if (sodium_init() < 0) throw Error(Code::Internal, "libsodium failed to initialise");
  if (in.method != "cheque" && in.method != "bank_transfer")
    invalid("method", "must be cheque or bank_transfer");
  if (in.amount <= 0 || in.amount > kMaxAmount)
    invalid("amount", "must be between 0.01 and " + minor_to_decimal(kMaxAmount));
  if (in.reference.size() > 100) invalid("reference", "must be at most 100 characters");
  Date received = detail::date_or_today(ctx, "received_date", in.received_date);
  if (received > ctx.today) invalid("received_date", "cannot be in the future");
  if (received < ctx.today - date::years{10}) invalid("received_date", "must be within the last 10 years");
  {  // a child billed to its parent has no invoices: its credit would never be used
    Query q(ctx.db, kBillingAccount, ctx.tenant.id, in.account_id);
    if (!q.next()) invalid("account_id", "no such account");
    if (q.i64(0) != in.account_id)
      invalid("account_id", "the account is billed to its parent account " + q.text(1) +
                                "; post the payment there");
  }
  Minor credit = detail::lock_account(ctx, in.account_id);
  // Where it goes: the chosen invoice, else the oldest due first (read under the lock).
  std::vector<domain::Due> targets;
  if (in.invoice_id) {
    Query q(ctx.db, kChosen, ctx.tenant.id, *in.invoice_id);
    if (!q.next() || q.i64(3) != in.account_id)
      invalid("invoice_id", "no such invoice on this account");
    if (q.text(2) != "open") invalid("invoice_id", "the invoice is not open");
    targets.push_back({q.i64(0), q.i64(1)});
  } else {
    targets = detail::open_targets(ctx, in.account_id);
  }
  auto alloc = domain::allocate_payment(in.amount, targets);
  detail::require_credit_room(ctx, in.account_id, credit, alloc.to_credit, "amount");
  int64_t id = store::one_int(ctx.db, kInsert, ctx.tenant.id, in.account_id, in.method,
                              in.reference, in.amount, format_date(received),
                              detail::confirmation_code(), format_instant(ctx.now));
  audit(ctx, "payment.posted", "payment", id, in.method + " " + minor_to_decimal(in.amount));
  Notices n(ctx);
  detail::book_payment(ctx, n, id, in.account_id, in.amount, alloc, domain::Book::Cash);
  n.write();
  return get_payment(ctx, id);
}

namespace detail {
std::string confirmation_code() {
  static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string s = "P-";
  for (int i = 0; i < 10; ++i) s += alphabet[randombytes_uniform(sizeof alphabet - 1)];
  return s;
}

std::vector<domain::Due> open_targets(Ctx& ctx, int64_t account_id) {
  std::vector<domain::Due> targets;
  Query q(ctx.db, kOpenInvoices, ctx.tenant.id, account_id);
  while (q.next()) targets.push_back({q.i64(0), q.i64(1)});
  return targets;
}

Payment book_payment(Ctx& ctx, Notices& n, int64_t id, int64_t account_id, Minor amount,
                  const domain::Allocation& alloc, domain::Book funds) {
  for (auto& [inv, a] : alloc.applications) {
    store::exec(ctx.db, kPay, a, a, a, ctx.tenant.id, inv);
    store::exec(ctx.db, kInsertApp, ctx.tenant.id, id, inv, a);
  }
  add_credit(ctx.db, ctx.tenant.id, account_id, alloc.to_credit);
  post_ledger(ctx.db, ctx.tenant.id, ctx.today,
              domain::payment_postings(account_id, id, amount, alloc, funds));
  Payment booked = get_payment(ctx, id);
  n.event("payment.created", "payment", id, payment_data(booked));
  for (auto& [inv, a] : alloc.applications) {
    Invoice i = get_invoice(ctx, inv);
    if (i.status == "paid") n.event("invoice.paid", "invoice", inv, invoice_data(i));
  }
  return booked;
}
}  // namespace detail

namespace {
// Undoes what a payment booked: the invoices it paid reopen, its credit is taken back, its
// ledger legs are reversed. REQUIRES: the account's lock.
void unbook(Ctx& ctx, const Payment& p, Minor credit) {
  int64_t id = p.id;
  if (p.unapplied > credit)
    precondition("the payment left " + minor_to_decimal(p.unapplied) +
                 " as account credit and only " + minor_to_decimal(credit) +
                 " of it is unused; credit or void what used it first");
  for (auto& a : p.applications) {
    Invoice inv = get_invoice(ctx, a.invoice_id);
    if (inv.status != "open" && inv.status != "paid")
      precondition("invoice " + inv.number_text() + " it paid is " + inv.status +
                   "; it cannot reopen");
    store::exec(ctx.db, kUnpay, a.amount, a.amount, ctx.tenant.id, a.invoice_id);
  }
  // The ledger: the opposite of what the payment posted, book by book and invoice by invoice.
  domain::Postings net;
  {
    Query q(ctx.db, kPaymentLegs, ctx.tenant.id, id);
    while (q.next()) {
      net.push_back({domain::book_from_name(q.text(0)), q.opt_i64(1), q.opt_i64(2), id, q.i64(3)});
    }
  }
  detail::post_ledger(ctx.db, ctx.tenant.id, ctx.today, domain::reversal_postings(net));
  detail::add_credit(ctx.db, ctx.tenant.id, p.account_id, -p.unapplied);
  store::exec(ctx.db, kDropApps, ctx.tenant.id, id);
}
}  // namespace

Payment reverse_payment(Ctx& ctx, int64_t id, const std::string& reason) {
  if (reason.empty() || reason.size() > 500) invalid("reason", "must be 1-500 characters");
  auto locked = detail::lock_owner(ctx, "payments", id);
  if (!locked) not_found("payment");
  Payment p = get_payment(ctx, id);  // read under the lock
  if (p.status == "reversed" || p.status == "returned") precondition("the payment is already reversed");
  if (p.status != "succeeded" && p.status != "pending" && p.status != "settled")
    precondition("the payment took no money (it is " + p.status + ")");
  unbook(ctx, p, locked->credit);
  store::exec(ctx.db, kMarkReversed, format_instant(ctx.now), ctx.tenant.id, id);
  audit(ctx, "payment.reversed", "payment", id, reason);
  Payment rev = get_payment(ctx, id);
  record_event(ctx, "payment.reversed", "payment", id, payment_data(rev));
  return rev;
}

Payment return_payment(Ctx& ctx, int64_t id, const std::string& code, Minor bank_fee) {
  if (bank_fee < 0 || bank_fee > 100000) invalid("bank_fee", "must be between 0 and 1000.00");
  // NACHA's return codes: R01 to R85.
  static const std::regex kReturnCode("R(0[1-9]|[1-7][0-9]|8[0-5])");
  if (!std::regex_match(code, kReturnCode)) invalid("return_code", "must be a NACHA return code, R01 to R85");
  auto locked = detail::lock_owner(ctx, "payments", id);
  if (!locked) not_found("payment");
  Payment p = get_payment(ctx, id);
  if (p.status != "succeeded" && p.status != "pending" && p.status != "settled")
    precondition("only a payment that took money can be returned (it is " + p.status + ")");
  // The bank took the money back: credit it left that invoices have used since is owed again.
  Minor credit = locked->credit;
  if (p.unapplied > credit) credit += take_back_credit(ctx, p.account_id, p.unapplied - credit);
  unbook(ctx, p, credit);
  store::exec(ctx.db,
              "UPDATE payments SET status = 'returned', returned_at = ?, return_code = ? "
              "WHERE tenant_id = ? AND id = ?",
              format_instant(ctx.now), code, ctx.tenant.id, id);
  // The fees are the account's to pay on its next invoice (D10).
  Minor fee = checked_add(load_payment_policy(ctx.db, ctx.tenant.id).returned_payment_fee, bank_fee);
  if (fee > 0)
    create_charge(ctx, {.account_id = p.account_id,
                        .stream = "",
                        .date = std::nullopt,
                        .description = "Returned payment fee (" + p.confirmation + ", " + code + ")",
                        .quantity = 100,
                        .unit_amount = fee,
                        .invoice_now = false});
  audit(ctx, "payment.returned", "payment", id, code);
  Payment r = get_payment(ctx, id);
  Notices n(ctx);
  n.event("payment.returned", "payment", id, payment_data(r));
  n.email("payment_returned", id, join_emails(get_account(ctx, p.account_id).emails));
  n.write();
  return r;
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
  bool applied_status = p.status == "succeeded" || p.status == "pending" || p.status == "settled";
  p.unapplied = applied_status ? p.amount - p.refunded - applied : 0;
  return p;
}

Page<Payment> list_payments(Ctx& ctx, std::optional<int64_t> account_id, const PageReq& page) {
  return detail::page_of(ctx, "payments", account_id, page,
                         [&](int64_t id) { return get_payment(ctx, id); });
}

}  // namespace remit::app
