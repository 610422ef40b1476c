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

namespace {
// "3,5,7": 1 to 8 ascending days within `max`.
void check_days(std::string_view field, const std::string& s, int max) {
  int last = 0, count = 0;
  for (size_t at = 0; at <= s.size();) {
    size_t comma = std::min(s.find(',', at), s.size());
    std::string part = s.substr(at, comma - at);
    if (part.empty() || part.size() > 3 || part.find_first_not_of("0123456789") != std::string::npos)
      invalid(std::string(field), "must be days separated by commas, e.g. 3,5,7");
    int d = std::stoi(part);
    if (d <= last || d > max)
      invalid(std::string(field), "days must ascend, each between 1 and " + std::to_string(max));
    last = d;
    ++count;
    at = comma + 1;
  }
  if (count > 8) invalid(std::string(field), "at most 8 days");
}

template <class T>
void range(std::string_view field, const std::optional<T>& v, T lo, T hi) {
  if (v && (*v < lo || *v > hi))
    invalid(std::string(field), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
}
}  // namespace

PaymentPolicy update_payment_policy(Ctx& ctx, const PaymentPolicyPatch& p) {
  range<Minor>("max_digital_amount", p.max_digital_amount, 100, kMaxAmount);
  range<Minor>("convenience_fee", p.convenience_fee, 0, 10000);
  range<Minor>("returned_payment_fee", p.returned_payment_fee, 0, 10000);
  range<int>("max_digital_payments", p.max_digital_payments, 1, 100);
  range<int>("digital_window_days", p.digital_window_days, 1, 31);
  range<int>("micro_deposit_tries", p.micro_deposit_tries, 1, 10);
  range<int>("micro_deposit_days", p.micro_deposit_days, 1, 60);
  range<int>("receipt_digest_hour", p.receipt_digest_hour, 0, 23);
  if (p.autopay_on && *p.autopay_on != "due_date" && *p.autopay_on != "invoice_date")
    invalid("autopay_on", "must be due_date or invoice_date");
  if (p.autopay_retry_days) check_days("autopay_retry_days", *p.autopay_retry_days, 30);
  if (p.refund_run_days) check_days("refund_run_days", *p.refund_run_days, 28);
  PaymentPolicy v = load_payment_policy(ctx.db, ctx.tenant.id);
  auto set = [](auto& field, const auto& patch) {
    if (patch) field = *patch;
  };
  set(v.max_digital_amount, p.max_digital_amount);
  set(v.convenience_fee, p.convenience_fee);
  set(v.returned_payment_fee, p.returned_payment_fee);
  set(v.max_digital_payments, p.max_digital_payments);
  set(v.digital_window_days, p.digital_window_days);
  set(v.micro_deposit_tries, p.micro_deposit_tries);
  set(v.micro_deposit_days, p.micro_deposit_days);
  set(v.receipt_digest_hour, p.receipt_digest_hour);
  set(v.autopay_on, p.autopay_on);
  set(v.autopay_retry_days, p.autopay_retry_days);
  set(v.refund_run_days, p.refund_run_days);
  set(v.require_payment_method, p.require_payment_method);
  store::exec(ctx.db, "DELETE FROM payment_policies WHERE tenant_id = ?", ctx.tenant.id);
  store::exec(ctx.db,
              "INSERT INTO payment_policies (tenant_id, max_digital_amount, max_digital_payments, "
              "digital_window_days, convenience_fee, returned_payment_fee, micro_deposit_tries, "
              "micro_deposit_days, autopay_on, autopay_retry_days, receipt_digest_hour, "
              "refund_run_days, require_payment_method) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              ctx.tenant.id, v.max_digital_amount, v.max_digital_payments, v.digital_window_days,
              v.convenience_fee, v.returned_payment_fee, v.micro_deposit_tries, v.micro_deposit_days,
              v.autopay_on, v.autopay_retry_days, v.receipt_digest_hour, v.refund_run_days,
              v.require_payment_method);
  audit(ctx, "tenant.payment_policy", "tenant", ctx.tenant.id);
  return v;
}

}  // namespace remit::app
