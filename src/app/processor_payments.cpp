#include "app/processor_payments.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "app/accounts.h"
#include "app/internal.h"
#include "app/invoices.h"
#include "app/outbox.h"
#include "app/payment_policy.h"
#include "app/processor.h"
#include "app/refunds.h"
#include "core/int_list.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kInsert =
    "INSERT INTO payments (tenant_id, account_id, method, reference, amount, fee, received_date, "
    "status, confirmation, created_at, method_id, method_brand, method_last4, token, request_key, "
    "targets, channel, receipt_to) VALUES (?, ?, ?, '', ?, ?, ?, 'processing', ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?) RETURNING id";
constexpr const char* kByRequest =
    "SELECT id FROM payments WHERE tenant_id = ? AND request_key = ?";
constexpr const char* kParts =
    "SELECT id, account_id, method, amount, fee, token, status, targets, confirmation, channel, "
    "receipt_to FROM payments WHERE tenant_id = ? AND group_id = ? ORDER BY id";
constexpr const char* kRecentDigital =
    "SELECT COUNT(*) FROM payments WHERE tenant_id = ? AND account_id = ? AND method IN "
    "('card', 'wallet') AND status NOT IN ('failed', 'voided') AND created_at > ?";
constexpr const char* kDue =
    "SELECT amount_due, status, account_id FROM invoices WHERE tenant_id = ? AND id = ?";

using detail::processor_key;

struct Part {
  int64_t id = 0, account_id = 0;
  std::string method;
  Minor amount = 0, fee = 0;
  std::string token, status, targets, confirmation, channel, receipt_to;
};

std::vector<Part> load_parts(store::Db& db, int64_t tenant, int64_t group) {
  std::vector<Part> out;
  Query q(db, kParts, tenant, group);
  while (q.next())
    out.push_back({q.i64(0), q.i64(1), q.text(2), q.i64(3), q.i64(4), q.text(5), q.text(6),
                   q.text(7), q.text(8), q.text(9), q.text(10)});
  return out;
}

// What the request asks for, checked under the account's lock: the targets, the amount and
// the parts with their methods and fees.
struct Plan {
  std::vector<int64_t> targets;
  Minor amount = 0;
  std::vector<PaymentPart> parts;
  std::vector<PaymentMethod> methods;
  std::vector<Minor> fees;
};

// Fresh tokens of a request (PaymentRequest::token, PaymentPart::token) as the processor
// describes them, by token.
using Fresh = std::map<std::string, PaymentMethod>;

// The request's invoices (checked: on the account, open, listed once) into `targets`, and
// the amount it pays: its own, else their amount due (none chosen: the account's).
Minor amount_of(Ctx& ctx, const PaymentRequest& in, std::vector<int64_t>& targets) {
  Account a = get_account(ctx, in.account_id);
  if (a.billing_account_id != in.account_id)
    invalid("account_id", "the account is billed to its parent account; pay there");
  std::set<int64_t> seen;
  Minor due = 0;
  for (size_t i = 0; i < in.invoice_ids.size(); ++i) {
    std::string f = fmt::format("invoice_ids[{}]", i);
    int64_t id = in.invoice_ids[i];
    if (!seen.insert(id).second) invalid(f, "the invoice is listed twice");
    Query q(ctx.db, kDue, ctx.tenant.id, id);
    if (!q.next() || q.i64(2) != in.account_id) invalid(f, "no such invoice on this account");
    if (q.text(1) != "open") invalid(f, "the invoice is not open");
    due += q.i64(0);
    targets.push_back(id);
  }
  if (in.invoice_ids.empty())
    for (auto& d : detail::open_targets(ctx, in.account_id)) due += d.amount_due;
  Minor amount = in.amount.value_or(due);
  if (!in.amount && amount <= 0) invalid("amount", "nothing is due: give an amount");
  if (amount <= 0 || amount > kMaxAmount)
    invalid("amount", "must be between 0.01 and " + minor_to_decimal(kMaxAmount));
  if (in.at_most_due && amount > due)
    invalid("amount", due > 0 ? "is more than the amount due, " + minor_to_decimal(due) : "nothing is due");
  // Before any processor call: what it leaves beyond what is due becomes credit.
  detail::require_credit_room(ctx, a.id, a.credit_balance, amount - due, "amount");
  return amount;
}

Plan plan(Ctx& ctx, const PaymentRequest& in, const Fresh& fresh) {
  Plan p;
  p.amount = amount_of(ctx, in, p.targets);
  p.parts = in.parts;
  if (p.parts.empty()) {
    if (!in.method_id && in.token.empty())
      invalid("method_id", "choose a payment method (method_id, token or parts)");
    p.parts.push_back({in.method_id.value_or(0), p.amount, in.token});
  }
  if (p.parts.size() > 4) invalid("parts", "at most 4 parts");
  Minor sum = 0;
  PaymentPolicy policy = load_payment_policy(ctx.db, ctx.tenant.id);
  int new_digital = 0;
  for (size_t i = 0; i < p.parts.size(); ++i) {
    auto& part = p.parts[i];
    std::string f = fmt::format("parts[{}]", i);
    for (size_t j = 0; j < i; ++j)  // one card in every part would pass the per-card limit
      if ((part.method_id && part.method_id == p.parts[j].method_id) ||
          (!part.token.empty() && part.token == p.parts[j].token))
        invalid(f, "each part is paid with a different method");
    if (in.parts.empty()) f = "";
    PaymentMethod m;
    if (part.token.empty()) {
      m = usable_method(ctx, in.account_id, part.method_id,
                        f.empty() ? "method_id" : f + ".method_id");
    } else {
      m = fresh.at(part.token);
      if (expired(m, ctx.today)) invalid(f.empty() ? "token" : f + ".token", "this card has expired");
    }
    if (part.amount <= 0 || part.amount > kMaxAmount)
      invalid(f.empty() ? "amount" : f + ".amount", "must be more than 0");
    if (digital(m.kind) && part.amount > policy.max_digital_amount)
      invalid(f.empty() ? "amount" : f + ".amount",
              "a card or wallet payment is at most " + minor_to_decimal(policy.max_digital_amount) +
                  " (the tenant's payment rules); split it or pay by bank account");
    sum = checked_add(sum, part.amount);
    new_digital += digital(m.kind) ? 1 : 0;
    p.fees.push_back(digital(m.kind) ? policy.convenience_fee : 0);
    p.methods.push_back(std::move(m));
  }
  if (sum != p.amount)
    invalid("parts", "the parts add up to " + minor_to_decimal(sum) + ", not the amount " +
                         minor_to_decimal(p.amount));
  if (new_digital > 0 && !in.pre_authorized) {
    auto since = ctx.now - std::chrono::days(policy.digital_window_days);
    int64_t recent = store::one_int(ctx.db, kRecentDigital, ctx.tenant.id, in.account_id,
                                    format_instant(since));
    if (recent + new_digital > policy.max_digital_payments)
      precondition(fmt::format(
          "at most {} card or wallet payments per account in any {} days (the tenant's payment "
          "rules); pay by bank account or try again later",
          policy.max_digital_payments, policy.digital_window_days));
  }
  return p;
}

// Phase 1: the attempt, committed before any processor call. Returns the group (its first
// part's id); a repeated request key returns the first request's group.
int64_t record_attempt(Caller& c, const PaymentRequest& in, const Fresh& fresh) {
  store::Tx tx(c.db, true);
  Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
  if (!in.request_key.empty()) {
    Query q(c.db, kByRequest, c.tenant_id, in.request_key);
    if (q.next()) return q.i64(0);
  }
  get_account(ctx, in.account_id);
  detail::lock_account(ctx, in.account_id);
  Plan p = plan(ctx, in, fresh);
  std::string targets = join_ints(p.targets);
  std::string confirmation = detail::confirmation_code();
  int64_t group = 0;
  for (size_t i = 0; i < p.parts.size(); ++i) {
    auto& m = p.methods[i];
    std::string method = m.kind == "bank" ? "bank_debit" : m.kind;
    int64_t id = store::one_int(
        c.db, kInsert, c.tenant_id, in.account_id, method, p.parts[i].amount, p.fees[i],
        format_date(ctx.today), i == 0 ? confirmation : fmt::format("{}-{}", confirmation, i + 1),
        format_instant(ctx.now), m.id ? std::optional(m.id) : std::nullopt, m.brand, m.last4,
        m.token,
        i == 0 && !in.request_key.empty() ? std::optional(in.request_key) : std::nullopt, targets,
        in.channel, in.receipt_email);
    if (i == 0) group = id;
    store::exec(c.db, "UPDATE payments SET group_id = ? WHERE tenant_id = ? AND id = ?", group,
                c.tenant_id, id);
    audit(ctx, "payment.attempted", "payment", id,
          method + " " + m.brand + " " + m.last4 + " " + minor_to_decimal(p.parts[i].amount));
  }
  tx.commit();
  return group;
}

struct Answer {
  int64_t id = 0;
  ChargeStatus status = ChargeStatus::Unknown;
  std::string reference, code;
  bool voided = false;
};

// Phase 2: the processor, outside any transaction.
std::vector<Answer> call_processor(Caller& c, const std::vector<Part>& parts, Instant now,
                                   const std::string& currency) {
  auto processor = c.env.processor();
  std::vector<Answer> out;
  auto request = [&](const Part& p) {
    return ChargeRequest{processor_key(c.tenant_id, p.id), p.token, checked_add(p.amount, p.fee),
                         currency, "payment " + parts[0].confirmation, now};
  };
  if (parts.size() == 1) {
    auto r = processor->charge(request(parts[0]));
    out.push_back({parts[0].id, r.status, r.reference, r.code});
    return out;
  }
  bool refused = false;
  for (auto& p : parts) {
    auto r = processor->authorize(request(p));
    if (r.status == ChargeStatus::Unknown) {  // ask once; still unknown: the janitor decides
      auto s = processor->status(processor_key(c.tenant_id, p.id), now);
      if (s.state == TxState::Authorized || s.state == TxState::Pending)
        r = {ChargeStatus::Succeeded, s.reference, "", ""};
      else if (s.state == TxState::NotFound || s.state == TxState::Failed)
        r = {ChargeStatus::Failed, s.reference, s.code.empty() ? "no_answer" : s.code, ""};
    }
    out.push_back({p.id, r.status, r.reference, r.code});
    if (r.status == ChargeStatus::Failed) refused = true;
    // No answer: every part stays processing (those authorized are only held, not taken);
    // the janitor captures or releases the group as a whole.
    if (r.status == ChargeStatus::Unknown) return {};
    if (refused) break;
  }
  if (refused) {  // all or nothing: release what was authorized
    for (auto& a : out)
      if (a.status != ChargeStatus::Failed) {
        processor->cancel(processor_key(c.tenant_id, a.id) + "-cancel", a.reference, now);
        a.voided = true;
      }
    for (size_t i = out.size(); i < parts.size(); ++i)
      out.push_back({parts[i].id, ChargeStatus::Failed, "", "", true});
    return out;
  }
  for (auto& a : out) {
    auto r = processor->capture(processor_key(c.tenant_id, a.id) + "-capture", a.reference, now);
    a.status = r.status;
    if (r.status == ChargeStatus::Failed) a.code = r.code;
  }
  return out;
}

// Phase 3: the outcomes, in one transaction for the whole group; parts no longer
// processing (the janitor or a retry finished them) are left as they are. AutoPay books a
// chunk's outcomes in bulk with the same rows (autopay_run.cpp): change both together.
void record_outcomes(Caller& c, int64_t group, const std::vector<Answer>& answers) {
  store::Tx tx(c.db, true);
  Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
  auto parts = load_parts(c.db, c.tenant_id, group);
  if (parts.empty()) return;
  detail::lock_account(ctx, parts[0].account_id);
  parts = load_parts(c.db, c.tenant_id, group);  // read again under the lock
  Notices n(ctx);
  std::string contacts = join_emails(get_account(ctx, parts[0].account_id).emails);
  for (auto& a : answers) {
    auto it = std::find_if(parts.begin(), parts.end(), [&](auto& p) { return p.id == a.id; });
    if (it == parts.end() || it->status != "processing" || a.status == ChargeStatus::Unknown)
      continue;
    const Part& p = *it;
    if (a.status == ChargeStatus::Failed || a.voided) {
      store::exec(c.db,
                  "UPDATE payments SET status = ?, failure_code = ?, processor_ref = ? "
                  "WHERE tenant_id = ? AND id = ?",
                  a.voided ? "voided" : "failed", a.code, a.reference, c.tenant_id, p.id);
      audit(ctx, a.voided ? "payment.voided" : "payment.failed", "payment", p.id, a.code);
      if (!a.voided) n.event("payment.failed", "payment", p.id, payment_data(get_payment(ctx, p.id)));
      // Someone paying now sees the refusal; an automatic payment's is mailed (D8).
      if (!a.voided && (p.channel == "autopay" || p.channel == "scheduled"))
        n.email("payment_failed", p.id, contacts);
      continue;
    }
    // Taken: to the chosen invoices still open, else oldest due first; the rest is credit.
    std::vector<domain::Due> targets;
    for (int64_t inv : split_ints(p.targets)) {
      Query q(c.db, kDue, c.tenant_id, inv);
      if (q.next() && q.text(1) == "open") targets.push_back({inv, q.i64(0)});
    }
    if (p.targets.empty()) targets = detail::open_targets(ctx, p.account_id);
    store::exec(c.db,
                "UPDATE payments SET status = ?, processor_ref = ? WHERE tenant_id = ? AND id = ?",
                a.status == ChargeStatus::Pending ? "pending" : "succeeded", a.reference,
                c.tenant_id, p.id);
    Payment booked =
        detail::book_payment(ctx, n, p.id, p.account_id, p.amount,
                             domain::allocate_payment(p.amount, targets), domain::Book::Clearing);
    if (p.fee > 0)
      detail::post_ledger(c.db, c.tenant_id, ctx.today, domain::fee_postings(p.id, p.fee));
    audit(ctx, "payment.succeeded", "payment", p.id, minor_to_decimal(p.amount));
    n.event("payment.succeeded", "payment", p.id, payment_data(booked));
    // D11: every payment; a guest's to the address the guest gave too.
    std::vector<std::string> to = split_emails(contacts);
    if (!p.receipt_to.empty() && std::find(to.begin(), to.end(), p.receipt_to) == to.end())
      to.push_back(p.receipt_to);
    n.email("payment_receipt", p.id, join_emails(to));
  }
  n.write();
  tx.commit();
}

PaymentOutcome outcome_of(Caller& c, int64_t group) {
  store::Tx tx(c.db, false);
  Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
  PaymentOutcome o;
  for (auto& p : load_parts(c.db, c.tenant_id, group)) o.parts.push_back(get_payment(ctx, p.id));
  o.confirmation = o.parts.at(0).confirmation;
  std::string failure;
  bool processing = false, pending = false, refused = false;
  for (auto& p : o.parts) {
    o.amount += p.amount;
    o.fees += p.fee;
    processing |= p.status == "processing";
    pending |= p.status == "pending";
    if (p.status == "failed" || p.status == "voided") {
      refused = true;
      if (failure.empty() && !p.failure_code.empty())
        failure = p.method_brand + " " + p.method_last4 + ": " + p.failure_code;
    }
  }
  if (refused && !processing)
    throw Error(Code::PaymentDeclined,
                "the payment was declined (" + (failure.empty() ? "not taken" : failure) +
                    "); nothing was charged",
                "payment_method");
  o.status = processing ? "processing" : pending ? "pending" : "succeeded";
  return o;
}

// Before any transaction: a fresh token the request asks to save is saved (and the request
// then names its method); the others are described by the processor for plan().
Fresh resolve_tokens(Caller& c, PaymentRequest& in) {
  Fresh fresh;
  if (!in.token.empty() && (in.method_id || !in.parts.empty()))
    invalid("token", "give one of method_id, token or parts");
  if (in.save_method && in.token.empty()) invalid("save_method", "only with a token");
  if (in.save_method) {
    std::optional<std::pair<int64_t, int64_t>> saved;  // a retry finds it saved: method, account
    {
      store::Tx tx(c.db, false);
      Query q(c.db, "SELECT id, account_id FROM payment_methods WHERE tenant_id = ? AND token = ? "
                    "AND deleted_at IS NULL", c.tenant_id, in.token);
      if (q.next()) saved = {q.i64(0), q.i64(1)};
    }
    if (saved && saved->second != in.account_id)
      invalid("token", "this token is saved as another account's payment method");
    NewPaymentMethod m;
    m.account_id = in.account_id;
    m.token = in.token;
    in.method_id = saved ? saved->first : add_payment_method(c, m).id;
    in.token.clear();
    return fresh;
  }
  std::vector<std::pair<std::string, std::string>> tokens;  // field, token
  if (!in.token.empty()) tokens.emplace_back("token", in.token);
  for (size_t i = 0; i < in.parts.size(); ++i)
    if (!in.parts[i].token.empty())
      tokens.emplace_back(fmt::format("parts[{}].token", i), in.parts[i].token);
  if (tokens.empty()) return fresh;
  {
    store::Tx tx(c.db, false);
    for (auto& [field, token] : tokens)
      if (store::one_int(c.db,
                         "SELECT COUNT(*) FROM payment_methods WHERE tenant_id = ? AND token = ? "
                         "AND deleted_at IS NULL",
                         c.tenant_id, token) > 0)
        invalid(field, "this token is saved as a payment method: pay with its method_id");
  }
  auto processor = c.env.processor();
  for (auto& [field, token] : tokens) {
    if (token.size() > 200) invalid(field, "at most 200 characters");
    Tokenized d = processor->describe(token);
    if (!d.ok) invalid(field, d.message);
    if (d.kind == "bank")
      invalid(field, "a bank account is saved with its debit authorization first "
                     "(POST /v1/accounts/{id}/payment-methods), then paid with its method_id");
    PaymentMethod m;
    m.account_id = in.account_id, m.kind = d.kind, m.brand = d.brand, m.last4 = d.last4;
    m.exp_month = d.exp_month, m.exp_year = d.exp_year, m.status = "active", m.token = token;
    fresh[token] = m;
  }
  return fresh;
}
}  // namespace

std::string detail::processor_key(int64_t tenant, int64_t payment) {
  return fmt::format("remit-{}-pay-{}", tenant, payment);
}

Minor payment_amount(Caller& c, const PaymentRequest& in) {
  store::Tx tx(c.db, false);
  Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
  std::vector<int64_t> targets;
  return amount_of(ctx, in, targets);
}

PaymentQuote quote_payment(Caller& c, const PaymentRequest& request) {
  PaymentRequest in = request;
  in.save_method = false;  // a quote saves nothing
  Fresh fresh = resolve_tokens(c, in);
  store::Tx tx(c.db, false);
  Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
  Plan p = plan(ctx, in, fresh);
  PaymentQuote q{p.amount, 0, 0, p.parts, p.fees};
  for (Minor f : p.fees) q.fees += f;
  q.total = checked_add(q.amount, q.fees);
  return q;
}

PaymentOutcome pay(Caller& c, const PaymentRequest& request) {
  PaymentRequest in = request;
  int64_t group = 0;
  if (!in.request_key.empty()) {  // a repeat reports the first request's payment
    store::Tx tx(c.db, false);
    Query q(c.db, kByRequest, c.tenant_id, in.request_key);
    if (q.next()) group = q.i64(0);
  }
  if (!group) group = record_attempt(c, in, resolve_tokens(c, in));
  std::vector<Part> todo;
  Instant now;
  std::string currency;
  {
    store::Tx tx(c.db, false);
    Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
    now = ctx.now;
    currency = ctx.tenant.currency;
    todo = load_parts(c.db, c.tenant_id, group);
  }
  // A repeat of a finished request only reports; one still processing asks again with the
  // same keys (the processor answers as before, and moves no money twice).
  if (std::all_of(todo.begin(), todo.end(), [](auto& p) { return p.status == "processing"; }))
    record_outcomes(c, group, call_processor(c, todo, now, currency));
  return outcome_of(c, group);
}

int resolve_processing(Caller& c, std::chrono::seconds after) {
  std::vector<int64_t> groups;
  Instant now;
  {
    store::Tx tx(c.db, false);
    Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
    now = ctx.now;
    Query q(c.db,
            "SELECT DISTINCT group_id FROM payments WHERE tenant_id = ? AND status = 'processing' "
            "AND created_at <= ? ORDER BY group_id",
            c.tenant_id, format_instant(ctx.now - after));
    while (q.next()) groups.push_back(q.i64(0));
  }
  if (groups.empty()) return 0;
  auto processor = c.env.processor();
  int done = 0;
  for (int64_t group : groups) {
    std::vector<Part> parts;
    {
      store::Tx tx(c.db, false);
      parts = load_parts(c.db, c.tenant_id, group);
    }
    // What the processor knows of each part. A split group with any part captured is
    // completed (capture the rest); with none, every authorization is released.
    std::vector<TxStatus> known;
    bool any_taken = false;
    for (auto& p : parts) {
      known.push_back(processor->status(processor_key(c.tenant_id, p.id), now));
      auto s = known.back().state;
      any_taken |= s == TxState::Succeeded || s == TxState::Pending || s == TxState::Settled ||
                   s == TxState::Returned;
    }
    std::vector<Answer> answers;
    for (size_t i = 0; i < parts.size(); ++i) {
      auto& p = parts[i];
      auto& s = known[i];
      std::string key = processor_key(c.tenant_id, p.id);
      Answer a{p.id, ChargeStatus::Failed, s.reference, s.code};
      switch (s.state) {
        case TxState::Succeeded:
        case TxState::Settled:
          a.status = ChargeStatus::Succeeded;
          break;
        case TxState::Pending:
        case TxState::Returned:  // booked now, returned by the next settlement run
          a.status = ChargeStatus::Pending;
          break;
        case TxState::Authorized:
          if (any_taken) {
            auto r = processor->capture(key + "-capture", s.reference, now);
            a.status = r.status;
          } else {
            processor->cancel(key + "-cancel", s.reference, now);
            a.voided = true;
          }
          break;
        case TxState::NotFound:
          a.code = "not_received_by_processor";
          if (parts.size() > 1) a.voided = any_taken;
          break;
        default:
          a.voided = s.state == TxState::Voided;
          break;
      }
      if (a.status == ChargeStatus::Unknown) continue;
      answers.push_back(a);
    }
    record_outcomes(c, group, answers);
    ++done;
  }
  return done;
}

int resolve_processing_everywhere(Env& env, store::Db& db, std::chrono::seconds after) {
  std::vector<int64_t> tenants;
  {
    store::Tx tx(db, false);
    Query q(db, "SELECT tenant_id FROM payments WHERE status = 'processing' UNION "
                "SELECT tenant_id FROM refunds WHERE status = 'processing'");
    while (q.next()) tenants.push_back(q.i64(0));
  }
  int n = 0;
  for (int64_t t : tenants) {
    Caller c{env, db, t, "system", "janitor"};
    n += resolve_processing(c, after) + resolve_refunds(c, after);
  }
  return n;
}

SettleCounts settle_payments(Caller& c) {
  struct Open {
    int64_t id;
    Minor total;
  };
  std::vector<Open> open;
  Instant now;
  {
    store::Tx tx(c.db, false);
    Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
    now = ctx.now;
    Query q(c.db,
            "SELECT id, amount + fee FROM payments WHERE tenant_id = ? AND method IN ('card', "
            "'bank_debit', 'wallet') AND status IN ('succeeded', 'pending') ORDER BY id",
            c.tenant_id);
    while (q.next()) open.push_back({q.i64(0), q.i64(1)});
  }
  SettleCounts n;
  if (open.empty()) return n;
  auto processor = c.env.processor();
  for (auto& o : open) {
    TxStatus s = processor->status(processor_key(c.tenant_id, o.id), now);
    if (s.state != TxState::Settled && s.state != TxState::Returned) continue;
    store::Tx tx(c.db, true);
    Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
    auto locked = detail::lock_owner(ctx, "payments", o.id);
    Payment p = get_payment(ctx, o.id);
    if (p.status != "succeeded" && p.status != "pending") continue;
    if (s.state == TxState::Settled) {
      detail::post_ledger(c.db, c.tenant_id, ctx.today, domain::settlement_postings(o.id, o.total));
      store::exec(c.db,
                  "UPDATE payments SET status = 'settled', settled_at = ? WHERE tenant_id = ? AND id = ?",
                  format_instant(ctx.now), c.tenant_id, o.id);
      record_event(ctx, "payment.settled", "payment", o.id, payment_data(get_payment(ctx, o.id)));
      ++n.settled;
    } else {
      try {
        return_payment(ctx, o.id, s.code, 0);
        ++n.returned;
      } catch (const Error& e) {
        spdlog::warn("event=payment_return_held tenant={} payment={} reason=\"{}\"", c.tenant_id,
                     o.id, e.what());
        continue;
      }
    }
    tx.commit();
  }
  return n;
}

}  // namespace remit::app
