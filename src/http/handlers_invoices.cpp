// Invoices (C2, C3, C5), credit notes and staff-posted payments (D1).
#include "app/accounts.h"
#include "app/invoices.h"
#include "core/error.h"
#include "http/handler_util.h"
#include "render/invoice_pdf.h"

namespace remit::http {
namespace {

Response list_invoices(Call& c) {
  app::InvoiceFilter f;
  f.account_id = query_id(c.query, "account_id");
  f.status = query_enum(c.query, "status", {"draft", "open", "paid", "void", "uncollectible"});
  f.stream = opt_stream(c.ctx->tenant, query_text(c.query, "stream"));
  f.issued_from = query_date(c.query, "issued_from");
  f.issued_to = query_date(c.query, "issued_to");
  f.cycle_end = query_date(c.query, "cycle_end");
  return ok(page_json(app::list_invoices(*c.ctx, f, page_req(c.query))));
}

Response get_invoice(Call& c) { return ok(to_json(app::get_invoice(*c.ctx, c.id()))); }

Response invoice_pdf(Call& c) {
  app::Invoice inv = app::get_invoice(*c.ctx, c.id());
  app::Account acc = app::get_account(*c.ctx, inv.account_id);
  Response r;
  r.content_type = "application/pdf";
  r.body = render::render_invoice_pdf(c.ctx->tenant, acc, inv);
  r.headers.emplace_back("Content-Disposition",
                         "inline; filename=\"" + inv.number_text() + ".pdf\"");
  return r;
}

Response finalize(Call& c) { return ok(to_json(app::finalize_invoice(*c.ctx, c.id()))); }
Response void_invoice(Call& c) { return ok(to_json(app::void_invoice(*c.ctx, c.id()))); }
Response uncollectible(Call& c) { return ok(to_json(app::mark_uncollectible(*c.ctx, c.id()))); }
Response apply_credit(Call& c) {
  int64_t id = c.id();
  return ok(to_json(app::apply_credit(*c.ctx, id, opt_money(c.body(), "amount", 1))));
}

Response create_credit_note(Call& c) {
  auto& b = c.body();
  int64_t invoice = req_id(b, "invoice_id");
  Minor amount = req_money(b, "amount", 1);
  std::string reason = req_string(b, "reason", 2000);
  return created(to_json(app::create_credit_note(*c.ctx, invoice, amount, reason)));
}

Response get_credit_note(Call& c) { return ok(to_json(app::get_credit_note(*c.ctx, c.id()))); }

Response list_credit_notes(Call& c) {
  auto invoice = query_id(c.query, "invoice_id");
  return ok(page_json(app::list_credit_notes(*c.ctx, invoice, page_req(c.query))));
}

Response post_payment(Call& c) {
  auto& b = c.body();
  app::NewPayment p;
  p.account_id = req_id(b, "account_id");
  p.method = req_enum(b, "method", {"cheque", "bank_transfer"});
  p.reference = opt_string(b, "reference", 200).value_or("");
  p.amount = req_money(b, "amount", 1);
  p.received_date = opt_date(b, "received_date");
  p.invoice_id = opt_id(b, "invoice_id");
  return created(to_json(app::post_payment(*c.ctx, p)));
}

Response list_payments(Call& c) {
  auto account = query_id(c.query, "account_id");
  return ok(page_json(app::list_payments(*c.ctx, account, page_req(c.query))));
}

Response get_payment(Call& c) { return ok(to_json(app::get_payment(*c.ctx, c.id()))); }

Response reverse_payment(Call& c) {
  int64_t id = c.id();
  std::string reason = req_string(c.body(), "reason", 500);
  return ok(to_json(app::reverse_payment(*c.ctx, id, reason)));
}

}  // namespace

void add_invoice_routes(std::vector<Route>& t) {
  t.push_back({.method = "GET", .pattern = "/v1/invoices", .access = Access::Read,
               .handler = list_invoices, .summary = "List invoices (without lines)",
               .response = "Invoice", .list = true,
               .query = {{"account_id", "integer", "only this account's"},
                         {"status", "string", "draft | open | paid | void | uncollectible"},
                         {"stream", "string", "only this invoice stream's"},
                         {"issued_from", "string", "issued on or after this date"},
                         {"issued_to", "string", "issued on or before this date"},
                         {"cycle_end", "string", "only the invoices of the cycle ending then"}}});
  t.push_back({.method = "GET", .pattern = "/v1/invoices/{id}", .access = Access::Read,
               .handler = get_invoice, .summary = "Get an invoice with its lines",
               .response = "Invoice"});
  t.push_back({.method = "GET", .pattern = "/v1/invoices/{id}/pdf", .access = Access::Read,
               .handler = invoice_pdf, .summary = "The invoice as a PDF, in the account's language",
               .content_type = "application/pdf"});
  t.push_back({.method = "POST", .pattern = "/v1/invoices/{id}/finalize", .access = Access::Write,
               .handler = finalize, .summary = "Finalize a draft: number it and post it",
               .response = "Invoice"});
  t.push_back({.method = "POST", .pattern = "/v1/invoices/{id}/void", .access = Access::Write,
               .handler = void_invoice, .summary = "Void an open invoice with nothing paid or credited",
               .response = "Invoice"});
  t.push_back({.method = "POST", .pattern = "/v1/invoices/{id}/mark-uncollectible",
               .access = Access::Write, .handler = uncollectible,
               .summary = "Write an open invoice off as uncollectible", .response = "Invoice"});
  t.push_back({.method = "POST", .pattern = "/v1/invoices/{id}/apply-credit",
               .access = Access::Write, .handler = apply_credit,
               .summary = "Apply the account's credit to an open invoice now",
               .request = "ApplyCredit", .response = "Invoice"});
  t.push_back({.method = "POST", .pattern = "/v1/credit-notes", .access = Access::Write,
               .handler = create_credit_note, .summary = "Credit an open or paid invoice",
               .status = 201, .request = "NewCreditNote", .response = "CreditNote"});
  t.push_back({.method = "GET", .pattern = "/v1/credit-notes", .access = Access::Read,
               .handler = list_credit_notes, .summary = "List credit notes",
               .response = "CreditNote", .list = true,
               .query = {{"invoice_id", "integer", "only this invoice's"}}});
  t.push_back({.method = "GET", .pattern = "/v1/credit-notes/{id}", .access = Access::Read,
               .handler = get_credit_note, .summary = "Get a credit note",
               .response = "CreditNote"});
  t.push_back({.method = "POST", .pattern = "/v1/payments", .access = Access::Write,
               .handler = post_payment,
               .summary = "Post a cheque or bank transfer; applied oldest invoice first or to one invoice",
               .status = 201, .request = "NewPayment", .response = "Payment"});
  t.push_back({.method = "GET", .pattern = "/v1/payments", .access = Access::Read,
               .handler = list_payments, .summary = "List payments", .response = "Payment",
               .list = true, .query = {{"account_id", "integer", "only this account's"}}});
  t.push_back({.method = "GET", .pattern = "/v1/payments/{id}", .access = Access::Read,
               .handler = get_payment, .summary = "Get a payment with its applications",
               .response = "Payment"});
  t.push_back({.method = "POST", .pattern = "/v1/payments/{id}/reverse", .access = Access::Write,
               .handler = reverse_payment,
               .summary = "Reverse a staff-posted payment entered by mistake: what it paid reopens",
               .request = "PaymentReversal", .response = "Payment"});
}

}  // namespace remit::http
