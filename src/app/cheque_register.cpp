// The cheque register (D12): reading it, and its CSV export (app/cheque_refunds.h).
#include "app/cheque_refunds.h"
#include "app/internal.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kCols =
    "SELECT c.id, c.account_id, a.number, c.run_date, c.cheque_number, c.amount, c.payee, "
    "c.address, c.status, c.created_at, c.issued_at, c.voided_at, c.void_reason "
    "FROM cheque_refunds c JOIN accounts a ON a.tenant_id = c.tenant_id AND a.id = c.account_id ";

// The non-empty lines of a postal address, trimmed.
std::vector<std::string> lines_of(const std::string& address) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at <= address.size()) {
    size_t end = std::min(address.find('\n', at), address.size());
    std::string line = address.substr(at, end - at);
    size_t a = line.find_first_not_of(" \t\r"), b = line.find_last_not_of(" \t\r");
    if (a != std::string::npos) out.push_back(line.substr(a, b - a + 1));
    at = end + 1;
  }
  return out;
}

ChequeRefund read(Query& q) {
  ChequeRefund c;
  c.id = q.i64(0);
  c.account_id = q.i64(1);
  c.account_number = q.text(2);
  c.run_date = q.text(3);
  c.cheque_number = q.i64(4);
  c.amount = q.i64(5);
  c.payee = q.text(6);
  c.address_lines = lines_of(q.text(7));
  c.status = q.text(8);
  c.created_at = q.text(9);
  c.issued_at = q.opt_text(10);
  c.voided_at = q.opt_text(11);
  c.void_reason = q.text(12);
  return c;
}

void check_status(const std::optional<std::string>& status) {
  if (status && *status != "pending" && *status != "issued" && *status != "void")
    invalid("status", "must be pending, issued or void");
}

// One CSV cell: quoted when it holds a comma, quote or line break; a leading = + - @ (or tab,
// CR) is neutralised with ', so a spreadsheet never runs a payee's name as a formula.
std::string cell(std::string v) {
  if (!v.empty() && std::string_view("=+-@\t\r").find(v[0]) != std::string_view::npos)
    v.insert(v.begin(), '\'');
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char ch : v) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}
}  // namespace

Page<ChequeRefund> list_cheque_refunds(Ctx& ctx, std::optional<std::string> run_date,
                                       std::optional<std::string> status, const PageReq& page) {
  if (run_date) detail::require_date("run_date", *run_date);
  check_status(status);
  int limit = detail::clamp_limit(page.limit);
  std::vector<ChequeRefund> rows;
  Query q(ctx.db,
          std::string(kCols) +
              "WHERE c.tenant_id = ? AND (CAST(? AS TEXT) IS NULL OR c.run_date = ?) "
              "AND (CAST(? AS TEXT) IS NULL OR c.status = ?) AND c.id > ? ORDER BY c.id LIMIT ?",
          ctx.tenant.id, run_date, run_date, status, status, page.after, limit + 1);
  while (q.next()) rows.push_back(read(q));
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

ChequeRefund get_cheque_refund(Ctx& ctx, int64_t id) {
  Query q(ctx.db, std::string(kCols) + "WHERE c.tenant_id = ? AND c.id = ?", ctx.tenant.id, id);
  if (!q.next()) not_found("cheque refund");
  return read(q);
}

std::vector<ChequeRefund> cheque_register(Ctx& ctx, const std::string& run_date,
                                          std::optional<std::string> status) {
  detail::require_date("run_date", run_date);
  check_status(status);
  std::vector<ChequeRefund> rows;
  Query q(ctx.db,
          std::string(kCols) +
              "WHERE c.tenant_id = ? AND c.run_date = ? AND (CAST(? AS TEXT) IS NULL OR "
              "c.status = ?) ORDER BY c.cheque_number",
          ctx.tenant.id, run_date, status, status);
  while (q.next()) rows.push_back(read(q));
  return rows;
}

std::string cheque_register_csv(const std::vector<ChequeRefund>& rows,
                                const std::string& currency) {
  std::string out =
      "cheque_number,run_date,account_number,payee,amount,currency,address_line_1,"
      "address_line_2,address_line_3,address_line_4,status,id\r\n";
  for (auto& c : rows) {
    std::vector<std::string> a = c.address_lines;
    if (a.size() > 4) {  // the rest joined into the fourth line
      for (size_t i = 4; i < a.size(); ++i) a[3] += ", " + a[i];
      a.resize(4);
    }
    a.resize(4);
    out += std::to_string(c.cheque_number) + "," + c.run_date + "," + cell(c.account_number) + "," +
           cell(c.payee) + "," + minor_to_decimal(c.amount) + "," + currency;
    for (auto& l : a) out += "," + cell(l);
    out += "," + c.status + "," + std::to_string(c.id) + "\r\n";
  }
  return out;
}

boost::json::object cheque_refund_data(const ChequeRefund& c) {
  return {{"object", "cheque_refund"},        {"id", c.id},         {"account_id", c.account_id},
          {"cheque_number", c.cheque_number}, {"amount", c.amount}, {"payee", c.payee},
          {"run_date", c.run_date},           {"status", c.status}};
}

}  // namespace remit::app
