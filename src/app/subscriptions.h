#pragma once
// Subscriptions with phases (B2), usage (B1 metered), billable work (B4), charges (B5).
// Changes take effect from a date no earlier than the start of the subscription's current
// period; everything earlier is invoiced and only a credit note corrects it.
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
SubscriptionRec cancel_subscription(Ctx& ctx, int64_t id, std::optional<std::string> date);

struct NewUsage {
  int64_t subscription_id = 0;
  int64_t quantity = 0;  // hundredths
  std::optional<std::string> date;
};
int64_t record_usage(Ctx& ctx, const NewUsage& u);

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
Page<Charge> list_charges(Ctx& ctx, std::optional<int64_t> account_id, const PageReq& page);

}  // namespace remit::app
