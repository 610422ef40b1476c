#include "app/paper.h"

#include "app/accounts.h"
#include "app/internal.h"
#include "app/invoices.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kCols =
    "SELECT id, account_id, invoice_id, queued_on, status, printed_at FROM paper_statements ";
constexpr const char* kMark =
    "UPDATE paper_statements SET status = 'printed', printed_at = ? "
    "WHERE tenant_id = ? AND queued_on = ? AND status = 'queued'";

PaperStatement read(Query& q) {
  return {q.i64(0), q.i64(1), q.i64(2), q.text(3), q.text(4), q.opt_text(5)};
}
}  // namespace

Page<PaperStatement> list_paper_statements(Ctx& ctx, std::optional<std::string> date,
                                           std::optional<std::string> status, const PageReq& page) {
  if (date) detail::require_date("date", *date);
  if (status && *status != "queued" && *status != "printed")
    invalid("status", "must be queued or printed");
  int limit = detail::clamp_limit(page.limit);
  std::vector<PaperStatement> rows;
  Query q(ctx.db,
          std::string(kCols) +
              "WHERE tenant_id = ? AND (CAST(? AS TEXT) IS NULL OR queued_on = ?) "
              "AND (CAST(? AS TEXT) IS NULL OR status = ?) AND id > ? ORDER BY id LIMIT ?",
          ctx.tenant.id, date, date, status, status, page.after, limit + 1);
  while (q.next()) rows.push_back(read(q));
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

std::vector<PrintItem> print_batch(Ctx& ctx, const std::string& date) {
  detail::require_date("date", date);
  std::vector<PaperStatement> st;
  {
    Query q(ctx.db,
            std::string(kCols) + "WHERE tenant_id = ? AND queued_on = ? AND status = 'queued' ORDER BY id",
            ctx.tenant.id, date);
    while (q.next()) st.push_back(read(q));
  }
  std::vector<PrintItem> out;
  for (auto& s : st)
    out.push_back({s, get_account(ctx, s.account_id), get_invoice(ctx, s.invoice_id)});
  return out;
}

int64_t mark_printed(Ctx& ctx, const std::string& date) {
  detail::require_date("date", date);
  int64_t n = store::exec(ctx.db, kMark, format_instant(ctx.now), ctx.tenant.id, date);
  audit(ctx, "paper_statements.printed", "paper_statement", std::nullopt,
        date + ": " + std::to_string(n));
  return n;
}

void set_paper_fee(Ctx& ctx, Minor fee) {
  if (fee < 0 || fee > 10000) invalid("paper_fee", "must be between 0 and 100.00 (0 turns it off)");
  store::exec(ctx.db, "UPDATE tenants SET paper_fee = ? WHERE id = ?", fee, ctx.tenant.id);
  audit(ctx, "tenant.paper_fee", "tenant", ctx.tenant.id, minor_to_decimal(fee));
}

Minor paper_fee(Ctx& ctx) {
  return store::one_int(ctx.db, "SELECT paper_fee FROM tenants WHERE id = ?", ctx.tenant.id);
}

}  // namespace remit::app
