#pragma once
// Payments through the processor (D4-D7): a one-time payment of chosen invoices or an amount,
// with saved methods, split across several of them all or nothing.
//
// Never inside a transaction (app/processor.h): 1. record the attempt (payments in status
// processing, one row per part, the first part's id as the group) and commit; 2. call the
// processor with a key per part (remit-<tenant>-pay-<id>); 3. record each outcome and, for
// money taken, book it (applications, ledger with the funds in clearing, the fee) in one
// transaction. A split payment authorizes every part first and captures only when all were
// authorized; any refusal cancels the others. A crash or timeout leaves parts in processing:
// resolve_processing() (the janitor) asks the processor with the same keys and finishes them,
// so a charge is neither lost nor made twice.
//
// Payment rules (D5, the tenant's policy): a card or wallet part is at most
// max_digital_amount; at most max_digital_payments card or wallet parts per account in any
// digital_window_days; each card or wallet part carries the convenience fee, charged with it,
// booked as fee revenue and never refunded. Bank debits carry no fee.
#include <optional>
#include <string>
#include <vector>

#include "app/payment_methods.h"

namespace remit::app {

struct PaymentPart {
  int64_t method_id = 0;
  Minor amount = 0;
  // Instead of method_id: a card or wallet token fresh from the processor's form, used for
  // this payment only and not saved.
  std::string token = {};
};
struct PaymentRequest {
  int64_t account_id = 0;
  std::vector<int64_t> invoice_ids;  // paid in this order; empty: oldest due first
  // The total; absent: the chosen invoices' amount due (or the account's balance due).
  std::optional<Minor> amount;
  // One part per method; absent: the whole amount with `method_id`.
  std::vector<PaymentPart> parts;
  std::optional<int64_t> method_id;
  // Instead of method_id: a fresh card or wallet token; with save_method it is saved on the
  // account first (verified, as POST /v1/accounts/{id}/payment-methods does), else used once.
  // A bank account is always saved first, with its debit authorization.
  std::string token;
  bool save_method = false;
  // A guest's address: the receipt goes there as well as to the account's contacts.
  std::string receipt_email;
  std::string request_key;  // the Idempotency-Key: a repeat returns the same payment
  std::string channel = "api";  // api | portal | autopay | scheduled
  // Autopay and scheduled payments were agreed in advance: the count of card payments in a
  // window (D5) does not apply to them (the per-transaction limit does).
  bool pre_authorized = false;
  // A customer pays at most what is due (the chosen invoices', else the balance due), never
  // credit by mistake; staff through the API may take more, kept as credit on the account.
  bool at_most_due = false;
};

// What a payment would cost before it is confirmed (the fee shown first, D5).
struct PaymentQuote {
  Minor amount = 0, fees = 0, total = 0;
  std::vector<PaymentPart> parts;
  std::vector<Minor> part_fees;
};
PaymentQuote quote_payment(Caller& c, const PaymentRequest& in);
// What the request pays: its amount, else the chosen invoices' amount due (none chosen: the
// account's balance due), checked as quote_payment checks them; its parts and methods are
// not looked at. For splitting that total across methods (the portal's "the rest on ...").
Minor payment_amount(Caller& c, const PaymentRequest& in);

// The payment (its parts) as it ended: every part succeeded or pending (the money is taken
// or on its way, the balance already lower), or every part failed or voided (nothing taken:
// PaymentDeclined is thrown naming the failing part's reason), or some still processing
// (the processor did not answer: the janitor finishes them).
struct PaymentOutcome {
  std::vector<Payment> parts;
  std::string status;  // succeeded | pending | processing
  std::string confirmation;
  Minor amount = 0, fees = 0;
};
PaymentOutcome pay(Caller& c, const PaymentRequest& in);

// The janitor: finishes the tenant's payments left in processing for longer than `after`
// by asking the processor. Returns how many it finished.
int resolve_processing(Caller& c, std::chrono::seconds after);
// The janitor over every tenant with such payments (the server's workers run it each minute).
int resolve_processing_everywhere(Env& env, store::Db& db, std::chrono::seconds after);

// Settlement and returns (D7, D10): asks the processor about the tenant's succeeded and
// pending payments; settled ones move from clearing to cash, returned ones are reversed.
struct SettleCounts {
  int settled = 0, returned = 0;
};
SettleCounts settle_payments(Caller& c);

}  // namespace remit::app
