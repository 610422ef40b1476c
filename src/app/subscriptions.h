#pragma once
// Subscriptions with phases (B2), usage (B1 metered), billable work (B4), charges (B5).
// Changes take effect from a date no earlier than the start of the subscription's current
// period; everything earlier is invoiced and only a credit note corrects it. Every write
// locks the billing account first (store/db.h) and keeps every invoice within the limits
// of core/money.h.
#include "app/context.h"

namespace remit::app {

struct NewSubscription {
  int64_t account_id = 0;
  int64_t price_id = 0;
  int64_t quantity = 100;  // hundredths
  std::optional<std::string> start_date;  // default: today
};
SubscriptionRec create_subscription(Ctx& ctx, const NewSubscription& s);
SubscriptionRec get_subscription(Ctx& ctx, int64_t id);
Page<SubscriptionRec> list_subscriptions(Ctx& ctx, std::optional<int64_t> account_id,
                                         const PageReq& page);
SubscriptionRec change_quantity(Ctx& ctx, int64_t id, int64_t quantity,
                                std::optional<std::string> effective_date);
// A different recurring price (upgrade or downgrade) from a date, prorated by day like a
// quantity change: same stream, interval and timing as the current price.
SubscriptionRec change_price(Ctx& ctx, int64_t id, int64_t price_id,
                             std::optional<std::string> effective_date);
SubscriptionRec cancel_subscription(Ctx& ctx, int64_t id, std::optional<std::string> date);
// Cancels several subscriptions of one account from one date, all or none.
std::vector<SubscriptionRec> cancel_subscriptions(Ctx& ctx, int64_t account_id,
                                                  const std::vector<int64_t>& ids,
                                                  std::optional<std::string> date);
// Takes a cancellation back before it takes effect (its date is after today).
SubscriptionRec undo_cancellation(Ctx& ctx, int64_t id);

struct NewUsage {
  int64_t subscription_id = 0;
  int64_t quantity = 0;  // hundredths
  std::optional<std::string> date;
};
int64_t record_usage(Ctx& ctx, const NewUsage& u);
Page<UsageRecord> list_usage(Ctx& ctx, int64_t subscription_id, const PageReq& page);

struct NewWork {
  int64_t account_id = 0;
  std::string stream;  // default: the stream for products and services
  std::optional<std::string> date;
  std::string who;
  int64_t hours = 0;  // hundredths
  Minor rate = 0;
  std::string ticket;
  std::string description;
};
WorkEntry create_work_entry(Ctx& ctx, const NewWork& w);
// Edits and deletes apply to unbilled entries only (409 once invoiced: credit-note it).
struct WorkPatch {
  std::optional<std::string> date, who, ticket, description;
  std::optional<int64_t> hours;
  std::optional<Minor> rate;
};
WorkEntry update_work_entry(Ctx& ctx, int64_t id, const WorkPatch& p);
void delete_work_entry(Ctx& ctx, int64_t id);
Page<WorkEntry> list_work_entries(Ctx& ctx, std::optional<int64_t> account_id, const PageReq& page);

struct NewCharge {
  int64_t account_id = 0;
  std::string stream;
  std::optional<std::string> date;
  std::string description;
  int64_t quantity = 100;
  Minor unit_amount = 0;
  bool invoice_now = false;  // bill at once on its own invoice, else on the next one
};
Charge create_charge(Ctx& ctx, const NewCharge& c);
struct ChargePatch {
  std::optional<std::string> date, description;
  std::optional<int64_t> quantity;
  std::optional<Minor> unit_amount;
};
Charge update_charge(Ctx& ctx, int64_t id, const ChargePatch& p);
void delete_charge(Ctx& ctx, int64_t id);
Page<Charge> list_charges(Ctx& ctx, std::optional<int64_t> account_id, const PageReq& page);

}  // namespace remit::app
