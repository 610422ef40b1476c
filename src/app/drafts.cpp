// Drafts: everything billable for a range of billing accounts at a stream boundary, turned
// into invoices by the domain rules, and the rows those invoices write.
#include "app/drafts.h"

#include <algorithm>

#include "app/catalog.h"

namespace remit::app::detail {
using store::Query;

namespace {
// Subscriptions of the chunk's accounts with their phases, one row per phase.
constexpr const char* kSubs =
    "SELECT s.id, s.account_id, a.billing_account_id, a.number, s.price_id, s.start_date, "
    "s.end_date, p.start_date, p.end_date, p.quantity, p.price_id FROM accounts a "
    "CROSS JOIN subscriptions s ON s.account_id = a.id "
    "CROSS JOIN subscription_phases p ON p.subscription_id = s.id "
    "WHERE a.tenant_id = ? AND a.billing_account_id BETWEEN ? AND ? AND s.tenant_id = ? "
    "AND s.stream = ? AND s.start_date < ? AND (s.end_date IS NULL OR s.end_date > ?) "
    "AND p.tenant_id = ? ORDER BY s.id, p.start_date";
// What earlier invoices of the stream billed per subscription period (only periods the run
// can touch), and how much of it was on invoices the customer never owed (void, written off,
// or credited in full), which a reduction may not credit again. (Starting from the accounts
// instead made PostgreSQL, with statistics that lag behind a growing bill run, scan every
// invoice per chunk: 2-3x slower runs.)
constexpr const char* kBilled =
    "SELECT l.subscription_id, l.cycle_start, SUM(l.amount), "
    "SUM(CASE WHEN i.status IN ('void', 'uncollectible') OR (i.subtotal > 0 AND "
    "i.amount_credited >= i.subtotal) THEN l.amount ELSE 0 END) FROM invoices i "
    "CROSS JOIN invoice_lines l ON l.invoice_id = i.id "
    "WHERE i.tenant_id = ? AND i.account_id BETWEEN ? AND ? AND i.stream = ? "
    "AND i.cycle_end >= ? AND l.tenant_id = ? AND l.subscription_id IS NOT NULL "
    "AND l.cycle_start >= ? GROUP BY l.subscription_id, l.cycle_start";
// The same for one account (the upcoming invoice): an equality lets SQLite seek on
// (tenant, account, stream, cycle_end) instead of reading all the account's invoices.
constexpr const char* kBilledOne =
    "SELECT l.subscription_id, l.cycle_start, SUM(l.amount), "
    "SUM(CASE WHEN i.status IN ('void', 'uncollectible') OR (i.subtotal > 0 AND "
    "i.amount_credited >= i.subtotal) THEN l.amount ELSE 0 END) FROM invoices i "
    "CROSS JOIN invoice_lines l ON l.invoice_id = i.id "
    "WHERE i.tenant_id = ? AND i.account_id = ? AND i.account_id = ? AND i.stream = ? "
    "AND i.cycle_end >= ? AND l.tenant_id = ? AND l.subscription_id IS NOT NULL "
    "AND l.cycle_start >= ? GROUP BY l.subscription_id, l.cycle_start";
constexpr const char* kUsage =
    "SELECT u.id, u.subscription_id, u.quantity, u.usage_date FROM accounts a "
    "CROSS JOIN usage_records u ON u.account_id = a.id WHERE a.tenant_id = ? "
    "AND a.billing_account_id BETWEEN ? AND ? AND u.tenant_id = ? AND u.invoice_id IS NULL "
    "AND u.usage_date < ?";
constexpr const char* kWork =
    "SELECT w.id, w.account_id, a.billing_account_id, a.number, w.work_date, w.who, w.hours, "
    "w.rate, w.ticket, w.description FROM accounts a CROSS JOIN work_entries w ON w.account_id = "
    "a.id "
    "WHERE a.tenant_id = ? AND a.billing_account_id BETWEEN ? AND ? AND w.tenant_id = ? "
    "AND w.stream = ? AND w.invoice_id IS NULL AND w.work_date < ? ORDER BY w.id";
constexpr const char* kCharges =
    "SELECT c.id, c.account_id, a.billing_account_id, a.number, c.charge_date, c.description, "
    "c.quantity, c.unit_amount FROM accounts a CROSS JOIN charges c ON c.account_id = a.id "
    "WHERE a.tenant_id = ? AND a.billing_account_id BETWEEN ? AND ? AND c.tenant_id = ? "
    "AND c.stream = ? AND c.invoice_id IS NULL AND c.charge_date <= ? ORDER BY c.id";

std::string child_prefix(int64_t account, int64_t billing, const std::string& number) {
  return account == billing ? std::string() : "[" + number + "] ";
}

}  // namespace

PriceMap price_map(store::Db& db, int64_t tenant_id) {
  PriceMap m;
  for (auto& p : load_domain_prices(db, tenant_id)) m.emplace(p.id, p);
  return m;
}

domain::PendingItem read_item(Query& q, domain::PendingItem::Kind kind) {
  domain::PendingItem it;
  it.kind = kind;
  it.id = q.i64(0);
  it.account_id = q.i64(1);
  std::string prefix = child_prefix(it.account_id, q.i64(2), q.text(3));
  it.date = *parse_date(q.text(4));
  if (kind == domain::PendingItem::Work) {
    std::string ticket = q.text(8);
    it.description = prefix + "Work: " + q.text(9) + " (" + q.text(5) +
                     (ticket.empty() ? "" : ", ticket " + ticket) + ")";
    it.quantity = q.i64(6);
    it.unit_amount = q.i64(7);
  } else {
    it.description = prefix + q.text(5);
    it.quantity = q.i64(6);
    it.unit_amount = q.i64(7);
  }
  return it;
}

// Builds the drafts of billing accounts lo..hi (ids, inclusive) for the run at boundary b.
std::vector<Draft> build_drafts(store::Db& db, int64_t tenant, const Stream& stream,
                                const PriceMap& prices, Date b, int64_t lo, int64_t hi) {
  const auto& sch = stream.schedule;
  std::string until = format_date(add_months(b, 13));  // covers a yearly price's next period
  std::string since = format_date(add_months(b, -13));
  std::string bs = format_date(b);
  std::vector<domain::Subscription> subs;
  std::vector<int64_t> sub_billing;
  std::vector<std::string> sub_number;
  {
    Query q(db, kSubs, tenant, lo, hi, tenant, stream.code, until, since, tenant);
    while (q.next()) {
      auto it = prices.find(q.i64(4));
      if (it == prices.end()) continue;
      if (subs.empty() || subs.back().id != q.i64(0)) {
        domain::Subscription s;
        s.id = q.i64(0);
        s.account_id = q.i64(1);
        sub_billing.push_back(q.i64(2));
        sub_number.push_back(q.text(3));
        s.price = &it->second;
        s.start = *parse_date(q.text(5));
        s.end = detail::opt_date(q.opt_text(6));
        subs.push_back(std::move(s));
      }
      const domain::Price* phase_price = nullptr;  // after a price change
      if (auto pid = q.opt_i64(10)) {
        auto pp = prices.find(*pid);
        if (pp != prices.end()) phase_price = &pp->second;
      }
      subs.back().phases.push_back(
          {*parse_date(q.text(7)), detail::opt_date(q.opt_text(8)), q.i64(9), phase_price});
    }
  }
  std::unordered_map<int64_t, size_t> by_id;
  for (size_t i = 0; i < subs.size(); ++i) by_id[subs[i].id] = i;
  if (!subs.empty()) {
    // The earliest period the run can touch: one price interval back (a yearly price that
    // ended may settle a year that began up to 13 cycles back). A line settling a period is
    // on an invoice whose cycle ends no earlier than the period starts.
    int cycles = 1;
    for (auto& sub : subs) cycles = std::max(cycles, sub.price->interval_cycles);
    std::string touched = format_date(domain::shift_cycles(sch, b, -(cycles > 1 ? cycles + 1 : 1)));
    {
      Query q(db, lo == hi ? kBilledOne : kBilled, tenant, lo, hi, stream.code, touched, tenant,
              touched);
      while (q.next()) {
        auto it = by_id.find(q.i64(0));
        if (it == by_id.end()) continue;
        Date cycle = *parse_date(q.text(1));
        subs[it->second].billed.push_back({cycle, q.i64(2)});
        if (q.i64(3)) subs[it->second].not_owed.push_back({cycle, q.i64(3)});
      }
    }
  }
  std::unordered_map<int64_t, Draft> drafts;
  {
    Query q(db, kUsage, tenant, lo, hi, tenant, bs);
    while (q.next()) {
      auto it = by_id.find(q.i64(1));
      if (it == by_id.end()) continue;  // another stream's subscription
      subs[it->second].pending_usage.push_back(
          {domain::boundary_on_or_before(sch, *parse_date(q.text(3))), q.i64(2)});
      drafts[sub_billing[it->second]].usage_ids.push_back(q.i64(0));
    }
  }
  for (size_t i = 0; i < subs.size(); ++i) {
    Draft& d = drafts[sub_billing[i]];
    size_t before = d.lines.size();
    domain::bill_subscription(sch, subs[i], b, d.lines);
    std::string prefix = child_prefix(subs[i].account_id, sub_billing[i], sub_number[i]);
    if (!prefix.empty())
      for (size_t k = before; k < d.lines.size(); ++k) d.lines[k].description.insert(0, prefix);
  }
  {
    Query q(db, kWork, tenant, lo, hi, tenant, stream.code, bs);
    while (q.next()) {
      auto it = read_item(q, domain::PendingItem::Work);
      Draft& d = drafts[q.i64(2)];
      d.lines.push_back(domain::bill_item(it));
      d.work_ids.push_back(it.id);
    }
  }
  {
    Query q(db, kCharges, tenant, lo, hi, tenant, stream.code, bs);
    while (q.next()) {
      auto it = read_item(q, domain::PendingItem::Charge);
      Draft& d = drafts[q.i64(2)];
      d.lines.push_back(domain::bill_item(it));
      d.charge_ids.push_back(it.id);
    }
  }
  std::vector<Draft> out;
  for (auto& [acct, d] : drafts) {
    if (d.lines.empty()) continue;
    d.account_id = acct;
    out.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.account_id < b.account_id; });
  return out;
}

// Adds invoice `id` with its lines (and ledger, when finalized: `number` set).
domain::Finalization add_invoice(InvoiceRows& out, int64_t id, int64_t tenant,
                                 const InvoiceHeader& h, const Draft& d,
                                 std::optional<int64_t> number, int64_t txn_id, Minor& credit,
                                 const std::string& now) {
  Minor subtotal = d.subtotal();
  domain::Finalization f;
  if (number) {
    f = domain::plan_finalization(subtotal, credit);
    credit = checked_add(credit, f.credit_added - f.credit_applied);
  }
  auto fmt_opt = [](const std::optional<Date>& x) {
    return x ? std::optional(format_date(*x)) : std::nullopt;
  };
  out.invoices.add(id, tenant, d.account_id, h.stream->code, number,
                   number ? domain::status_name(f.status) : "draft",
                   fmt_opt(h.cycle_start), fmt_opt(h.cycle_end), format_date(h.issue),
                   format_date(domain::due_date(h.stream->terms, h.issue)),
                   domain::terms_label(h.stream->terms), subtotal, f.credit_applied,
                   number ? f.amount_due : std::max<Minor>(subtotal, 0), now,
                   number ? std::optional(now) : std::nullopt);
  for (auto& l : d.lines)
    out.lines.add(tenant, id, l.account_id, domain::line_kind_name(l.kind),
                  l.subscription_id ? std::optional(l.subscription_id) : std::nullopt,
                  l.item_id ? std::optional(l.item_id) : std::nullopt, l.description,
                  format_date(l.period_start), format_date(l.period_end), fmt_opt(l.cycle_start),
                  l.quantity, l.unit_amount, l.amount);
  for (auto u : d.usage_ids) out.usage.push_back({u, id});
  for (auto w : d.work_ids) out.work.push_back({w, id});
  for (auto c : d.charge_ids) out.charges.push_back({c, id});
  if (number)
    detail::add_ledger(out.ledger, tenant, txn_id, h.issue,
                       domain::finalization_postings(d.account_id, id, subtotal, f));
  return f;
}

void InvoiceRows::write(store::Db& db, int64_t tenant_id) {
  db.insert_rows(invoices);
  db.insert_rows(lines);
  db.insert_rows(ledger);
  db.set_by_id("usage_records", "invoice_id", tenant_id, usage);
  db.set_by_id("work_entries", "invoice_id", tenant_id, work);
  db.set_by_id("charges", "invoice_id", tenant_id, charges);
}

}  // namespace remit::app::detail
