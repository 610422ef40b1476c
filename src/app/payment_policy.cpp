#include "app/payment_policy.h"

namespace remit::app {

PaymentPolicy load_payment_policy(store::Db& db, int64_t tenant_id) {
  PaymentPolicy p;
  store::Query q(db,
                 "SELECT max_digital_amount, max_digital_payments, digital_window_days, "
                 "convenience_fee, returned_payment_fee, micro_deposit_tries, micro_deposit_days, "
                 "autopay_on, autopay_retry_days, receipt_digest_hour, refund_run_days, "
                 "require_payment_method "
                 "FROM payment_policies WHERE tenant_id = ?",
                 tenant_id);
  if (!q.next()) return p;
  p.max_digital_amount = q.i64(0);
  p.max_digital_payments = static_cast<int>(q.i64(1));
  p.digital_window_days = static_cast<int>(q.i64(2));
  p.convenience_fee = q.i64(3);
  p.returned_payment_fee = q.i64(4);
  p.micro_deposit_tries = static_cast<int>(q.i64(5));
  p.micro_deposit_days = static_cast<int>(q.i64(6));
  p.autopay_on = q.text(7);
  p.autopay_retry_days = q.text(8);
  p.receipt_digest_hour = static_cast<int>(q.i64(9));
  p.refund_run_days = q.text(10);
  p.require_payment_method = q.i64(11) != 0;
  return p;
}

}  // namespace remit::app
