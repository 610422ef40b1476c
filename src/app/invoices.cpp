#include "app/invoices.h"

#include "app/internal.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kCols =
    "SELECT id, account_id, stream, number, status, cycle_start, cycle_end, issue_date, due_date, "
    "terms, subtotal, credit_applied, amount_paid, amount_credited, amount_due, created_at, "
    "finalized_at FROM invoices ";
constexpr const char* kLines =
    "SELECT id, account_id, kind, subscription_id, description, period_start, period_end, "
    "quantity, unit_amount, amount FROM invoice_lines WHERE tenant_id = ? AND invoice_id = ? "
    "ORDER BY id";
constexpr const char* kFinalize =
    "UPDATE invoices SET number = ?, status = ?, credit_applied = ?, amount_due = ?, "
    "finalized_at = ? WHERE tenant_id = ? AND id = ?";
constexpr const char* kSetStatus =
    "UPDATE invoices SET status = ?, amount_due = ? WHERE tenant_id = ? AND id = ?";
constexpr const char* kCredited =
    "SELECT COALESCE(SUM(amount), 0) FROM credit_notes WHERE tenant_id = ? AND invoice_id = ?";
constexpr const char* kInsertNote =
    "INSERT INTO credit_notes (tenant_id, number, invoice_id, account_id, amount, reason, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kApplyCredit =
    "UPDATE invoices SET amount_credited = amount_credited + ?, amount_due = ?, status = ? "
    "WHERE tenant_id = ? AND id = ?";
constexpr const char* kNotes =
    "SELECT id, number, invoice_id, account_id, amount, reason, created_at FROM credit_notes "
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
  return i;
}

Invoice load_header(Ctx& ctx, int64_t id) {
  Query q(ctx.db, std::string(kCols) + "WHERE tenant_id = ? AND id = ?", ctx.tenant.id, id);
  if (!q.next()) not_found("invoice");
  return read(q);
}

}  // namespace

Invoice get_invoice(Ctx& ctx, int64_t id) {
  Invoice inv = load_header(ctx, id);
  Query q(ctx.db, kLines, ctx.tenant.id, id);
  while (q.next())
    inv.lines.push_back({q.i64(0), q.i64(1), q.text(2), q.opt_i64(3), q.text(4), q.text(5),
                         q.text(6), q.i64(7), q.i64(8), q.i64(9)});
  return inv;
}

Page<Invoice> list_invoices(Ctx& ctx, const InvoiceFilter& f, const PageReq& page) {
  static const char* statuses[] = {"draft", "open", "paid", "void", "uncollectible"};
  if (f.status &&
      std::find(std::begin(statuses), std::end(statuses), *f.status) == std::end(statuses))
    invalid("status", "must be draft, open, paid, void or uncollectible");
  int limit = detail::clamp_limit(page.limit);
  Query q(ctx.db,
          std::string(kCols) +
              "WHERE tenant_id = ? AND (CAST(? AS BIGINT) IS NULL OR account_id = ?) AND (CAST(? "
              "AS TEXT) IS NULL OR status = ?) "
              "AND id > ? ORDER BY id LIMIT ?",
          ctx.tenant.id, f.account_id, f.account_id, f.status, f.status, page.after, limit + 1);
  std::vector<Invoice> rows;
  while (q.next()) rows.push_back(read(q));
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

Invoice finalize_invoice(Ctx& ctx, int64_t id) {
  Invoice inv = load_header(ctx, id);
  if (inv.status != "draft") precondition("only a draft invoice can be finalized");
  Minor credit = detail::account_credit(ctx.db, ctx.tenant.id, inv.account_id), before = credit;
  auto f = detail::plan_finalization(inv.subtotal, credit);
  int64_t number = next_counter(ctx.db, ctx.tenant.id, "invoice");
  store::exec(ctx.db, kFinalize, number, f.status, f.credit_applied, f.amount_due,
              format_instant(ctx.now), ctx.tenant.id, id);
  auto ledger = detail::ledger_rows();
  detail::add_finalization(ledger, ctx.tenant.id, ctx.today, id, inv.account_id, inv.subtotal, f,
                           next_counter(ctx.db, ctx.tenant.id, "ledger_txn"));
  ctx.db.insert_rows(ledger);
  if (credit != before) detail::set_account_credit(ctx.db, ctx.tenant.id, inv.account_id, credit);
  audit(ctx, "invoice.finalized", "invoice", id);
  return get_invoice(ctx, id);
}

Invoice void_invoice(Ctx& ctx, int64_t id) {
  Invoice inv = load_header(ctx, id);
  if (inv.status == "draft") {
    store::exec(ctx.db, kSetStatus, "void", 0, ctx.tenant.id, id);
  } else {
    if (inv.status != "open") precondition("only an open or draft invoice can be voided");
    if (inv.amount_paid != 0 || inv.amount_credited != 0)
      precondition("the invoice has payments or credit notes; issue a credit note instead");
    // Reverse the finalization: the receivable goes, applied credit returns to the account.
    detail::post_ledger(ctx.db, ctx.tenant.id, ctx.today,
                        {{"revenue", {}, {}, {}, inv.subtotal},
                         {"ar", inv.account_id, id, {}, -inv.amount_due},
                         {"credit", inv.account_id, {}, {}, -inv.credit_applied}});
    if (inv.credit_applied != 0) {
      Minor credit = detail::account_credit(ctx.db, ctx.tenant.id, inv.account_id);
      detail::set_account_credit(ctx.db, ctx.tenant.id, inv.account_id,
                                 credit + inv.credit_applied);
    }
    store::exec(ctx.db, kSetStatus, "void", 0, ctx.tenant.id, id);
  }
  audit(ctx, "invoice.voided", "invoice", id);
  return get_invoice(ctx, id);
}

Invoice mark_uncollectible(Ctx& ctx, int64_t id) {
  Invoice inv = load_header(ctx, id);
  if (inv.status != "open") precondition("only an open invoice can be marked uncollectible");
  detail::post_ledger(
      ctx.db, ctx.tenant.id, ctx.today,
      {{"bad_debt", {}, {}, {}, inv.amount_due}, {"ar", inv.account_id, id, {}, -inv.amount_due}});
  store::exec(ctx.db, kSetStatus, "uncollectible", 0, ctx.tenant.id, id);
  audit(ctx, "invoice.marked_uncollectible", "invoice", id, minor_to_decimal(inv.amount_due));
  return get_invoice(ctx, id);
}

CreditNote create_credit_note(Ctx& ctx, int64_t invoice_id, Minor amount,
                              const std::string& reason) {
  Invoice inv = [&] {
    try {
      return load_header(ctx, invoice_id);
    } catch (const Error& e) {
      if (e.code == Code::NotFound) invalid("invoice_id", "no such invoice");
      throw;
    }
  }();
  if (inv.status != "open" && inv.status != "paid")
    precondition("credit notes apply to open or paid invoices only");
  if (reason.empty() || reason.size() > 500) invalid("reason", "must be 1-500 characters");
  Minor credited = 0;
  {
    Query q(ctx.db, kCredited, ctx.tenant.id, invoice_id);
    if (q.next()) credited = q.i64(0);
  }
  Minor room = std::max<Minor>(inv.subtotal, 0) - credited;
  if (amount <= 0 || amount > room)
    invalid("amount", "must be greater than 0 and at most " + minor_to_decimal(room) +
                          " (the invoice total less earlier credit notes)");
  Minor applied = std::min(amount, inv.amount_due), excess = amount - applied;
  int64_t number = next_counter(ctx.db, ctx.tenant.id, "credit_note");
  int64_t id = store::one_int(ctx.db, kInsertNote, ctx.tenant.id, number, invoice_id,
                              inv.account_id, amount, reason, format_instant(ctx.now));
  Minor due = inv.amount_due - applied;
  store::exec(ctx.db, kApplyCredit, applied, due, due == 0 ? "paid" : "open", ctx.tenant.id,
              invoice_id);
  detail::post_ledger(ctx.db, ctx.tenant.id, ctx.today,
                      {{"revenue", {}, {}, {}, amount},
                       {"ar", inv.account_id, invoice_id, {}, -applied},
                       {"credit", inv.account_id, {}, {}, -excess}});
  if (excess) {
    Minor credit = detail::account_credit(ctx.db, ctx.tenant.id, inv.account_id);
    detail::set_account_credit(ctx.db, ctx.tenant.id, inv.account_id, credit + excess);
  }
  audit(ctx, "credit_note.created", "credit_note", id, minor_to_decimal(amount));
  return {id, number, invoice_id, inv.account_id, amount, reason, format_instant(ctx.now)};
}

Page<CreditNote> list_credit_notes(Ctx& ctx, std::optional<int64_t> invoice_id,
                                   const PageReq& page) {
  int limit = detail::clamp_limit(page.limit);
  Query q(ctx.db, kNotes, ctx.tenant.id, invoice_id, invoice_id, page.after, limit + 1);
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
