#pragma once
// The tenant's payment policy (D2, D5, D8, D10, D11, D12): limits, fees and schedules, with
// InvoiceCloud's and DakotaPro's rules as the defaults. One row per tenant in
// payment_policies; a tenant without one has the defaults.
#include <optional>
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

// Changes the tenant's policy: every field checked (400 naming it), audited.
struct PaymentPolicyPatch {
  std::optional<Minor> max_digital_amount, convenience_fee, returned_payment_fee;
  std::optional<int> max_digital_payments, digital_window_days, micro_deposit_tries,
      micro_deposit_days, receipt_digest_hour;
  std::optional<std::string> autopay_on, autopay_retry_days, refund_run_days;
  std::optional<bool> require_payment_method;
};
PaymentPolicy update_payment_policy(Ctx& ctx, const PaymentPolicyPatch& p);

}  // namespace remit::app
