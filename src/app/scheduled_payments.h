#pragma once
// Scheduled payments (D9): a payment set for a day on or before the due date of the
// invoices it pays (any day, for an amount on account), editable and cancellable until that
// day; the daily job of that day pays it through app/processor_payments.h with the request
// key scheduled-<id>, so a rerun after a crash pays it once. An invoice is in one scheduled
// payment at a time; the amount is at most what its invoices owe, on the day too.
#include <optional>
#include <string>
#include <vector>

#include "app/payment_methods.h"

namespace remit::app {

struct ScheduledPayment {
  int64_t id = 0, account_id = 0, method_id = 0;
  std::vector<int64_t> invoice_ids;
  Minor amount = 0;
  std::string run_on;
  // scheduled | paid | failed | cancelled | skipped (its invoices were paid before its day)
  std::string status;
  std::optional<int64_t> payment_id;
  std::string created_at;
};

struct NewScheduledPayment {
  int64_t account_id = 0, method_id = 0;
  std::vector<int64_t> invoice_ids;
  std::optional<Minor> amount;  // default: what the invoices owe now
  std::string run_on;
};
ScheduledPayment schedule_payment(Ctx& ctx, const NewScheduledPayment& s);
struct ScheduledPaymentPatch {
  std::optional<int64_t> method_id;
  std::optional<Minor> amount;
  std::optional<std::string> run_on;
};
ScheduledPayment update_scheduled_payment(Ctx& ctx, int64_t id, const ScheduledPaymentPatch& p);
ScheduledPayment cancel_scheduled_payment(Ctx& ctx, int64_t id);
ScheduledPayment get_scheduled_payment(Ctx& ctx, int64_t id);
std::vector<ScheduledPayment> list_scheduled_payments(Ctx& ctx, int64_t account_id);

// The tenant's scheduled payments due today or earlier (the daily job's step).
int run_scheduled_payments(Caller& c);

}  // namespace remit::app
