// The daily AutoPay run (D8) in chunks: a chunk's attempts are recorded in one transaction,
// charged in one processor batch, and their outcomes booked in one transaction, with the
// same rows, events, emails and ledger as a single payment through pay(). What the chunk
// cannot do in bulk (an attempt already recorded by an earlier run, a method that is not
// the account's own, active and in date, an amount over the card limit) goes through pay()
// one by one, which also gives those their errors.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "app/accounts.h"
#include "app/autopay.h"
#include "app/internal.h"
#include "app/outbox.h"
#include "app/payment_policy.h"
#include "app/processor.h"
#include "app/processor_payments.h"
#include "core/int_list.h"

namespace remit::app {
using store::Query;

namespace {
// Chunks of up to 1,000 invoices; a small run still in about 16 (of at least 25), so its
// progress is committed as it goes.
size_t chunk_size(size_t due) { return std::clamp<size_t>((due + 15) / 16, 25, 1000); }

// The chunk's invoices (and later its outcomes), staged for set-based statements. The
// rows are the tenant's: every statement joining them is scoped by tenant_id as well.
constexpr const char* kStageDue =
    "CREATE TEMP TABLE IF NOT EXISTS autopay_due (invoice_id BIGINT NOT NULL, account_id "
    "BIGINT NOT NULL, method_id BIGINT, request_key TEXT NOT NULL); DELETE FROM autopay_due";
constexpr const char* kStageOut =
    "CREATE TEMP TABLE IF NOT EXISTS autopay_out (payment_id BIGINT NOT NULL, account_id BIGINT "
    "NOT NULL, invoice_id BIGINT NOT NULL, status TEXT NOT NULL, failure_code TEXT NOT NULL, processor_ref TEXT NOT NULL); "
    "DELETE FROM autopay_out";
constexpr const char* kStageApplied =
    "CREATE TEMP TABLE IF NOT EXISTS autopay_applied (invoice_id BIGINT NOT NULL, amount BIGINT "
    "NOT NULL); DELETE FROM autopay_applied";
// The concurrency rule: the chunk's billing accounts locked in id order (as a bill-run chunk).
constexpr const char* kLockStaged =
    "SELECT a.id FROM (SELECT DISTINCT account_id FROM {}) s JOIN accounts a ON a.tenant_id = ? "
    "AND a.id = s.account_id ORDER BY a.id FOR UPDATE OF a";
constexpr const char* kBumpStaged =
    "UPDATE accounts SET version = version + 1 FROM (SELECT DISTINCT account_id FROM {}) s "
    "WHERE accounts.tenant_id = ? AND accounts.id = s.account_id";
// Each staged invoice under the lock: its state, an attempt already recorded under its key,
// and the method to charge (the enrolment's or the preferred one, the account's own).
constexpr const char* kChunkDue =
    "SELECT d.invoice_id, d.account_id, d.request_key, i.status, i.amount_due, p.id, m.id, "
    "m.kind, m.token, m.brand, m.last4, m.status, m.exp_month, m.exp_year FROM autopay_due d "
    "JOIN invoices i ON i.tenant_id = ? AND i.id = d.invoice_id "
    "LEFT JOIN payments p ON p.tenant_id = ? AND p.request_key = d.request_key "
    "LEFT JOIN payment_methods m ON m.tenant_id = ? AND m.account_id = d.account_id AND "
    "m.deleted_at IS NULL AND (m.id = d.method_id OR (d.method_id IS NULL AND m.preferred = 1)) "
    "ORDER BY d.account_id, d.invoice_id";
// The chunk's attempts still processing, with what booking them needs: the invoice's amount
// due now (a payment may have come meanwhile) and the contacts.
constexpr const char* kChunkOut =
    "SELECT o.payment_id, o.status, o.failure_code, p.account_id, p.method, p.amount, p.fee, "
    "p.confirmation, p.received_date, o.invoice_id, i.status, i.amount_due, a.emails "
    "FROM autopay_out o JOIN payments p ON p.tenant_id = ? AND p.id = o.payment_id "
    "JOIN invoices i ON i.tenant_id = ? AND i.id = o.invoice_id "
    "JOIN accounts a ON a.tenant_id = ? AND a.id = p.account_id "
    "WHERE p.status = 'processing' ORDER BY o.payment_id";
constexpr const char* kSetOutcomes =
    "UPDATE payments SET status = o.status, failure_code = o.failure_code, processor_ref = "
    "o.processor_ref FROM autopay_out o WHERE payments.tenant_id = ? AND payments.id = "
    "o.payment_id AND payments.status = 'processing'";
constexpr const char* kApply =
    "UPDATE invoices SET amount_paid = amount_paid + x.amount, amount_due = amount_due - "
    "x.amount, status = CASE WHEN amount_due - x.amount = 0 THEN 'paid' ELSE status END "
    "FROM autopay_applied x WHERE invoices.tenant_id = ? AND invoices.id = x.invoice_id";
constexpr const char* kInvoiceCols =
    "SELECT id, number, account_id, stream, status, issue_date, due_date, subtotal, amount_paid, "
    "amount_credited, amount_due FROM invoices WHERE tenant_id = ? AND id IN "
    "(SELECT invoice_id FROM autopay_applied)";

struct Due {
  int64_t account_id;
  std::optional<int64_t> method_id;
  int64_t invoice;
  std::string key;  // autopay-<invoice>-<attempt>
  int attempt;      // 1-based
};

// The first attempt's day (0) and the policy's retry days after it.
std::vector<int64_t> attempt_days(const std::string& retry_days) {
  std::vector<int64_t> days{0};
  for (auto d : split_ints(retry_days)) days.push_back(d);
  return days;
}

// Staged rows, with their statistics: else PostgreSQL plans the joins for an empty table.
void stage(store::Db& db, const store::RowSet& rows) {
  db.insert_rows(rows);
  db.exec_script("ANALYZE " + rows.table);
}

void lock_staged(store::Db& db, int64_t tenant, const char* table) {
  Query q(db, fmt::format(kLockStaged, table), tenant);
  while (q.next()) {
  }
  store::exec(db, fmt::format(kBumpStaged, table), tenant);
}

// Today's open invoices of enrolled streams whose autopay date or a retry day has come,
// by account.
std::vector<Due> due_today(Caller& c, Date& today) {
  store::Tx tx(c.db, false);
  Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, "system");
  today = ctx.today;
  PaymentPolicy policy = load_payment_policy(c.db, c.tenant_id);
  auto offsets = attempt_days(policy.autopay_retry_days);
  std::string col = policy.autopay_on == "invoice_date" ? "i.issue_date" : "i.due_date";
  Query q(c.db,
          "SELECT e.account_id, e.method_id, i.id, " + col +
              " FROM autopay_enrollments e JOIN invoices i ON i.tenant_id = e.tenant_id AND "
              "i.account_id = e.account_id AND i.stream = e.stream WHERE e.tenant_id = ? AND "
              "e.cancelled_at IS NULL AND i.status = 'open' AND i.amount_due > 0 AND " + col +
              " <= ? AND " + col + " >= ? ORDER BY e.account_id, i.id",
          c.tenant_id, format_date(today), format_date(today - date::days{offsets.back()}));
  std::vector<Due> due;
  while (q.next()) {
    Date base = detail::require_date("due_date", q.text(3));
    size_t k = 0;  // the latest attempt whose day has come
    for (size_t i = 0; i < offsets.size(); ++i)
      if (base + date::days{offsets[i]} <= today) k = i;
    int64_t inv = q.i64(2);
    due.push_back({q.i64(0), q.opt_i64(1), inv, fmt::format("autopay-{}-{}", inv, k),
                   static_cast<int>(k) + 1});
  }
  return due;
}

struct Attempt {
  int64_t payment_id, account_id, invoice;
  ChargeRequest charge;
};

// Phase 1 for a chunk: the attempts it can make in bulk, recorded and committed; the rest
// (left in `slow`) go through pay().
std::vector<Attempt> record_attempts(Caller& c, const std::vector<Due>& chunk,
                                     const PaymentPolicy& policy, std::vector<Due>& slow) {
  store::Tx tx(c.db, true);
  Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
  c.db.exec_script(kStageDue);
  store::RowSet staged("autopay_due", {"invoice_id", "account_id", "method_id", "request_key"});
  std::map<int64_t, const Due*> by_invoice;
  for (auto& d : chunk) {
    staged.add(d.invoice, d.account_id, d.method_id, d.key);
    by_invoice[d.invoice] = &d;
  }
  stage(c.db, staged);
  lock_staged(c.db, c.tenant_id, "autopay_due");

  struct Row {
    const Due* due;
    Minor amount;
    PaymentMethod m;
  };
  std::vector<Row> rows;
  {
    Query q(c.db, kChunkDue, c.tenant_id, c.tenant_id, c.tenant_id);
    while (q.next()) {
      auto it = by_invoice.find(q.i64(0));
      if (it == by_invoice.end() || !it->second) continue;  // a second preferred method
      const Due* d = it->second;
      it->second = nullptr;
      if (q.text(3) != "open" || q.i64(4) <= 0) continue;  // paid meanwhile: nothing to do
      PaymentMethod m;
      bool has_method = !q.null(6);
      if (has_method) {
        m.id = q.i64(6), m.account_id = d->account_id, m.kind = q.text(7), m.token = q.text(8);
        m.brand = q.text(9), m.last4 = q.text(10), m.status = q.text(11);
        m.exp_month = static_cast<int>(q.i64(12)), m.exp_year = static_cast<int>(q.i64(13));
      }
      Minor amount = q.i64(4);
      bool card = m.kind == "card" || m.kind == "wallet";
      if (!q.null(5) || !has_method || m.status != "active" || expired(m, ctx.today) ||
          (card && amount > policy.max_digital_amount)) {
        slow.push_back(*d);
        continue;
      }
      rows.push_back({d, amount, std::move(m)});
    }
  }
  std::vector<Attempt> out;
  if (rows.empty()) {
    tx.commit();
    return out;
  }
  auto ids = c.db.reserve_ids("payments", static_cast<int64_t>(rows.size()));
  store::RowSet payments(
      "payments", {"id", "tenant_id", "account_id", "method", "reference", "amount", "fee",
                   "received_date", "status", "confirmation", "created_at", "method_id",
                   "method_brand", "method_last4", "token", "request_key", "group_id", "targets",
                   "channel"});
  store::RowSet audits("audit_log", {"tenant_id", "at", "actor", "source", "action", "entity",
                                     "entity_id", "detail"});
  std::string now = format_instant(ctx.now), today = format_date(ctx.today);
  for (size_t i = 0; i < rows.size(); ++i) {
    auto& r = rows[i];
    bool card = r.m.kind == "card" || r.m.kind == "wallet";
    Minor fee = card ? policy.convenience_fee : 0;
    std::string method = r.m.kind == "bank" ? "bank_debit" : r.m.kind;
    std::string confirmation = detail::confirmation_code();
    payments.add(ids[i], c.tenant_id, r.due->account_id, method, "", r.amount, fee, today,
                 "processing", confirmation, now, r.m.id, r.m.brand, r.m.last4, r.m.token,
                 r.due->key, ids[i], std::to_string(r.due->invoice), "autopay");
    audits.add(c.tenant_id, now, ctx.actor, ctx.source, "payment.attempted", "payment", ids[i],
               method + " " + r.m.brand + " " + r.m.last4 + " " + minor_to_decimal(r.amount));
    out.push_back({ids[i], r.due->account_id, r.due->invoice,
                   ChargeRequest{detail::processor_key(c.tenant_id, ids[i]), r.m.token,
                                 checked_add(r.amount, fee), ctx.tenant.currency,
                                 "payment " + confirmation, ctx.now}});
  }
  c.db.insert_rows(payments);
  c.db.insert_rows(audits);
  tx.commit();
  return out;
}

// Phase 3 for a chunk: every answered attempt still processing is booked as pay() books
// it (record_outcomes), in one transaction.
void record_outcomes(Caller& c, const std::vector<Attempt>& attempts,
                     const std::vector<ProcessorResult>& results) {
  store::Tx tx(c.db, true);
  Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
  c.db.exec_script(kStageOut);
  store::RowSet staged("autopay_out", {"payment_id", "account_id", "invoice_id", "status",
                                       "failure_code", "processor_ref"});
  for (size_t i = 0; i < attempts.size(); ++i) {
    auto& r = results[i];
    if (r.status == ChargeStatus::Unknown) continue;  // the janitor asks again
    const char* status = r.status == ChargeStatus::Failed    ? "failed"
                         : r.status == ChargeStatus::Pending ? "pending"
                                                             : "succeeded";
    staged.add(attempts[i].payment_id, attempts[i].account_id, attempts[i].invoice, status, r.code,
               r.reference);
  }
  if (staged.rows() == 0) return;
  stage(c.db, staged);
  lock_staged(c.db, c.tenant_id, "autopay_out");

  struct Out {
    Payment p;
    int64_t invoice;
    Minor due;  // the invoice's amount due now; the rest goes to the account's credit
    std::string emails;
  };
  std::vector<Out> outs;
  {
    Query q(c.db, kChunkOut, c.tenant_id, c.tenant_id, c.tenant_id);
    while (q.next()) {
      Payment p;
      p.id = q.i64(0), p.status = q.text(1), p.failure_code = q.text(2);
      p.account_id = q.i64(3), p.method = q.text(4), p.amount = q.i64(5), p.fee = q.i64(6);
      p.confirmation = q.text(7), p.received_date = q.text(8);
      outs.push_back({std::move(p), q.i64(9), q.text(10) == "open" ? q.i64(11) : 0, q.text(12)});
    }
  }
  store::exec(c.db, kSetOutcomes, c.tenant_id);
  Notices n(ctx);
  c.db.exec_script(kStageApplied);
  store::RowSet applied("autopay_applied", {"invoice_id", "amount"});
  store::RowSet apps("payment_applications", {"tenant_id", "payment_id", "invoice_id", "amount"});
  store::RowSet audits("audit_log", {"tenant_id", "at", "actor", "source", "action", "entity",
                                     "entity_id", "detail"});
  auto ledger = detail::ledger_rows();
  std::string now = format_instant(ctx.now);
  int64_t taken = 0;
  for (auto& o : outs) taken += o.p.status != "failed" ? 1 + (o.p.fee > 0) : 0;
  int64_t txn = taken ? next_counter(c.db, c.tenant_id, "ledger_txn", taken) : 0;
  std::vector<const Out*> paid;
  for (auto& o : outs) {
    Payment& p = o.p;
    if (p.status == "failed") {
      audits.add(c.tenant_id, now, ctx.actor, ctx.source, "payment.failed", "payment", p.id,
                 p.failure_code);
      n.event("payment.failed", "payment", p.id, payment_data(p));
      n.email("payment_failed", p.id, o.emails);
      spdlog::info("event=autopay_not_paid tenant={} invoice={} reason=\"{}\"", c.tenant_id,
                   o.invoice, p.failure_code);
      continue;
    }
    auto alloc = domain::allocate_payment(p.amount, {{o.invoice, o.due}});
    for (auto& [inv, a] : alloc.applications) {
      applied.add(inv, a);
      apps.add(c.tenant_id, p.id, inv, a);
      p.applications.push_back({inv, a});
    }
    p.unapplied = alloc.to_credit;
    detail::add_credit(c.db, c.tenant_id, p.account_id, alloc.to_credit);
    detail::add_ledger(ledger, c.tenant_id, txn++, ctx.today,
                       domain::payment_postings(p.account_id, p.id, p.amount, alloc,
                                                domain::Book::Clearing));
    if (p.fee > 0)
      detail::add_ledger(ledger, c.tenant_id, txn++, ctx.today, domain::fee_postings(p.id, p.fee));
    audits.add(c.tenant_id, now, ctx.actor, ctx.source, "payment.succeeded", "payment", p.id,
               minor_to_decimal(p.amount));
    paid.push_back(&o);
  }
  stage(c.db, applied);
  store::exec(c.db, kApply, c.tenant_id);
  c.db.insert_rows(apps);
  c.db.insert_rows(ledger);
  c.db.insert_rows(audits);
  // Events as a payment through pay() raises them: payment.created, invoice.paid,
  // payment.succeeded, and the receipt (D11).
  std::map<int64_t, Invoice> invoices;
  {
    Query q(c.db, kInvoiceCols, c.tenant_id);
    while (q.next()) {
      Invoice i;
      i.id = q.i64(0), i.number = q.opt_i64(1), i.account_id = q.i64(2), i.stream = q.text(3);
      i.status = q.text(4), i.issue_date = q.text(5), i.due_date = q.text(6);
      i.subtotal = q.i64(7), i.amount_paid = q.i64(8), i.amount_credited = q.i64(9);
      i.amount_due = q.i64(10);
      invoices[i.id] = std::move(i);
    }
  }
  for (auto* o : paid) {
    auto data = payment_data(o->p);
    n.event("payment.created", "payment", o->p.id, data);
    auto it = invoices.find(o->invoice);
    if (!o->p.applications.empty() && it != invoices.end() && it->second.status == "paid")
      n.event("invoice.paid", "invoice", o->invoice, invoice_data(it->second));
    n.event("payment.succeeded", "payment", o->p.id, data);
    n.email("payment_receipt", o->p.id, o->emails);
  }
  n.write();
  tx.commit();
}
}  // namespace

int run_autopay(Caller& c, int workers) {
  Date today;
  std::vector<Due> due = due_today(c, today);
  PaymentPolicy policy;
  {
    store::Tx tx(c.db, false);
    policy = load_payment_policy(c.db, c.tenant_id);
  }
  // Chunks end at an account's last invoice, so each account is in one chunk and workers
  // never wait on each other's locks.
  std::vector<std::pair<size_t, size_t>> chunks;
  for (size_t at = 0, size = chunk_size(due.size()); at < due.size();) {
    size_t end = std::min(due.size(), at + size);
    while (end < due.size() && due[end].account_id == due[end - 1].account_id) ++end;
    chunks.emplace_back(at, end);
    at = end;
  }
  std::atomic<size_t> next{0};
  std::atomic<int> attempts{0};
  std::mutex m;
  std::vector<Due> slow;
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
  auto work = [&](store::Db& db) {
    try {
      Caller wc{c.env, db, c.tenant_id, c.actor, c.source};
      auto processor = c.env.processor();
      for (size_t k; (k = next++) < chunks.size() && !failed;) {
        std::vector<Due> chunk(due.begin() + static_cast<std::ptrdiff_t>(chunks[k].first),
                               due.begin() + static_cast<std::ptrdiff_t>(chunks[k].second));
        std::vector<Due> left;
        auto made = record_attempts(wc, chunk, policy, left);
        {
          std::lock_guard g(m);
          slow.insert(slow.end(), left.begin(), left.end());
        }
        if (made.empty()) continue;
        attempts += static_cast<int>(made.size());
        std::vector<ChargeRequest> requests;
        for (auto& a : made) requests.push_back(a.charge);
        record_outcomes(wc, made, processor->charge_batch(requests));
      }
    } catch (...) {
      std::lock_guard g(m);
      if (!failure) failure = std::current_exception();
      failed = true;
    }
  };
  std::vector<std::thread> threads;
  for (int w = 1; w < std::min<int>(workers, static_cast<int>(chunks.size())); ++w)
    threads.emplace_back([&] { work(*c.env.open_db()); });
  if (!chunks.empty()) work(c.db);
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
  for (auto& d : slow) {
    std::optional<int64_t> method = d.method_id;
    if (!method) {
      store::Tx tx(c.db, false);
      Query q(c.db,
              "SELECT id FROM payment_methods WHERE tenant_id = ? AND account_id = ? AND "
              "preferred = 1 AND deleted_at IS NULL",
              c.tenant_id, d.account_id);
      if (q.next()) method = q.i64(0);
    }
    PaymentRequest r;
    r.account_id = d.account_id;
    r.invoice_ids = {d.invoice};
    r.method_id = method.value_or(0);
    r.request_key = d.key;
    r.channel = "autopay";
    r.pre_authorized = true;
    try {
      pay(c, r);
    } catch (const Error& e) {
      if (!is_refusal(e)) throw;  // the job retries
      // Declined (payment.failed is raised), or no usable method: tried again on the next
      // retry day.
      spdlog::info("event=autopay_not_paid tenant={} invoice={} attempt={} reason=\"{}\"",
                   c.tenant_id, d.invoice, d.attempt, e.what());
    }
    ++attempts;
  }
  return attempts.load();
}

}  // namespace remit::app
