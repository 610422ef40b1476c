#pragma once
// Drafts of invoices for a range of billing accounts at a stream boundary (what a bill-run
// chunk and the upcoming invoice compute), and the rows they write. Internal to app/.
#include <unordered_map>
#include <vector>

#include "app/internal.h"

namespace remit::app::detail {

// An invoice about to be written, for one billing account.
struct Draft {
  int64_t account_id = 0;
  std::vector<domain::Line> lines;
  std::vector<int64_t> usage_ids, work_ids, charge_ids;
  Minor subtotal() const {
    Minor s = 0;
    for (auto& l : lines) s = checked_add(s, l.amount);
    return s;
  }
};

using PriceMap = std::unordered_map<int64_t, domain::Price>;
PriceMap price_map(store::Db& db, int64_t tenant_id);

// A pending work entry or charge from a row: id, account_id, billing_account_id, account
// number, date, then (work) who, hours, rate, ticket, description or (charge) description,
// quantity, unit_amount.
domain::PendingItem read_item(store::Query& q, domain::PendingItem::Kind kind);

// The drafts of billing accounts lo..hi (ids, inclusive) for the run at boundary b, by
// account id; accounts with nothing to bill have none.
std::vector<Draft> build_drafts(store::Db& db, int64_t tenant, const Stream& stream,
                                const PriceMap& prices, Date b, int64_t lo, int64_t hi);

struct InvoiceHeader {
  std::optional<Date> cycle_start, cycle_end;
  Date issue;
  const Stream* stream;
};

// The rows a chunk (or a single invoice) writes, collected and written table by table.
struct InvoiceRows {
  store::RowSet invoices{"invoices",
                         {"id", "tenant_id", "account_id", "stream", "number", "status",
                          "cycle_start", "cycle_end", "issue_date", "due_date", "terms", "subtotal",
                          "credit_applied", "amount_due", "created_at", "finalized_at"}};
  store::RowSet lines{
      "invoice_lines",
      {"tenant_id", "invoice_id", "account_id", "kind", "subscription_id", "item_id", "description",
       "period_start", "period_end", "cycle_start", "quantity", "unit_amount", "amount"}};
  store::RowSet ledger = detail::ledger_rows();
  store::Db::IdValues usage, work, charges;  // billed item -> its invoice

  // Table by table, then marks the tenant's billed items.
  void write(store::Db& db, int64_t tenant_id);
};

// Adds invoice `id` with its lines (and ledger, when finalized: `number` set). `credit` is
// the account's available credit (REQUIRES: its row locked), updated in place.
// Returns the finalization (status and amount due; empty for a draft).
domain::Finalization add_invoice(InvoiceRows& out, int64_t id, int64_t tenant,
                                 const InvoiceHeader& h, const Draft& d,
                                 std::optional<int64_t> number, int64_t txn_id, Minor& credit,
                                 const std::string& now);

}  // namespace remit::app::detail
