#include "app/accounts.h"

#include <fmt/format.h>

#include <regex>

#include "app/internal.h"
#include "app/outbox.h"
#include "app/payment_methods.h"
#include "app/payment_policy.h"
#include "app/portal_auth.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kCols =
    "SELECT id, number, name, last_name, company, emails, address, language, status, parent_id, "
    "bill_to_parent, billing_account_id, credit_balance, paperless, created_at, "
    "(SELECT COUNT(*) FROM invoice_terms_approvals t WHERE t.tenant_id = accounts.tenant_id AND "
    "t.account_id = accounts.id) FROM accounts ";
constexpr const char* kInsert =
    "INSERT INTO accounts (tenant_id, number, name, last_name, company, emails, address, "
    "language, parent_id, bill_to_parent, billing_account_id, paperless, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id";
constexpr const char* kSetBilling =
    "UPDATE accounts SET billing_account_id = ? WHERE tenant_id = ? AND id = ?";
constexpr const char* kUpdate =
    "UPDATE accounts SET name = ?, last_name = ?, company = ?, emails = ?, address = ?, "
    "language = ?, status = ?, paperless = ? WHERE tenant_id = ? AND id = ?";
constexpr const char* kBalance =
    "SELECT COALESCE(SUM(amount_due), 0), COUNT(*), "
    "COALESCE(SUM(CASE WHEN due_date < ? THEN amount_due ELSE 0 END), 0) "
    "FROM invoices WHERE tenant_id = ? AND account_id = ? AND status = 'open'";

void validate_language(const std::string& l) {
  if (l != "en" && l != "zh-CN") invalid("language", "must be en or zh-CN");
}

void validate_text(const std::string& field, const std::string& v, size_t max, bool required) {
  if (required && v.empty()) invalid(field, "is required");
  if (v.size() > max) invalid(field, fmt::format("must be at most {} characters", max));
}

Account read(Query& q) {
  Account a;
  a.id = q.i64(0);
  a.number = q.text(1);
  a.name = q.text(2);
  a.last_name = q.text(3);
  a.company = q.text(4);
  a.emails = split_emails(q.text(5));
  a.address = q.text(6);
  a.language = q.text(7);
  a.status = q.text(8);
  a.parent_id = q.opt_i64(9);
  a.bill_to_parent = q.i64(10) != 0;
  a.billing_account_id = q.i64(11);
  a.credit_balance = q.i64(12);
  a.paperless = q.i64(13) != 0;
  a.created_at = q.text(14);
  a.invoice_terms = q.i64(15) != 0;
  return a;
}

}  // namespace

namespace {
void approve_terms(Ctx& ctx, int64_t id) {
  store::exec(ctx.db,
              "INSERT INTO invoice_terms_approvals (tenant_id, account_id, approved_by, approved_at) "
              "VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, account_id) DO NOTHING",
              ctx.tenant.id, id, ctx.actor, format_instant(ctx.now));
  audit(ctx, "account.invoice_terms_approved", "account", id);
}
}  // namespace

void validate_emails(const std::vector<std::string>& v, std::string_view field) {
  if (v.size() > 10) invalid(std::string(field), "at most 10 billing contacts");
  for (size_t i = 0; i < v.size(); ++i) {
    auto& e = v[i];
    std::string f = field == "emails" ? fmt::format("emails[{}]", i) : std::string(field);
    // What every mail server takes (RFC 5321's dot-atom, ASCII): a local part of atext
    // characters in dot-separated runs, and a domain of letter-digit-hyphen labels with a
    // top-level one of 2 letters or more. Nothing else reaches a To header.
    static const std::regex kEmail(
        R"([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
        R"(@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})");
    if (e.size() > 254 || !std::regex_match(e, kEmail)) invalid(f, "not a valid email address");
    for (size_t j = 0; j < i; ++j)
      if (detail::lower_email(v[j]) == detail::lower_email(e)) invalid(f, "the address is listed twice");
  }
}

std::string join_emails(const std::vector<std::string>& v) {
  std::string s;
  for (auto& e : v) s += (s.empty() ? "" : ",") + e;
  return s;
}

Account set_invoice_terms(Ctx& ctx, int64_t id, bool approved) {
  get_account(ctx, id);
  if (approved) {
    approve_terms(ctx, id);
  } else {
    store::exec(ctx.db, "DELETE FROM invoice_terms_approvals WHERE tenant_id = ? AND account_id = ?",
                ctx.tenant.id, id);
    audit(ctx, "account.invoice_terms_withdrawn", "account", id);
  }
  return get_account(ctx, id);
}

void require_billing_ready(Ctx& ctx, int64_t billing_account_id) {
  if (!load_payment_policy(ctx.db, ctx.tenant.id).require_payment_method) return;
  Account a = get_account(ctx, billing_account_id);
  if (a.invoice_terms || has_usable_method(ctx, a.id)) return;
  if (a.parent_id && get_account(ctx, *a.parent_id).invoice_terms) return;
  precondition("account " + a.number +
               " has no usable payment method and no approved invoice terms: add a card, a "
               "wallet or a verified bank account, or approve invoice terms "
               "(POST /v1/accounts/" + std::to_string(a.id) + "/invoice-terms), before a "
               "subscription can start");
}

Account create_account(Ctx& ctx, const NewAccount& in) {
  NewAccount a = in;
  validate_text("number", a.number, 32, false);
  validate_text("name", a.name, 200, true);
  validate_text("last_name", a.last_name, 100, false);
  validate_text("company", a.company, 200, false);
  validate_text("address", a.address, 1000, false);
  validate_emails(a.emails);
  validate_language(a.language);
  if (a.bill_to_parent && !a.parent_id) invalid("bill_to_parent", "needs a parent_id");
  if (a.parent_id) {
    Query q(ctx.db, "SELECT parent_id FROM accounts WHERE tenant_id = ? AND id = ?", ctx.tenant.id,
            *a.parent_id);
    if (!q.next()) invalid("parent_id", "no such account");
    if (!q.null(0)) invalid("parent_id", "a child account cannot be a parent (one level only)");
  }
  if (a.number.empty())
    a.number = std::to_string(next_counter(ctx.db, ctx.tenant.id, "account_number"));
  int64_t id;
  try {
    id = store::one_int(ctx.db, kInsert, ctx.tenant.id, a.number, a.name, a.last_name, a.company,
                        join_emails(a.emails), a.address, a.language, a.parent_id, a.bill_to_parent,
                        a.paperless, format_instant(ctx.now));
  } catch (const Error& e) {
    if (e.code == Code::Conflict) throw Error(Code::Conflict, "account number already in use", "number");
    throw;
  }
  store::exec(ctx.db, kSetBilling, a.bill_to_parent ? *a.parent_id : id, ctx.tenant.id, id);
  audit(ctx, "account.created", "account", id);
  if (a.invoice_terms) approve_terms(ctx, id);
  Account created = get_account(ctx, id);
  record_event(ctx, "account.created", "account", id, account_data(created));
  return created;
}

Account get_account(Ctx& ctx, int64_t id) {
  Query q(ctx.db, std::string(kCols) + "WHERE tenant_id = ? AND id = ?", ctx.tenant.id, id);
  if (!q.next()) not_found("account");
  return read(q);
}

Page<Account> list_accounts(Ctx& ctx, const PageReq& page) {
  int limit = detail::clamp_limit(page.limit);
  Query q(ctx.db, std::string(kCols) + "WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?",
          ctx.tenant.id, page.after, limit + 1);
  std::vector<Account> rows;
  while (q.next()) rows.push_back(read(q));
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

Account update_account(Ctx& ctx, int64_t id, const AccountPatch& p) {
  Account a = get_account(ctx, id);
  if (p.name) { validate_text("name", *p.name, 200, true); a.name = *p.name; }
  if (p.last_name) { validate_text("last_name", *p.last_name, 100, false); a.last_name = *p.last_name; }
  if (p.company) { validate_text("company", *p.company, 200, false); a.company = *p.company; }
  if (p.address) { validate_text("address", *p.address, 1000, false); a.address = *p.address; }
  if (p.language) { validate_language(*p.language); a.language = *p.language; }
  if (p.emails) { validate_emails(*p.emails); a.emails = *p.emails; }
  if (p.paperless) a.paperless = *p.paperless;
  if (p.status) {
    if (*p.status != "active" && *p.status != "suspended" && *p.status != "closed")
      invalid("status", "must be active, suspended or closed");
    a.status = *p.status;
  }
  store::exec(ctx.db, kUpdate, a.name, a.last_name, a.company, join_emails(a.emails), a.address,
              a.language, a.status, a.paperless, ctx.tenant.id, id);
  audit(ctx, "account.updated", "account", id);
  record_event(ctx, "account.updated", "account", id, account_data(a));
  return a;
}

Balance account_balance(Ctx& ctx, int64_t id) {
  Account a = get_account(ctx, id);
  Balance b;
  b.credit_balance = a.credit_balance;
  Query q(ctx.db, kBalance, format_date(ctx.today), ctx.tenant.id, id);
  if (q.next()) {
    b.balance_due = q.i64(0);
    b.open_invoices = q.i64(1);
    b.past_due = q.i64(2);
  }
  return b;
}

std::vector<std::string> split_emails(const std::string& s) {
  std::vector<std::string> v;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) v.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return v;
}

}  // namespace remit::app
