#pragma once
// Helpers shared by the use cases; not part of the app's public surface.
#include <vector>

#include "domain/ledger.h"

#include "app/context.h"

namespace remit::app {
class Notices;  // app/outbox.h
}

namespace remit::app::detail {

// Ledger rows are collected in a RowSet (the bill run writes a whole chunk's at once).
store::RowSet ledger_rows();
// Appends one balanced ledger transaction (Internal error if the legs do not sum to zero);
// legs of zero are skipped.
void add_ledger(store::RowSet& rows, int64_t tenant_id, int64_t txn_id, Date date,
                const domain::Postings& legs);
// Writes one balanced transaction now; `txn_id` 0 allocates one.
void post_ledger(store::Db& db, int64_t tenant_id, Date date, const domain::Postings& legs,
                 int64_t txn_id = 0);

// The concurrency rule (store/db.h): a transaction that changes an account's money (its
// credit, its invoices, what it will be billed) first locks the row of its billing account,
// and reads what it will write only after that. Returns the locked account's credit.
// NotFound when there is no such account. The lock is an UPDATE that bumps the account's
// version (what the upcoming invoice is cached by).
Minor lock_account(Ctx& ctx, int64_t billing_account_id);
// Locks the billing account of `account_id` (itself, or the parent it is billed to) and
// returns its id; 400 naming `field` when there is no such account.
int64_t lock_billing_account(Ctx& ctx, int64_t account_id, std::string_view field);
// The rule for a record that belongs to an account (an invoice, payment, subscription, work
// entry or charge): locks its account's billing account. nullopt when the tenant has no such
// record. `table` is one of the app's own tables with an account_id column, never input.
struct Locked {
  int64_t billing_account_id;
  Minor credit;  // the billing account's, read under the lock
};
std::optional<Locked> lock_owner(Ctx& ctx, std::string_view table, int64_t id);
// Adds `delta` to the account's credit (relative update, under the account's lock). The
// credit stays within 0..kMaxAmount (docs/billing.md "Limits"): Internal error otherwise, as
// callers check first (require_credit_room for what raises it).
void add_credit(store::Db& db, int64_t tenant_id, int64_t account_id, Minor delta);
// 400 naming `field` when adding `added` to the credit of billing account `account_id`
// (`credit`, read under its lock) could bring it above kMaxAmount, counting in full the
// account's payments still processing: each may yet leave its whole amount as credit (what it
// pays may be paid or credited first). Every operation that raises an account's credit or
// lowers what it owes calls it before changing anything.
void require_credit_room(Ctx& ctx, int64_t account_id, Minor credit, Minor added,
                         std::string_view field);
// Whether adding `added` to `credit` keeps it within kMaxAmount.
bool credit_fits(Minor credit, Minor added);

Date require_date(std::string_view field, const std::string& s);
Date date_or_today(const Ctx& ctx, std::string_view field, const std::optional<std::string>& s);
std::optional<Date> opt_date(const std::optional<std::string>& s);
const Stream& require_stream(const Ctx& ctx, std::string_view field, const std::string& code);
// The stream work and charges go to by default: "services" when the tenant has it, else the first.
const Stream& default_item_stream(const Ctx& ctx);
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

// Payments (payments.cpp): a fresh confirmation number; the account's open invoices, oldest
// due first; and booking a recorded payment under the account's lock: its applications,
// the rest as credit, the ledger (funds in `funds`), payment.created and invoice.paid; returns
// the payment as booked.
std::string confirmation_code();
// The processor's idempotency key of a payment part (processor_payments.cpp).
std::string processor_key(int64_t tenant, int64_t payment);
std::vector<domain::Due> open_targets(Ctx& ctx, int64_t account_id);
Payment book_payment(Ctx& ctx, Notices& n, int64_t id, int64_t account_id, Minor amount,
                  const domain::Allocation& alloc, domain::Book funds);

}  // namespace remit::app::detail
