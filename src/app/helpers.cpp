// Shared validation and ledger helpers (app/internal.h).
#include "app/internal.h"

namespace remit::app::detail {
using store::Query;

namespace {
constexpr const char* kAccountExists = "SELECT 1 FROM accounts WHERE tenant_id = ? AND id = ?";
constexpr const char* kSetCredit =
    "UPDATE accounts SET credit_balance = ? WHERE tenant_id = ? AND id = ?";
}  // namespace

store::RowSet ledger_rows() {
  return {"ledger_entries",
          {"tenant_id", "txn_id", "entry_date", "book", "account_id", "invoice_id", "payment_id",
           "amount"}};
}

void add_ledger(store::RowSet& rows, int64_t tenant_id, int64_t txn_id, Date date,
                const std::vector<Posting>& legs) {
  Minor sum = 0;
  for (auto& l : legs) sum += l.amount;
  if (sum != 0) throw Error(Code::Internal, "unbalanced ledger transaction");
  std::string d = format_date(date);
  for (auto& l : legs)
    if (l.amount != 0)
      rows.add(tenant_id, txn_id, d, l.book, l.account_id, l.invoice_id, l.payment_id, l.amount);
}

void post_ledger(store::Db& db, int64_t tenant_id, Date date, const std::vector<Posting>& legs,
                 int64_t txn_id) {
  if (txn_id == 0) txn_id = next_counter(db, tenant_id, "ledger_txn");
  auto rows = ledger_rows();
  add_ledger(rows, tenant_id, txn_id, date, legs);
  db.insert_rows(rows);
}

Finalization plan_finalization(Minor subtotal, Minor& credit) {
  Finalization f;
  if (subtotal >= 0) {
    f.credit_applied = std::min(credit, subtotal);
    credit -= f.credit_applied;
    f.amount_due = subtotal - f.credit_applied;
  } else {
    credit += -subtotal;
  }
  f.status = f.amount_due == 0 ? "paid" : "open";
  return f;
}

void add_finalization(store::RowSet& rows, int64_t tenant_id, Date date, int64_t invoice_id,
                      int64_t account_id, Minor subtotal, const Finalization& f, int64_t txn_id) {
  if (subtotal >= 0)
    add_ledger(rows, tenant_id, txn_id, date,
               {{"ar", account_id, invoice_id, {}, f.amount_due},
                {"credit", account_id, {}, {}, f.credit_applied},
                {"revenue", {}, {}, {}, -subtotal}});
  else  // a net credit (e.g. prepaid service cancelled) becomes account credit
    add_ledger(rows, tenant_id, txn_id, date,
               {{"revenue", {}, {}, {}, -subtotal}, {"credit", account_id, {}, {}, subtotal}});
}

Minor account_credit(store::Db& db, int64_t tenant_id, int64_t account_id) {
  Query q(db, "SELECT credit_balance FROM accounts WHERE tenant_id = ? AND id = ?", tenant_id,
          account_id);
  return q.next() ? q.i64(0) : 0;
}

void set_account_credit(store::Db& db, int64_t tenant_id, int64_t account_id, Minor credit) {
  store::exec(db, kSetCredit, credit, tenant_id, account_id);
}

Date require_date(std::string_view field, const std::string& s) {
  auto d = parse_date(s);
  if (!d) invalid(std::string(field), "must be a date YYYY-MM-DD");
  return *d;
}

Date date_or_today(const Ctx& ctx, std::string_view field, const std::optional<std::string>& s) {
  return s ? require_date(field, *s) : ctx.today;
}

std::optional<Date> opt_date(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return parse_date(*s);
}

const Stream& require_stream(const Ctx& ctx, std::string_view field, const std::string& code) {
  const Stream* s = ctx.tenant.stream(code);
  if (!s) invalid(std::string(field), "unknown invoice stream '" + code + "'");
  return *s;
}

const Stream& default_item_stream(const Ctx& ctx) {
  if (auto s = ctx.tenant.stream("services")) return *s;
  return ctx.tenant.streams.front();
}

void require_account(Ctx& ctx, int64_t account_id, std::string_view field) {
  Query q(ctx.db, kAccountExists, ctx.tenant.id, account_id);
  if (!q.next()) invalid(std::string(field), "no such account");
}

std::vector<int64_t> page_ids(Ctx& ctx, std::string_view table, std::optional<int64_t> account_id,
                              int64_t after, int limit) {
  Query q(ctx.db, "SELECT id FROM " + std::string(table) + kAccountPage, ctx.tenant.id, account_id,
          account_id, after, limit);
  std::vector<int64_t> ids;
  while (q.next()) ids.push_back(q.i64(0));
  return ids;
}

int clamp_limit(int limit) { return limit < 1 ? 1 : limit > 200 ? 200 : limit; }

}  // namespace remit::app::detail
