#pragma once
// Helpers shared by the use cases; not part of the app's public surface.
#include <vector>

#include "app/context.h"

namespace remit::app::detail {

// One leg of a ledger transaction: debit positive, credit negative.
// Books: ar (receivable, per account and invoice), revenue, cash, credit (customer credit,
// a liability per account), bad_debt.
struct Posting {
  const char* book;
  std::optional<int64_t> account_id;
  std::optional<int64_t> invoice_id;
  std::optional<int64_t> payment_id;
  Minor amount;
};

// Ledger rows are collected in a RowSet (the bill run writes a whole chunk's at once).
store::RowSet ledger_rows();
// Appends one balanced ledger transaction (Internal error if the legs do not sum to zero);
// legs of zero are skipped.
void add_ledger(store::RowSet& rows, int64_t tenant_id, int64_t txn_id, Date date,
                const std::vector<Posting>& legs);
// Writes one balanced transaction now; `txn_id` 0 allocates one.
void post_ledger(store::Db& db, int64_t tenant_id, Date date, const std::vector<Posting>& legs,
                 int64_t txn_id = 0);

// Finalizing an invoice of `subtotal`: the account's available `credit` (updated in place;
// the caller writes it back) is applied first; a negative subtotal becomes account credit.
struct Finalization {
  Minor credit_applied = 0;
  Minor amount_due = 0;
  const char* status = "open";  // "paid" when nothing is due
};
Finalization plan_finalization(Minor subtotal, Minor& credit);
// The ledger transaction of a finalization planned above.
void add_finalization(store::RowSet& rows, int64_t tenant_id, Date date, int64_t invoice_id,
                      int64_t account_id, Minor subtotal, const Finalization& f, int64_t txn_id);

Minor account_credit(store::Db& db, int64_t tenant_id, int64_t account_id);
void set_account_credit(store::Db& db, int64_t tenant_id, int64_t account_id, Minor credit);

Date require_date(std::string_view field, const std::string& s);
Date date_or_today(const Ctx& ctx, std::string_view field, const std::optional<std::string>& s);
std::optional<Date> opt_date(const std::optional<std::string>& s);
const Stream& require_stream(const Ctx& ctx, std::string_view field, const std::string& code);
// The stream work and charges go to by default: "services" when the tenant has it, else the first.
const Stream& default_item_stream(const Ctx& ctx);
void require_account(Ctx& ctx, int64_t account_id, std::string_view field = "account_id");
int clamp_limit(int limit);

template <class T, class F>
Page<T> page_from(std::vector<T> rows, int limit, F id_of) {
  Page<T> p;
  if (static_cast<int>(rows.size()) > limit) {
    rows.resize(limit);
    p.next = id_of(rows.back());
  }
  p.items = std::move(rows);
  return p;
}

// The filter and order of a page of a tenant's records, optionally of one account. Binds:
// tenant_id, account_id (or null), account_id, after, limit.
inline constexpr const char* kAccountPage =
    " WHERE tenant_id = ? AND (CAST(? AS BIGINT) IS NULL OR account_id = ?) AND id > ? "
    "ORDER BY id LIMIT ?";

// A page of the tenant's records in `table` (of one account, when given), each loaded by
// `load(id)`. `table` is one of the app's own table names, never input.
std::vector<int64_t> page_ids(Ctx& ctx, std::string_view table, std::optional<int64_t> account_id,
                              int64_t after, int limit);

template <class F>
auto page_of(Ctx& ctx, std::string_view table, std::optional<int64_t> account_id,
             const PageReq& page, F load) -> Page<decltype(load(int64_t{}))> {
  int limit = clamp_limit(page.limit);
  std::vector<decltype(load(int64_t{}))> rows;
  for (auto id : page_ids(ctx, table, account_id, page.after, limit + 1)) rows.push_back(load(id));
  return page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

}  // namespace remit::app::detail
