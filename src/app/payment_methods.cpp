#include "app/payment_methods.h"

#include <fmt/format.h>
#include <sodium.h>

#include "app/accounts.h"
#include "app/internal.h"
#include "app/outbox.h"
#include "app/payment_policy.h"
#include "app/processor.h"
#include "core/int_list.h"
#include "core/text.h"
#include "domain/ach_text.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kCols =
    "SELECT id, account_id, kind, brand, last4, exp_month, exp_year, holder_name, routing, "
    "account_type, status, preferred, shared_with_children, mandate_text, mandate_channel, "
    "mandate_address, mandate_at, micro_tries, micro_expires_at, created_at, token "
    "FROM payment_methods ";
constexpr const char* kInsert =
    "INSERT INTO payment_methods (tenant_id, account_id, kind, token, brand, last4, exp_month, "
    "exp_year, holder_name, routing, account_type, status, shared_with_children, mandate_text, "
    "mandate_at, mandate_address, mandate_channel, micro_amounts, micro_expires_at, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kUnstar =
    "UPDATE payment_methods SET preferred = 0 WHERE tenant_id = ? AND account_id = ?";
constexpr const char* kStar =
    "UPDATE payment_methods SET preferred = 1 WHERE tenant_id = ? AND id = ?";
constexpr const char* kTokenTaken =
    "SELECT COUNT(*) FROM payment_methods WHERE tenant_id = ? AND token = ? AND deleted_at IS NULL";
// The account's bank accounts with a routing number and last 4, not deleted, not failed.
constexpr const char* kSameNumbers =
    "SELECT holder_name, status, micro_expires_at FROM payment_methods WHERE tenant_id = ? AND "
    "account_id = ? AND kind = 'bank' AND routing = ? AND last4 = ? AND deleted_at IS NULL AND "
    "status <> 'verification_failed'";

PaymentMethod read(Query& q, int max_tries) {
  PaymentMethod m;
  m.id = q.i64(0);
  m.account_id = q.i64(1);
  m.kind = q.text(2);
  m.brand = q.text(3);
  m.last4 = q.text(4);
  m.exp_month = static_cast<int>(q.i64(5));
  m.exp_year = static_cast<int>(q.i64(6));
  m.holder_name = q.text(7);
  m.routing = q.text(8);
  m.account_type = q.text(9);
  m.status = q.text(10);
  m.preferred = q.i64(11) != 0;
  m.shared_with_children = q.i64(12) != 0;
  m.mandate_text = q.text(13);
  m.mandate_channel = q.text(14);
  m.mandate_address = q.text(15);
  m.mandate_at = q.opt_text(16);
  m.micro_tries_left = m.status == "pending_verification"
                           ? std::max<int>(0, max_tries - static_cast<int>(q.i64(17)))
                           : 0;
  m.micro_expires_at = q.opt_text(18);
  m.created_at = q.text(19);
  m.token = q.text(20);
  return m;
}

std::optional<PaymentMethod> find(Ctx& ctx, int64_t id) {
  int tries = load_payment_policy(ctx.db, ctx.tenant.id).micro_deposit_tries;
  Query q(ctx.db, std::string(kCols) + "WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
          ctx.tenant.id, id);
  if (!q.next()) return std::nullopt;
  return read(q, tries);
}

boost::json::object method_data(const PaymentMethod& m) {
  return {{"object", "payment_method"}, {"id", m.id},       {"account_id", m.account_id},
          {"kind", m.kind},             {"brand", m.brand}, {"last4", m.last4},
          {"status", m.status}};
}


void check_text(std::string_view field, const std::string& v, size_t max, bool required) {
  if (required && v.empty()) invalid(std::string(field), std::string(field) + " is required");
  if (v.size() > max)
    invalid(std::string(field), fmt::format("must be at most {} characters", max));
}

// Remit keeps no fingerprint of a bank account number (only the processor's token and the
// last 4), so the same account is the same routing number, last 4 and holder (as the bank file
// writes the name). One whose micro-deposits expired unconfirmed no longer counts.
void refuse_same_bank(Ctx& ctx, int64_t account_id, const Tokenized& d, const std::string& holder) {
  Query q(ctx.db, kSameNumbers, ctx.tenant.id, account_id, d.routing, d.last4);
  std::string now = format_instant(ctx.now), name = domain::ach_text(holder);
  while (q.next()) {
    auto expires = q.opt_text(2);
    bool lapsed = q.text(1) == "pending_verification" && expires && *expires <= now;
    if (!lapsed && domain::ach_text(q.text(0)) == name)
      throw Error(Code::Conflict, "this bank account is already saved", "account_number");
  }
}

// The two micro-deposit amounts, 1 to 99 cents each.
std::pair<Minor, Minor> micro_amounts() {
  return {1 + static_cast<Minor>(randombytes_uniform(99)),
          1 + static_cast<Minor>(randombytes_uniform(99))};
}
}  // namespace

const char* holder_name_fault(std::string_view name) {
  if (trim(name).empty()) return "holder_name is required";
  if (name.size() > 200) return "must be at most 200 characters";
  if (!clean_line(name)) return "must be valid UTF-8 text without control characters (tabs, line breaks)";
  return nullptr;
}

PaymentMethod add_payment_method(Caller& c, const NewPaymentMethod& in) {
  NewPaymentMethod m = in;
  if (sodium_init() < 0) throw Error(Code::Internal, "libsodium failed to initialise");
  check_text("token", m.token, 200, true);
  check_text("holder_name", m.holder_name, 200, false);
  Instant now;
  {
    store::Tx tx(c.db, false);
    Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
    get_account(ctx, m.account_id);
    now = ctx.now;
    if (store::one_int(c.db, kTokenTaken, c.tenant_id, m.token) > 0)
      throw Error(Code::Conflict, "this token is already saved as a payment method", "token");
  }
  auto processor = c.env.processor();
  Tokenized d = processor->describe(m.token);
  if (!d.ok) invalid("token", d.message);
  bool bank = d.kind == "bank";
  if (bank) {
    if (m.account_type != "checking" && m.account_type != "savings")
      invalid("account_type", "must be checking or savings");
    if (auto fault = holder_name_fault(m.holder_name)) invalid("holder_name", fault);
    m.holder_name = trim(m.holder_name);
    check_text("mandate_text", m.mandate_text, 4000, true);
    if (m.mandate_channel != "online" && m.mandate_channel != "paper")
      invalid("mandate_channel", "must be online (WEB) or paper (PPD)");
    check_text("mandate_address", m.mandate_address, 500, true);
  } else {
    ProcessorResult v = processor->verify("pmv-" + m.token, m.token, now);
    if (v.status == ChargeStatus::Failed)
      throw Error(Code::PaymentDeclined,
                  fmt::format("the {} was declined: {}", d.kind == "card" ? "card" : "wallet", v.code),
                  "token");
    if (v.status == ChargeStatus::Unknown)
      throw Error(Code::Retryable, "the payment processor did not answer; try again");
  }

  int64_t id = 0;
  {
    store::Tx tx(c.db, true);
    Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
    detail::lock_account(ctx, get_account(ctx, m.account_id).billing_account_id);
    if (store::one_int(c.db, kTokenTaken, c.tenant_id, m.token) > 0)
      throw Error(Code::Conflict, "this token is already saved as a payment method", "token");
    if (bank) refuse_same_bank(ctx, m.account_id, d, m.holder_name);
    PaymentPolicy policy = load_payment_policy(c.db, c.tenant_id);
    std::string amounts;
    std::optional<std::string> expires;
    if (bank) {
      auto [a, b] = micro_amounts();
      amounts = join_ints({a, b});
      expires = format_instant(ctx.now + std::chrono::days(policy.micro_deposit_days));
    }
    id = store::one_int(
        c.db, kInsert, c.tenant_id, m.account_id, d.kind, m.token, d.brand, d.last4, d.exp_month,
        d.exp_year, m.holder_name, d.routing, bank ? m.account_type : "",
        bank ? "pending_verification" : "active", m.shared_with_children, m.mandate_text,
        bank ? std::optional(format_instant(ctx.now)) : std::nullopt, m.mandate_address,
        m.mandate_channel, amounts, expires, format_instant(ctx.now));
    if (m.preferred && !bank) {
      store::exec(c.db, kUnstar, c.tenant_id, m.account_id);
      store::exec(c.db, kStar, c.tenant_id, id);
    }
    PaymentMethod saved = *find(ctx, id);
    audit(ctx, "payment_method.created", "payment_method", id,
          saved.brand + " " + saved.last4);
    record_event(ctx, "payment_method.created", "payment_method", id, method_data(saved));
    tx.commit();
  }
  if (bank) send_micro_deposits(c, id);
  store::Tx tx(c.db, false);
  Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
  return *find(ctx, id);
}

void send_micro_deposits(Caller& c, int64_t method_id) {
  std::string token, amounts, currency;
  Instant now;
  {
    store::Tx tx(c.db, false);
    Ctx ctx = make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
    Query q(c.db,
            "SELECT token, micro_amounts FROM payment_methods WHERE tenant_id = ? AND id = ? "
            "AND status = 'pending_verification'",
            c.tenant_id, method_id);
    if (!q.next()) return;
    token = q.text(0);
    amounts = q.text(1);
    now = ctx.now;
    currency = ctx.tenant.currency;
  }
  auto processor = c.env.processor();
  int n = 0;
  for (Minor amount : split_ints(amounts)) {
    std::string key = fmt::format("remit-{}-pm-{}-micro-{}", c.tenant_id, method_id, ++n);
    processor->credit({key, token, amount, currency, "ACCTVERIFY", now});
  }
}

std::vector<PaymentMethod> list_payment_methods(Ctx& ctx, int64_t account_id) {
  Account a = get_account(ctx, account_id);
  int tries = load_payment_policy(ctx.db, ctx.tenant.id).micro_deposit_tries;
  std::vector<PaymentMethod> out;
  {
    Query q(ctx.db,
            std::string(kCols) +
                "WHERE tenant_id = ? AND account_id = ? AND deleted_at IS NULL ORDER BY id",
            ctx.tenant.id, account_id);
    while (q.next()) out.push_back(read(q, tries));
  }
  if (a.parent_id) {
    Query q(ctx.db,
            std::string(kCols) +
                "WHERE tenant_id = ? AND account_id = ? AND shared_with_children = 1 AND "
                "deleted_at IS NULL ORDER BY id",
            ctx.tenant.id, *a.parent_id);
    while (q.next()) {
      out.push_back(read(q, tries));
      out.back().inherited = true;
      out.back().preferred = false;
    }
  }
  return out;
}

PaymentMethod get_payment_method(Ctx& ctx, int64_t id) {
  auto m = find(ctx, id);
  if (!m) not_found("payment method");
  return *m;
}

PaymentMethod update_payment_method(Ctx& ctx, int64_t id, const PaymentMethodPatch& p) {
  PaymentMethod m = get_payment_method(ctx, id);
  detail::lock_account(ctx, get_account(ctx, m.account_id).billing_account_id);
  if (p.preferred) {
    if (*p.preferred && m.status != "active")
      precondition("only a verified payment method can be preferred: confirm the bank "
                   "account's micro-deposits first");
    if (*p.preferred && expired(m, ctx.today)) precondition("this card has expired");
    store::exec(ctx.db, kUnstar, ctx.tenant.id, m.account_id);
    if (*p.preferred) store::exec(ctx.db, kStar, ctx.tenant.id, id);
  }
  if (p.shared_with_children)
    store::exec(ctx.db,
                "UPDATE payment_methods SET shared_with_children = ? WHERE tenant_id = ? AND id = ?",
                *p.shared_with_children, ctx.tenant.id, id);
  audit(ctx, "payment_method.updated", "payment_method", id);
  return get_payment_method(ctx, id);
}

void delete_payment_method(Ctx& ctx, int64_t id) {
  PaymentMethod m = get_payment_method(ctx, id);
  detail::lock_account(ctx, get_account(ctx, m.account_id).billing_account_id);
  store::exec(ctx.db,
              "UPDATE payment_methods SET deleted_at = ?, preferred = 0 WHERE tenant_id = ? AND id = ?",
              format_instant(ctx.now), ctx.tenant.id, id);
  audit(ctx, "payment_method.deleted", "payment_method", id);
  record_event(ctx, "payment_method.deleted", "payment_method", id, method_data(m));
}

MicroDepositCheck verify_micro_deposits(Ctx& ctx, int64_t id, Minor first, Minor second) {
  if (first < 1 || first > 99) invalid("amounts[0]", "must be between 0.01 and 0.99");
  if (second < 1 || second > 99) invalid("amounts[1]", "must be between 0.01 and 0.99");
  PaymentMethod m = get_payment_method(ctx, id);
  detail::lock_account(ctx, get_account(ctx, m.account_id).billing_account_id);
  if (m.kind != "bank") precondition("only a bank account is verified by micro-deposits");
  if (m.status == "active") precondition("this bank account is already verified");
  if (m.status != "pending_verification")
    precondition("this bank account could not be verified; add it again");
  if (m.micro_expires_at && *m.micro_expires_at <= format_instant(ctx.now))
    precondition("the micro-deposits expired on " + *m.micro_expires_at + "; add the account again");
  std::string amounts;
  {
    Query q(ctx.db, "SELECT micro_amounts FROM payment_methods WHERE tenant_id = ? AND id = ?",
            ctx.tenant.id, id);
    q.next();
    amounts = q.text(0);
  }
  bool match = amounts == join_ints({first, second}) || amounts == join_ints({second, first});
  if (match) {
    store::exec(ctx.db,
                "UPDATE payment_methods SET status = 'active' WHERE tenant_id = ? AND id = ?",
                ctx.tenant.id, id);
    audit(ctx, "payment_method.verified", "payment_method", id);
    PaymentMethod v = get_payment_method(ctx, id);
    record_event(ctx, "payment_method.verified", "payment_method", id, method_data(v));
    return {true, v};
  }
  int max = load_payment_policy(ctx.db, ctx.tenant.id).micro_deposit_tries;
  store::exec(ctx.db,
              "UPDATE payment_methods SET micro_tries = micro_tries + 1, status = CASE WHEN "
              "micro_tries + 1 >= ? THEN 'verification_failed' ELSE status END "
              "WHERE tenant_id = ? AND id = ?",
              max, ctx.tenant.id, id);
  audit(ctx, "payment_method.verify_failed", "payment_method", id);
  return {false, get_payment_method(ctx, id)};
}

bool expired(const PaymentMethod& m, Date today) {
  if (m.kind != "card") return false;
  auto ymd = std::chrono::year_month_day(today);
  int y = static_cast<int>(ymd.year()), mo = static_cast<int>(unsigned(ymd.month()));
  return m.exp_year < y || (m.exp_year == y && m.exp_month < mo);
}

PaymentMethod usable_method(Ctx& ctx, int64_t account_id, int64_t method_id,
                            std::string_view field) {
  Account a = get_account(ctx, account_id);
  auto m = find(ctx, method_id);
  std::string f(field);
  if (!m || (m->account_id != account_id &&
             !(a.parent_id && m->account_id == *a.parent_id && m->shared_with_children)))
    invalid(f, "no such payment method on this account");
  if (m->status != "active")
    invalid(f, "this bank account is not verified yet: confirm its micro-deposits first");
  if (expired(*m, ctx.today)) invalid(f, "this card has expired");
  return *m;
}

bool has_usable_method(Ctx& ctx, int64_t account_id) {
  for (auto& m : list_payment_methods(ctx, account_id))
    if (m.status == "active" && !expired(m, ctx.today)) return true;
  return false;
}

}  // namespace remit::app
