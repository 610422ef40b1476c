#pragma once
// The evening payment digest (D11): each day at the policy's receipt_digest_hour (the
// tenant's zone), one email to the tenant's billing inbox (its billing_inbox, else its email)
// listing every payment posted since the last digest: account number, payer, amount, fee,
// method (brand and last 4, masked), confirmation and status, with totals by method.
//
// The scheduler (app/jobs.h: schedule_days) enqueues a `digest` job, keyed by the day, once
// the tenant's clock has passed that day's digest hour, for every day since the last one it
// scheduled (tenants.digest_through). The job records the day's digest once (unique per
// tenant and day) and queues the email in the same transaction, so a job run again, or by two
// servers, sends one email. Each digest covers [the previous digest's end, this day at the
// hour): nothing posted falls between two digests, also when the hour changes. A digest with
// no payments, or a tenant with no address to send to, is recorded but sends no email.
// The email is composed at delivery from the payments as they are then (notify/email.h).
#include <optional>
#include <string>
#include <vector>

#include "app/context.h"

namespace remit::app {

// At most this many payments are listed in the email; the totals always count them all.
inline constexpr int kDigestMaxLines = 500;

// The last day whose digest is due at `now` (its hour has passed in `tz`).
Date last_digest_day(Instant now, const std::string& tz, int hour);

// Records the digest of `day` (once) and queues its email; the `digest` job. Own transaction.
void record_payment_digest(store::Db& db, const Clock& clock, int64_t tenant_id, Date day);

struct DigestLine {
  int64_t payment_id = 0;
  std::string posted_at;  // local "HH:MM" (with the date when not the digest's day)
  std::string account_number, payer, method, method_display, confirmation, status;
  Minor amount = 0, fee = 0;
};
struct DigestTotal {
  std::string method;  // card | bank_debit | wallet | cheque | bank_transfer
  int64_t count = 0;
  Minor amount = 0, fees = 0;
};
struct PaymentDigest {
  int64_t id = 0;
  std::string digest_date, window_start, window_end, recipients;
  std::vector<DigestLine> lines;  // oldest first, at most kDigestMaxLines
  int64_t payments = 0;           // listed or not
  // Money received: payments succeeded, pending or settled (not those still processing,
  // reversed or returned, which are listed but not counted here).
  std::vector<DigestTotal> by_method;
  DigestTotal total;
};
// The digest with its payments as they are now. NotFound when there is no such digest.
PaymentDigest load_payment_digest(Ctx& ctx, int64_t id);
// The digest of a day, if it was recorded.
std::optional<int64_t> payment_digest_id(Ctx& ctx, Date day);

}  // namespace remit::app
