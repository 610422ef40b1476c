#pragma once
// AutoPay (D8): an account enrols an invoice stream; on each open invoice's autopay date
// (its due date, or its issue date, by the tenant's policy) the daily job charges the
// enrolment's method, or the account's preferred one, through app/processor_payments.h. A
// refused charge raises payment.failed and is tried again on the policy's retry days (by
// default 3, 5 and 7 days after the first). Each attempt's request key is
// autopay-<invoice>-<attempt>, so a job run again after a crash repeats nothing: the
// attempt already made is found, and one the processor did not answer is asked again
// with the same keys. Works for any account, registered in the portal or not.
#include <optional>
#include <string>
#include <vector>

#include "app/payment_methods.h"

namespace remit::app {

struct Autopay {
  int64_t id = 0, account_id = 0;
  std::string stream;
  std::optional<int64_t> method_id;  // none: the account's preferred method at charge time
  std::string created_at;
};

// Enrols (or re-enrols with another method) the account's stream. The method, or the
// preferred one when none is named, must be usable now (400 naming method_id otherwise).
Autopay enroll_autopay(Ctx& ctx, int64_t account_id, const std::string& stream,
                       std::optional<int64_t> method_id);
void cancel_autopay(Ctx& ctx, int64_t account_id, const std::string& stream);
std::vector<Autopay> list_autopay(Ctx& ctx, int64_t account_id);

// The tenant's autopay charges due today (the daily job's step), in chunks (of up to 1,000
// invoices) (app/autopay_run.cpp) on `workers` connections. Returns the attempts made.
int run_autopay(Caller& c, int workers = 1);

}  // namespace remit::app
