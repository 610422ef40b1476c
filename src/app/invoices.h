#pragma once
// Invoices (C2, C3), credit notes, staff-posted payments (D1 cheque / bank transfer), and
// the double-entry ledger behind every balance (F7).
#include "app/context.h"

namespace remit::app {

Invoice get_invoice(Ctx& ctx, int64_t id);  // with lines
struct InvoiceFilter {
  std::optional<int64_t> account_id;
  std::optional<std::string> status, stream;
  std::optional<std::string> issued_from, issued_to;  // issue-date range, inclusive
  std::optional<std::string> cycle_end;
};
Page<Invoice> list_invoices(Ctx& ctx, const InvoiceFilter& f, const PageReq& page);  // no lines

// draft -> open: numbers it (gapless per tenant), posts it to the ledger, applies credit.
Invoice finalize_invoice(Ctx& ctx, int64_t id);
// open, nothing paid or credited -> void (ledger reversed).
Invoice void_invoice(Ctx& ctx, int64_t id);
// open -> uncollectible (amount due written off to bad debt).
Invoice mark_uncollectible(Ctx& ctx, int64_t id);
// Applies the account's credit to an open invoice now: `amount`, or as much as it can.
Invoice apply_credit(Ctx& ctx, int64_t id, std::optional<Minor> amount);
// Takes back up to `amount` of the credit the account's open or paid invoices were given,
// newest first; each reopens by what it gives back, and the account's credit grows by it.
// For a bank's return of the payment that left that credit: the money is gone, so what it
// paid is owed again. Returns what was taken back. REQUIRES: the account's lock.
Minor take_back_credit(Ctx& ctx, int64_t account_id, Minor amount);
// Locks the invoice's account (the concurrency rule; its credit into `credit`) and loads the
// invoice's header. NotFound, or 400 naming `field` when given, if there is no such invoice.
Invoice lock_invoice(Ctx& ctx, int64_t id, std::string_view field = "", Minor* credit = nullptr);

// Credit note against an open or paid invoice, up to its total less earlier credit notes.
// It lowers the amount due; any excess over the amount due releases applied credit and then
// payments (newest first), and becomes account credit (domain/ledger.h).
CreditNote create_credit_note(Ctx& ctx, int64_t invoice_id, Minor amount, const std::string& reason);
CreditNote get_credit_note(Ctx& ctx, int64_t id);
Page<CreditNote> list_credit_notes(Ctx& ctx, std::optional<int64_t> invoice_id, const PageReq& page);

struct NewPayment {
  int64_t account_id = 0;
  std::string method;  // cheque | bank_transfer
  std::string reference;
  Minor amount = 0;
  std::optional<std::string> received_date;
  std::optional<int64_t> invoice_id;  // else oldest open invoices first
};
// Applies to the chosen invoice, else oldest due first; the rest becomes account credit.
Payment post_payment(Ctx& ctx, const NewPayment& p);
// A payment the bank (or the processor) returned (D10): reversed as reverse_payment does,
// marked returned with its code, and the tenant's returned-payment fee plus the bank's fee
// charged to the account's next invoice; payment.returned is raised.
Payment return_payment(Ctx& ctx, int64_t id, const std::string& code, Minor bank_fee);
// Reverses a staff-posted payment entered by mistake: the invoices it paid reopen, the credit
// it left is taken back, the ledger is reversed. FailedPrecondition when that credit has been
// used, or an invoice it paid was written off or voided.
Payment reverse_payment(Ctx& ctx, int64_t id, const std::string& reason);
Payment get_payment(Ctx& ctx, int64_t id);
Page<Payment> list_payments(Ctx& ctx, std::optional<int64_t> account_id, const PageReq& page);

struct LedgerEntry {
  int64_t id = 0, txn_id = 0;
  std::string date, book;
  std::optional<int64_t> account_id, invoice_id, payment_id;
  Minor amount = 0;  // debit positive, credit negative
};
Page<LedgerEntry> list_ledger(Ctx& ctx, std::optional<int64_t> account_id, const PageReq& page);

// `remit verify` (F7): the ledger balances, per transaction and overall; every invoice's
// figures add up, agree with its status, its payments and the ledger; every payment's
// applications and rest add up to its amount; every account's credit is >= 0 and agrees with
// the ledger; every account's refund cheques not yet issued equal its cheques_payable book;
// invoice numbers have no gaps. Never overflows, whatever the database holds.
struct VerifyReport {
  int64_t tenants = 0, invoices = 0, entries = 0;
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};
VerifyReport verify(store::Db& db);

}  // namespace remit::app
