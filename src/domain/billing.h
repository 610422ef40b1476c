#pragma once
// Pure billing rules (B1, B2, B4, B5, C1): which lines a bill run at a stream boundary
// produces for one subscription or pending item. No I/O, no clock.
//
// Every recurring subscription is settled period by period: for each period the run
// touches, the line amount is what the period is due (prorated by day over the
// subscription's phases, rounded once per phase, half up) minus what earlier invoices
// already billed for it. In arrears a run settles the period just ended; in advance it
// trues up the period just ended (seat changes, cancellations) and bills the coming one.
// A yearly price is settled at its anniversary, or by the first run after it is cancelled;
// in advance, a year that began before the subscription started (it started mid-year, after
// the year's run) is billed, prorated, by the first run after its start.
#include "core/dates.h"
#include "core/money.h"
#include "domain/schedule.h"

#include <optional>
#include <string>
#include <vector>

namespace remit::domain {

enum class PriceKind { Recurring, Metered, OneTime };
enum class Timing { Advance, Arrears };

struct Price {
  int64_t id = 0;
  std::string product_name;
  PriceKind kind = PriceKind::Recurring;
  Timing timing = Timing::Arrears;
  Minor unit_amount = 0;
  int interval_cycles = 1;  // stream cycles per billing period: 1, or 12 for yearly
  std::string stream;
};

struct Phase {
  Date start;
  std::optional<Date> end;  // exclusive; none = open
  int64_t quantity = 100;   // hundredths
  const Price* price = nullptr;  // after a price change; none = the subscription's price
};

struct Subscription {
  int64_t id = 0;
  int64_t account_id = 0;
  const Price* price = nullptr;
  Date start;
  std::optional<Date> end;  // exclusive cancellation date
  std::vector<Phase> phases;  // ordered, non-overlapping
  // What earlier invoices billed, per period start (only periods the run touches matter).
  std::vector<std::pair<Date, Minor>> billed;
  // Of that, what was on invoices the customer does not owe (void, written off, credited in
  // full): a reduction never credits it (voiding forgave it already).
  std::vector<std::pair<Date, Minor>> not_owed;
  // Metered: un-invoiced usage before the boundary, hundredths, by the start of the stream
  // cycle its reading is dated in (a late reading keeps its own period).
  std::vector<std::pair<Date, int64_t>> pending_usage;
};

enum class LineKind { Recurring, Adjustment, Usage, Work, Charge };
const char* line_kind_name(LineKind k);

struct Line {
  LineKind kind = LineKind::Recurring;
  int64_t account_id = 0;
  int64_t subscription_id = 0;
  int64_t item_id = 0;  // work entry or charge
  std::string description;
  Date period_start{}, period_end{};  // service dates shown to the customer
  std::optional<Date> cycle_start;    // the billing period this settles (subscriptions)
  int64_t quantity = 0;               // hundredths; 0 for adjustments
  Minor unit_amount = 0;
  Minor amount = 0;
};

struct PendingItem {  // billable work (B4) or one-time charge (B5)
  enum Kind { Work, Charge } kind = Charge;
  int64_t id = 0;
  int64_t account_id = 0;
  std::string description;
  Date date{};
  int64_t quantity = 100;  // hundredths (hours for work)
  Minor unit_amount = 0;   // rate per hour for work
};

// The periods [start, end) of a subscription around stream boundary b, or nullopt when b
// is not one of the subscription's period boundaries (a yearly price mid-year).
struct SubPeriods {
  Date prev, at, next;
};
std::optional<SubPeriods> subscription_periods(const Schedule& s, const Subscription& sub, Date b);

// What the subscription is due for [a, b), by phase segment (quantity, dates, amount).
std::vector<Line> due_segments(const Subscription& sub, Date a, Date b);

// Appends the lines a run at stream boundary b bills for the subscription.
void bill_subscription(const Schedule& s, const Subscription& sub, Date b, std::vector<Line>& out);

Line bill_item(const PendingItem& item);

// Earliest date a change to the subscription may take effect at `today`: the start of
// its current period (earlier periods are invoiced and corrected by credit notes only).
Date earliest_change_date(const Schedule& s, const Subscription& sub, Date today);

}  // namespace remit::domain
