#include "app/invoices.h"

#include "app/outbox.h"

#include "app/internal.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kEmails = "SELECT emails FROM accounts WHERE tenant_id = ? AND id = ?";
constexpr const char* kCols =
    "SELECT id, account_id, stream, number, status, cycle_start, cycle_end, issue_date, due_date, "
    "terms, subtotal, credit_applied, amount_paid, amount_credited, amount_due, created_at, "
    "finalized_at, written_off FROM invoices ";
constexpr const char* kLines =
    "SELECT id, account_id, kind, subscription_id, description, period_start, period_end, "
    "quantity, unit_amount, amount FROM invoice_lines WHERE tenant_id = ? AND invoice_id = ? "
    "ORDER BY id";
constexpr const char* kFinalize =
    "UPDATE invoices SET number = ?, status = ?, credit_applied = ?, amount_due = ?, "
    "finalized_at = ? WHERE tenant_id = ? AND id = ?";
// Writes an invoice's money figures back (the caller holds its account's lock).
constexpr const char* kSetMoney =
    "UPDATE invoices SET status = ?, credit_applied = ?, amount_paid = ?, amount_credited = ?, "
    "written_off = ?, amount_due = ? WHERE tenant_id = ? AND id = ?";
constexpr const char* kAppliedNewestFirst =
    "SELECT a.payment_id, a.amount FROM payment_applications a "
    "JOIN payments p ON p.tenant_id = a.tenant_id AND p.id = a.payment_id "
    "WHERE a.tenant_id = ? AND a.invoice_id = ? AND p.status = 'succeeded' AND a.amount > 0 "
    "ORDER BY a.payment_id DESC";
constexpr const char* kReleaseApplication =
    "UPDATE payment_applications SET amount = amount - ? "
    "WHERE tenant_id = ? AND payment_id = ? AND invoice_id = ?";
constexpr const char* kDropEmptyApplications =
    "DELETE FROM payment_applications WHERE tenant_id = ? AND invoice_id = ? AND amount = 0";
constexpr const char* kInsertNote =
    "INSERT INTO credit_notes (tenant_id, number, invoice_id, account_id, amount, reason, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kNoteCols =
    "SELECT id, number, invoice_id, account_id, amount, reason, created_at FROM credit_notes ";
constexpr const char* kNotes =
    "WHERE tenant_id = ? AND (CAST(? AS BIGINT) IS NULL OR invoice_id = ?) AND id > ? ORDER BY id "
    "LIMIT ?";
constexpr const char* kLedger =
    "SELECT id, txn_id, entry_date, book, account_id, invoice_id, payment_id, amount "
    "FROM ledger_entries WHERE tenant_id = ? AND (CAST(? AS BIGINT) IS NULL OR account_id = ?) AND "
    "id > ? "
    "ORDER BY id LIMIT ?";

Invoice read(Query& q) {
  Invoice i;
  i.id = q.i64(0);
  i.account_id = q.i64(1);
  i.stream = q.text(2);
  i.number = q.opt_i64(3);
  i.status = q.text(4);
  i.cycle_start = q.opt_text(5);
  i.cycle_end = q.opt_text(6);
  i.issue_date = q.text(7);
  i.due_date = q.text(8);
  i.terms = q.text(9);
  i.subtotal = q.i64(10);
  i.credit_applied = q.i64(11);
  i.amount_paid = q.i64(12);
  i.amount_credited = q.i64(13);
  i.amount_due = q.i64(14);
  i.created_at = q.text(15);
  i.finalized_at = q.opt_text(16);
  i.written_off = q.i64(17);
  return i;
}

Invoice load_header(Ctx& ctx, int64_t id) {
  Query q(ctx.db, std::string(kCols) + "WHERE tenant_id = ? AND id = ?", ctx.tenant.id, id);
  if (!q.next()) not_found("invoice");
  return read(q);
}

domain::InvoiceMoney money_of(const Invoice& i) {
  domain::InvoiceMoney m;
  m.id = i.id;
  m.account_id = i.account_id;
  m.status = domain::parse_status(i.status).value_or(domain::InvoiceStatus::Draft);
  m.subtotal = i.subtotal;
  m.credit_applied = i.credit_applied;
  m.amount_paid = i.amount_paid;
  m.amount_credited = i.amount_credited;
  m.written_off = i.written_off;
  m.amount_due = i.amount_due;
  return m;
}

void save_money(Ctx& ctx, const domain::InvoiceMoney& m) {
  store::exec(ctx.db, kSetMoney, domain::status_name(m.status), m.credit_applied, m.amount_paid,
              m.amount_credited, m.written_off, m.amount_due, ctx.tenant.id, m.id);
}

void require_transition(const domain::InvoiceMoney& m, domain::InvoiceStatus to,
                        const char* message) {
  if (!domain::can_transition(m.status, to)) precondition(message);
}

}  // namespace

// The invoice after a change, with the event that announces it recorded.
Invoice with_event(Ctx& ctx, int64_t id, std::string_view type) {
  Invoice inv = get_invoice(ctx, id);
  record_event(ctx, type, "invoice", id, invoice_data(inv));
  return inv;
}

Invoice lock_invoice(Ctx& ctx, int64_t id, std::string_view field, Minor* credit) {
  auto locked = detail::lock_owner(ctx, "invoices", id);
  if (!locked) {
    if (field.empty()) not_found("invoice");
    invalid(std::string(field), "no such invoice");
  }
  if (credit) *credit = locked->credit;
  return load_header(ctx, id);  // read now that no one else can change it
}

Invoice get_invoice(Ctx& ctx, int64_t id) {
  Invoice inv = load_header(ctx, id);
  Query q(ctx.db, kLines, ctx.tenant.id, id);
  while (q.next())
    inv.lines.push_back({q.i64(0), q.i64(1), q.text(2), q.opt_i64(3), q.text(4), q.text(5),
                         q.text(6), q.i64(7), q.i64(8), q.i64(9)});
  return inv;
}

Page<Invoice> list_invoices(Ctx& ctx, const InvoiceFilter& f, const PageReq& page) {
  if (f.status && !domain::parse_status(*f.status))
    invalid("status", "must be draft, open, paid, void or uncollectible");
  if (f.stream) detail::require_stream(ctx, "stream", *f.stream);
  auto date = [](const std::optional<std::string>& d, const char* field) {
    return d ? std::optional(format_date(detail::require_date(field, *d))) : std::nullopt;
  };
  auto from = date(f.issued_from, "issued_from"), to = date(f.issued_to, "issued_to"),
       cycle_end = date(f.cycle_end, "cycle_end");
  if (from && to && *from > *to) invalid("issued_to", "must be on or after issued_from");
  int limit = detail::clamp_limit(page.limit);
  Query q(ctx.db,
          std::string(kCols) +
              "WHERE tenant_id = ? AND (CAST(? AS BIGINT) IS NULL OR account_id = ?) "
              "AND (CAST(? AS TEXT) IS NULL OR status = ?) "
              "AND (CAST(? AS TEXT) IS NULL OR stream = ?) "
              "AND (CAST(? AS TEXT) IS NULL OR issue_date >= ?) "
              "AND (CAST(? AS TEXT) IS NULL OR issue_date <= ?) "
              "AND (CAST(? AS TEXT) IS NULL OR cycle_end = ?) "
              "AND id > ? ORDER BY id LIMIT ?",
          ctx.tenant.id, f.account_id, f.account_id, f.status, f.status, f.stream, f.stream, from,
          from, to, to, cycle_end, cycle_end, page.after, limit + 1);
  std::vector<Invoice> rows;
  while (q.next()) rows.push_back(read(q));
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

Invoice finalize_invoice(Ctx& ctx, int64_t id) {
  Minor credit;
  Invoice inv = lock_invoice(ctx, id, "", &credit);
  if (inv.status != "draft") precondition("only a draft invoice can be finalized");
  auto f = domain::plan_finalization(inv.subtotal, credit);
  detail::require_credit_room(ctx, inv.account_id, credit, f.credit_added, "id");  // a negative invoice
  int64_t number = next_counter(ctx.db, ctx.tenant.id, "invoice");
  store::exec(ctx.db, kFinalize, number, domain::status_name(f.status), f.credit_applied,
              f.amount_due, format_instant(ctx.now), ctx.tenant.id, id);
  detail::post_ledger(ctx.db, ctx.tenant.id, ctx.today,
                      domain::finalization_postings(inv.account_id, id, inv.subtotal, f));
  detail::add_credit(ctx.db, ctx.tenant.id, inv.account_id, f.credit_added - f.credit_applied);
  audit(ctx, "invoice.finalized", "invoice", id);
  notify_finalized(ctx, id);
  return get_invoice(ctx, id);
}

Invoice void_invoice(Ctx& ctx, int64_t id) {
  Minor credit;
  auto m = money_of(lock_invoice(ctx, id, "", &credit));
  require_transition(m, domain::InvoiceStatus::Void, "only an open or draft invoice can be voided");
  if (m.status == domain::InvoiceStatus::Open) {
    if (m.amount_paid != 0 || m.amount_credited != 0)
      precondition("the invoice has payments or credit notes; issue a credit note instead");
    detail::require_credit_room(ctx, m.account_id, credit, m.credit_applied, "id");
    // Reverse the finalization: the receivable goes, applied credit returns to the account.
    detail::post_ledger(ctx.db, ctx.tenant.id, ctx.today, domain::void_postings(m));
    detail::add_credit(ctx.db, ctx.tenant.id, m.account_id, m.credit_applied);
  }
  m.status = domain::InvoiceStatus::Void;
  m.amount_due = m.credit_applied = 0;
  save_money(ctx, m);
  audit(ctx, "invoice.voided", "invoice", id);
  return with_event(ctx, id, "invoice.voided");
}

Invoice mark_uncollectible(Ctx& ctx, int64_t id) {
  auto m = money_of(lock_invoice(ctx, id));
  require_transition(m, domain::InvoiceStatus::Uncollectible,
                     "only an open invoice can be marked uncollectible");
  detail::post_ledger(ctx.db, ctx.tenant.id, ctx.today, domain::write_off_postings(m));
  Minor amount = m.amount_due;
  m.written_off = checked_add(m.written_off, amount);
  m.amount_due = 0;
  m.status = domain::InvoiceStatus::Uncollectible;
  save_money(ctx, m);
  audit(ctx, "invoice.marked_uncollectible", "invoice", id, minor_to_decimal(amount));
  return with_event(ctx, id, "invoice.marked_uncollectible");
}

Invoice apply_credit(Ctx& ctx, int64_t id, std::optional<Minor> amount) {
  Minor credit;
  auto m = money_of(lock_invoice(ctx, id, "", &credit));
  if (m.status != domain::InvoiceStatus::Open) precondition("only an open invoice takes credit");
  if (credit <= 0) precondition("the account has no credit to apply");
  Minor most = std::min(credit, m.amount_due);
  if (amount && (*amount <= 0 || *amount > most))
    invalid("amount", "must be greater than 0 and at most " + minor_to_decimal(most) +
                          " (the smaller of the account's credit and the amount due)");
  Minor x = amount.value_or(most);
  detail::post_ledger(ctx.db, ctx.tenant.id, ctx.today, domain::apply_credit_postings(m, x));
  detail::add_credit(ctx.db, ctx.tenant.id, m.account_id, -x);
  m.credit_applied += x;
  m.amount_due -= x;
  m.status = domain::settled_status(m.amount_due);
  save_money(ctx, m);
  audit(ctx, "invoice.credit_applied", "invoice", id, minor_to_decimal(x));
  if (m.status == domain::InvoiceStatus::Paid) return with_event(ctx, id, "invoice.paid");
  return get_invoice(ctx, id);
}

Minor take_back_credit(Ctx& ctx, int64_t account_id, Minor amount) {
  std::vector<int64_t> ids;
  {
    Query q(ctx.db,
            "SELECT id FROM invoices WHERE tenant_id = ? AND account_id = ? AND credit_applied > 0 "
            "AND status IN ('open', 'paid') ORDER BY id DESC",
            ctx.tenant.id, account_id);
    while (q.next()) ids.push_back(q.i64(0));
  }
  Minor taken = 0;
  for (int64_t id : ids) {
    if (taken >= amount) break;
    auto m = money_of(load_header(ctx, id));
    Minor x = std::min(amount - taken, m.credit_applied);
    detail::post_ledger(ctx.db, ctx.tenant.id, ctx.today,
                        domain::reversal_postings(domain::apply_credit_postings(m, x)));
    detail::add_credit(ctx.db, ctx.tenant.id, account_id, x);
    m.credit_applied -= x;
    m.amount_due += x;
    m.status = domain::settled_status(m.amount_due);
    save_money(ctx, m);
    audit(ctx, "invoice.credit_taken_back", "invoice", id, minor_to_decimal(x));
    taken += x;
  }
  return taken;
}

CreditNote create_credit_note(Ctx& ctx, int64_t invoice_id, Minor amount,
                              const std::string& reason) {
  Minor credit;
  auto m = money_of(lock_invoice(ctx, invoice_id, "invoice_id", &credit));
  bool was_open = m.status == domain::InvoiceStatus::Open;
  if (m.status != domain::InvoiceStatus::Open && m.status != domain::InvoiceStatus::Paid)
    precondition("credit notes apply to open or paid invoices only");
  if (reason.empty() || reason.size() > 500) invalid("reason", "must be 1-500 characters");
  Minor room = m.total() - m.amount_credited - m.written_off;
  if (amount <= 0 || amount > room)
    invalid("amount", "must be greater than 0 and at most " + minor_to_decimal(room) +
                          " (the invoice total less earlier credit notes)");
  std::vector<domain::Applied> applied;
  {
    Query q(ctx.db, kAppliedNewestFirst, ctx.tenant.id, invoice_id);
    while (q.next()) applied.push_back({q.i64(0), q.i64(1)});
  }
  auto e = domain::plan_credit_note(m, amount, applied);
  detail::require_credit_room(ctx, m.account_id, credit, e.to_credit, "amount");
  int64_t number = next_counter(ctx.db, ctx.tenant.id, "credit_note");
  int64_t id = store::one_int(ctx.db, kInsertNote, ctx.tenant.id, number, invoice_id,
                              m.account_id, amount, reason, format_instant(ctx.now));
  detail::post_ledger(ctx.db, ctx.tenant.id, ctx.today, domain::credit_note_postings(m, amount, e));
  for (auto& r : e.payments_released) {
    store::exec(ctx.db, kReleaseApplication, r.amount, ctx.tenant.id, r.payment_id, invoice_id);
    m.amount_paid -= r.amount;
  }
  if (!e.payments_released.empty())
    store::exec(ctx.db, kDropEmptyApplications, ctx.tenant.id, invoice_id);
  detail::add_credit(ctx.db, ctx.tenant.id, m.account_id, e.to_credit);
  m.amount_credited += amount;
  m.credit_applied -= e.credit_released;
  m.amount_due -= e.to_due;
  m.status = domain::settled_status(m.amount_due);
  save_money(ctx, m);
  audit(ctx, "credit_note.created", "credit_note", id, minor_to_decimal(amount));
  if (was_open && m.status == domain::InvoiceStatus::Paid) with_event(ctx, invoice_id, "invoice.paid");
  CreditNote cn = get_credit_note(ctx, id);
  Notices n(ctx);
  n.event("credit_note.created", "credit_note", id,
          {{"object", "credit_note"}, {"id", id}, {"number", cn.number},
           {"invoice_id", invoice_id}, {"account_id", cn.account_id}, {"amount", amount},
           {"reason", reason}});
  {
    Query q(ctx.db, kEmails, ctx.tenant.id, m.account_id);
    if (q.next()) n.email("credit_note", id, q.text(0));
  }
  n.write();
  return cn;
}

CreditNote get_credit_note(Ctx& ctx, int64_t id) {
  Query q(ctx.db, std::string(kNoteCols) + "WHERE tenant_id = ? AND id = ?", ctx.tenant.id, id);
  if (!q.next()) not_found("credit note");
  return {q.i64(0), q.i64(1), q.i64(2), q.i64(3), q.i64(4), q.text(5), q.text(6)};
}

Page<CreditNote> list_credit_notes(Ctx& ctx, std::optional<int64_t> invoice_id,
                                   const PageReq& page) {
  int limit = detail::clamp_limit(page.limit);
  Query q(ctx.db, std::string(kNoteCols) + kNotes, ctx.tenant.id, invoice_id, invoice_id,
          page.after, limit + 1);
  std::vector<CreditNote> rows;
  while (q.next())
    rows.push_back({q.i64(0), q.i64(1), q.i64(2), q.i64(3), q.i64(4), q.text(5), q.text(6)});
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

Page<LedgerEntry> list_ledger(Ctx& ctx, std::optional<int64_t> account_id, const PageReq& page) {
  int limit = detail::clamp_limit(page.limit);
  Query q(ctx.db, kLedger, ctx.tenant.id, account_id, account_id, page.after, limit + 1);
  std::vector<LedgerEntry> rows;
  while (q.next())
    rows.push_back({q.i64(0), q.i64(1), q.text(2), q.text(3), q.opt_i64(4), q.opt_i64(5),
                    q.opt_i64(6), q.i64(7)});
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

}  // namespace remit::app
