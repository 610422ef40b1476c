#pragma once
// The money rules (F7, D1, C2, C3): what each operation does to an invoice's amounts, an
// account's credit and the ledger. Pure: the app layer loads the state (under the
// concurrency rule of store/db.h), calls these, and writes what they return.
//
// The ledger is double entry, debit positive. Books: ar (receivable, per account and invoice),
// revenue, cash, credit (customer credit: a liability per account), bad_debt, clearing
// (money the processor has taken for us and not yet settled to the bank), fee_revenue
// (convenience fees: revenue of their own, never an invoice's), cheques_payable (refund
// cheques in the register, not yet issued: a liability per account). Every operation
// returns one balanced transaction. An invoice's figures always satisfy
//   amount_due = max(subtotal, 0) - credit_applied - amount_paid - amount_credited - written_off
// with every term >= 0, and its ar book equals amount_due.
#include <string_view>
#include <optional>
#include <utility>
#include <vector>

#include "core/money.h"
#include "domain/invoice_state.h"

namespace remit::domain {

enum class Book { Ar, Revenue, Cash, Credit, BadDebt, Clearing, FeeRevenue, ChequesPayable };
const char* book_name(Book b);
Book book_from_name(std::string_view name);  // Internal error for an unknown name

struct Posting {
  Book book;
  std::optional<int64_t> account_id, invoice_id, payment_id;
  Minor amount;  // debit positive, credit negative
};
using Postings = std::vector<Posting>;
// The legs' sum, checked; a transaction is balanced when it is 0.
Minor postings_sum(const Postings& p);

// An invoice's money figures.
struct InvoiceMoney {
  int64_t id = 0, account_id = 0;
  InvoiceStatus status = InvoiceStatus::Draft;
  Minor subtotal = 0, credit_applied = 0, amount_paid = 0, amount_credited = 0, written_off = 0,
        amount_due = 0;
  Minor total() const { return subtotal > 0 ? subtotal : 0; }
};

// Finalizing (draft -> open or paid): the account's available credit pays first; a negative
// subtotal (more credits than charges) becomes account credit.
struct Finalization {
  Minor credit_applied = 0;  // taken from the account's credit
  Minor amount_due = 0;
  Minor credit_added = 0;    // given to the account's credit (negative subtotal)
  InvoiceStatus status = InvoiceStatus::Open;
};
Finalization plan_finalization(Minor subtotal, Minor available_credit);
Postings finalization_postings(int64_t account_id, int64_t invoice_id, Minor subtotal,
                               const Finalization& f);

// Allocating a payment: to the invoices given, in order (the chosen one, or the open ones
// oldest due first), each up to its amount due; the rest becomes account credit.
struct Due {
  int64_t invoice_id = 0;
  Minor amount_due = 0;
};
struct Allocation {
  std::vector<std::pair<int64_t, Minor>> applications;  // (invoice, amount), amount > 0
  Minor to_credit = 0;
};
Allocation allocate_payment(Minor amount, const std::vector<Due>& targets);
// `funds`: where the money is: Cash (staff-posted), Clearing (taken by the processor).
Postings payment_postings(int64_t account_id, int64_t payment_id, Minor amount,
                          const Allocation& a, Book funds = Book::Cash);
// A convenience fee taken with a processor payment: clearing up, fee revenue.
Postings fee_postings(int64_t payment_id, Minor fee);
// The processor paid out what it took (amount and fee): from clearing to cash.
Postings settlement_postings(int64_t payment_id, Minor total);

// A payment applied to an invoice, for credit notes that release payments (newest first).
struct Applied {
  int64_t payment_id = 0;
  Minor amount = 0;
};

// A credit note of `amount` (0 < amount <= total - amount_credited): lowers the amount due
// first; what exceeds it releases applied credit, then payments newest first, and all of that
// excess becomes account credit. So a credit note on a paid invoice shows as credited, the
// payments it released are unapplied again, and the figures still add up.
struct CreditNoteEffect {
  Minor to_due = 0;           // amount due reduced by this
  Minor credit_released = 0;  // credit_applied reduced by this
  std::vector<Applied> payments_released;  // each payment's application reduced by this
  Minor to_credit = 0;        // account credit increased by this (the excess)
};
// `applied`: the invoice's payment applications, newest first.
CreditNoteEffect plan_credit_note(const InvoiceMoney& inv, Minor amount,
                                  const std::vector<Applied>& applied);
Postings credit_note_postings(const InvoiceMoney& inv, Minor amount, const CreditNoteEffect& e);

// Voiding an open invoice with nothing paid or credited: the finalization is reversed, applied
// credit returns to the account.
Postings void_postings(const InvoiceMoney& inv);
// Writing off an open invoice's amount due to bad debt.
Postings write_off_postings(const InvoiceMoney& inv);
// Applying `amount` of the account's credit to an open invoice now.
Postings apply_credit_postings(const InvoiceMoney& inv, Minor amount);

// Refunding a closed account's credit by cheque (D12): the credit goes down and the cheque is
// owed (cheques_payable) until it is issued, when the cash goes out. Voiding a cheque gives
// the credit back: from cheques_payable when it was never issued, from cash when it was
// (stopped, returned undelivered).
Postings cheque_refund_postings(int64_t account_id, Minor amount);
Postings cheque_issue_postings(int64_t account_id, Minor amount);
Postings cheque_void_postings(int64_t account_id, Minor amount, bool issued);

// Reversing a staff-posted payment entered by mistake: the exact opposite of its postings so
// far (`net`: the sums of its legs per book and invoice).
Postings reversal_postings(const Postings& net);

}  // namespace remit::domain
