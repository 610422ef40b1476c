#pragma once
// The tenant's payment policy (D2, D5, D8, D10, D11, D12): limits, fees and schedules, with
// InvoiceCloud's and DakotaPro's rules as the defaults. One row per tenant in
// payment_policies; a tenant without one has the defaults.
#include <string>

#include "app/context.h"

namespace remit::app {

struct PaymentPolicy {
  Minor max_digital_amount = 100000;  // per card or wallet transaction ($1,000)
  int max_digital_payments = 3;       // card or wallet payments per account ...
  int digital_window_days = 5;        // ... in any this many days
  Minor convenience_fee = 175;        // per card or wallet transaction, non-refundable
  Minor returned_payment_fee = 2500;
  int micro_deposit_tries = 3;
  int micro_deposit_days = 10;        // the micro-deposits expire after
  std::string autopay_on = "due_date";  // due_date | invoice_date
  std::string autopay_retry_days = "3,5,7";
  int receipt_digest_hour = 18;
  std::string refund_run_days = "1,15";
  bool require_payment_method = true;  // A7: no subscription starts without one (or terms)
};

PaymentPolicy load_payment_policy(store::Db& db, int64_t tenant_id);

}  // namespace remit::app
