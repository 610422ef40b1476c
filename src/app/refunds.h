#pragma once
// Refunds to the original method (D12): all or part of a card or wallet payment goes back
// through the processor; the convenience fee is kept. As with paying, the refund is
// recorded, committed, sent to the processor under the key remit-<tenant>-refund-<id>, and
// its outcome booked: the money comes first out of what the payment left as account credit,
// then out of the invoices it paid, newest first, which reopen. payment.refunded is raised.
#include <chrono>
#include <string>

#include "app/payment_methods.h"

namespace remit::app {

struct Refund {
  int64_t id = 0, payment_id = 0;
  Minor amount = 0;
  std::string reason, status;  // processing | succeeded | failed
  std::string processor_ref, failure_code, created_at;
};

// PaymentDeclined when the processor refuses it (nothing changes); 202-style "processing"
// when it does not answer (the refund row stays processing: resolve_refunds() finishes it).
// FailedPrecondition, before the processor is asked, when booking could not take the amount
// back (the credit the payment left has been used). `request_key` (the Idempotency-Key):
// the same key again returns that refund, also while the first request is in flight.
Refund refund_payment(Caller& c, int64_t payment_id, Minor amount, const std::string& reason,
                      const std::string& request_key = "");
// The janitor's step for refunds left processing for longer than `after`: asked again under
// the same key, then booked or failed. Returns how many were finished.
int resolve_refunds(Caller& c, std::chrono::seconds after);

}  // namespace remit::app
