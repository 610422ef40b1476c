#include "app/scheduled_payments.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/accounts.h"
#include "app/internal.h"
#include "app/payment_policy.h"
#include "app/processor_payments.h"
#include "core/int_list.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kCols =
    "SELECT id, account_id, method_id, invoice_ids, amount, run_on, status, payment_id, created_at "
    "FROM scheduled_payments ";

ScheduledPayment read(Query& q) {
  return {q.i64(0), q.i64(1),    q.i64(2),    split_ints(q.text(3)), q.i64(4),
          q.text(5), q.text(6), q.opt_i64(7), q.text(8)};
}

// The day must be today or later, and on or before the earliest due date of the invoices;
// each invoice listed once, and in no other payment still scheduled (`self` aside).
// Returns what the invoices owe now and the method. REQUIRES: the account's lock.
struct Plan {
  Minor owed = 0;
  PaymentMethod method;
};
Plan check_plan(Ctx& ctx, int64_t account_id, const std::vector<int64_t>& invoice_ids,
                int64_t method_id, const std::string& run_on, int64_t self = 0) {
  Date day = detail::require_date("run_on", run_on);
  if (day < ctx.today) invalid("run_on", "must be today or later");
  if (day > ctx.today + date::days{366}) invalid("run_on", "must be within a year");
  Plan plan{0, usable_method(ctx, account_id, method_id, "method_id")};
  std::vector<std::pair<int64_t, std::string>> taken;  // invoice, the day it is scheduled on
  Query others(ctx.db,
               "SELECT invoice_ids, run_on FROM scheduled_payments WHERE tenant_id = ? AND account_id = ? "
               "AND status = 'scheduled' AND id <> ?",
               ctx.tenant.id, account_id, self);
  while (others.next())
    for (int64_t id : split_ints(others.text(0))) taken.emplace_back(id, others.text(1));
  for (size_t i = 0; i < invoice_ids.size(); ++i) {
    std::string f = fmt::format("invoice_ids[{}]", i);
    if (std::find(invoice_ids.begin(), invoice_ids.begin() + i, invoice_ids[i]) != invoice_ids.begin() + i)
      invalid(f, "the invoice is listed twice");
    for (auto& [id, on] : taken)
      if (id == invoice_ids[i])
        invalid(f, "the invoice already has a payment scheduled on " + on + ": change or cancel that one");
    Query q(ctx.db,
            "SELECT amount_due, status, account_id, due_date FROM invoices WHERE tenant_id = ? AND id = ?",
            ctx.tenant.id, invoice_ids[i]);
    if (!q.next() || q.i64(2) != account_id) invalid(f, "no such invoice on this account");
    if (q.text(1) != "open") invalid(f, "the invoice is not open");
    if (day > detail::require_date("due_date", q.text(3)))
      invalid("run_on", "must be on or before the invoice's due date " + q.text(3));
    plan.owed += q.i64(0);
  }
  return plan;
}

// More than 0; for invoices, no more than they owe; by card or wallet, within the tenant's
// limit per transaction (the day's payment would be refused).
void check_amount(Ctx& ctx, const Plan& plan, bool for_invoices, Minor amount) {
  if (amount <= 0 || amount > kMaxAmount) invalid("amount", "must be more than 0");
  if (for_invoices && amount > plan.owed)
    invalid("amount", "must be at most what the invoices owe, " + minor_to_decimal(plan.owed));
  Minor most = load_payment_policy(ctx.db, ctx.tenant.id).max_digital_amount;
  if (digital(plan.method.kind) && amount > most)
    invalid("amount", "a card or wallet payment is at most " + minor_to_decimal(most) +
                          " (the tenant's payment rules); schedule a bank account, or pay in parts");
}
}  // namespace

ScheduledPayment get_scheduled_payment(Ctx& ctx, int64_t id) {
  Query q(ctx.db, std::string(kCols) + "WHERE tenant_id = ? AND id = ?", ctx.tenant.id, id);
  if (!q.next()) not_found("scheduled payment");
  return read(q);
}

ScheduledPayment schedule_payment(Ctx& ctx, const NewScheduledPayment& s) {
  Account a = get_account(ctx, s.account_id);
  if (a.billing_account_id != s.account_id)
    invalid("account_id", "the account is billed to its parent account; schedule it there");
  detail::lock_account(ctx, s.account_id);
  Plan plan = check_plan(ctx, s.account_id, s.invoice_ids, s.method_id, s.run_on);
  Minor amount = s.amount.value_or(plan.owed);
  if (!s.amount && amount <= 0) invalid("amount", "the invoices owe nothing: give an amount");
  check_amount(ctx, plan, !s.invoice_ids.empty(), amount);
  int64_t id = store::one_int(
      ctx.db,
      "INSERT INTO scheduled_payments (tenant_id, account_id, method_id, invoice_ids, amount, "
      "run_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      ctx.tenant.id, s.account_id, s.method_id, join_ints(s.invoice_ids), amount, s.run_on,
      format_instant(ctx.now));
  audit(ctx, "scheduled_payment.created", "scheduled_payment", id, s.run_on);
  return get_scheduled_payment(ctx, id);
}

ScheduledPayment update_scheduled_payment(Ctx& ctx, int64_t id, const ScheduledPaymentPatch& p) {
  ScheduledPayment s = get_scheduled_payment(ctx, id);
  detail::lock_account(ctx, s.account_id);
  s = get_scheduled_payment(ctx, id);
  if (s.status != "scheduled" || detail::require_date("run_on", s.run_on) <= ctx.today)
    precondition("a scheduled payment can change only before its day (it is " + s.status + ")");
  if (p.method_id) s.method_id = *p.method_id;
  if (p.run_on) s.run_on = *p.run_on;
  if (p.amount) s.amount = *p.amount;
  Plan plan = check_plan(ctx, s.account_id, s.invoice_ids, s.method_id, s.run_on, id);
  check_amount(ctx, plan, !s.invoice_ids.empty(), s.amount);
  store::exec(ctx.db,
              "UPDATE scheduled_payments SET method_id = ?, amount = ?, run_on = ? WHERE tenant_id = ? AND id = ?",
              s.method_id, s.amount, s.run_on, ctx.tenant.id, id);
  audit(ctx, "scheduled_payment.updated", "scheduled_payment", id);
  return get_scheduled_payment(ctx, id);
}

ScheduledPayment cancel_scheduled_payment(Ctx& ctx, int64_t id) {
  ScheduledPayment s = get_scheduled_payment(ctx, id);
  detail::lock_account(ctx, s.account_id);
  s = get_scheduled_payment(ctx, id);
  if (s.status != "scheduled" || detail::require_date("run_on", s.run_on) <= ctx.today)
    precondition("a scheduled payment can be cancelled only before its day (it is " + s.status + ")");
  store::exec(ctx.db, "UPDATE scheduled_payments SET status = 'cancelled' WHERE tenant_id = ? AND id = ?",
              ctx.tenant.id, id);
  audit(ctx, "scheduled_payment.cancelled", "scheduled_payment", id);
  return get_scheduled_payment(ctx, id);
}

std::vector<ScheduledPayment> list_scheduled_payments(Ctx& ctx, int64_t account_id) {
  get_account(ctx, account_id);
  std::vector<ScheduledPayment> out;
  Query q(ctx.db, std::string(kCols) + "WHERE tenant_id = ? AND account_id = ? ORDER BY run_on, id",
          ctx.tenant.id, account_id);
  while (q.next()) out.push_back(read(q));
  return out;
}

int run_scheduled_payments(Caller& c) {
  std::vector<ScheduledPayment> due;
  {
    store::Tx tx(c.db, false);
    Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, "system");
    Query q(c.db, std::string(kCols) + "WHERE tenant_id = ? AND status = 'scheduled' AND run_on <= ? ORDER BY id",
            c.tenant_id, format_date(ctx.today));
    while (q.next()) due.push_back(read(q));
  }
  for (auto& s : due) {
    PaymentRequest r;
    r.account_id = s.account_id;
    r.invoice_ids = s.invoice_ids;
    r.amount = s.amount;
    r.method_id = s.method_id;
    r.request_key = fmt::format("scheduled-{}", s.id);
    r.channel = "scheduled";
    r.pre_authorized = true;
    // Invoices paid in the meantime are no longer targets, and the payment is never more than
    // the chosen invoices still owe: when they owe nothing it is skipped, not spent on others.
    if (!r.invoice_ids.empty()) {
      store::Tx tx(c.db, false);
      std::vector<int64_t> open;
      Minor owed = 0;
      for (auto id : r.invoice_ids) {
        Query q(c.db, "SELECT status, amount_due FROM invoices WHERE tenant_id = ? AND id = ?", c.tenant_id, id);
        if (q.next() && q.text(0) == "open" && q.i64(1) > 0) {
          open.push_back(id);
          owed += q.i64(1);
        }
      }
      r.invoice_ids = open;
      r.amount = std::min(s.amount, owed);
    }
    std::string status = "paid";
    std::optional<int64_t> payment;
    if (!s.invoice_ids.empty() && r.invoice_ids.empty()) {
      status = "skipped";
    } else {
      try {
        auto o = pay(c, r);
        payment = o.parts.at(0).id;
        if (o.status == "processing") continue;  // finished by the janitor; looked at tomorrow
      } catch (const Error& e) {
        if (!is_refusal(e)) throw;
        spdlog::info("event=scheduled_payment_not_paid tenant={} id={} reason=\"{}\"", c.tenant_id,
                     s.id, e.what());
        status = "failed";
      }
    }
    store::Tx tx(c.db, true);
    store::exec(c.db,
                "UPDATE scheduled_payments SET status = ?, payment_id = ? WHERE tenant_id = ? AND id = ? "
                "AND status = 'scheduled'",
                status, payment, c.tenant_id, s.id);
    tx.commit();
  }
  return static_cast<int>(due.size());
}

}  // namespace remit::app
