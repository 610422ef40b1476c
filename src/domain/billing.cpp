#include "domain/billing.h"

#include <algorithm>

namespace remit::domain {

const char* line_kind_name(LineKind k) {
  switch (k) {
    case LineKind::Recurring: return "recurring";
    case LineKind::Adjustment: return "adjustment";
    case LineKind::Usage: return "usage";
    case LineKind::Work: return "work";
    case LineKind::Charge: return "charge";
  }
  return "charge";
}

std::optional<SubPeriods> subscription_periods(const Schedule& s, const Subscription& sub, Date b) {
  int c = std::max(1, sub.price->interval_cycles);
  Date anchor = boundary_on_or_before(s, sub.start);
  if (b < anchor) return std::nullopt;
  if (c > 1 && cycles_between(s, anchor, b) % c != 0) return std::nullopt;
  return SubPeriods{shift_cycles(s, b, -c), b, shift_cycles(s, b, c)};
}

std::vector<Line> due_segments(const Subscription& sub, Date a, Date b) {
  std::vector<Line> out;
  int64_t n = days_between(a, b);
  for (const Phase& ph : sub.phases) {
    const Price& p = ph.price ? *ph.price : *sub.price;
    Date s = std::max({ph.start, sub.start, a});
    Date e = b;
    if (ph.end) e = std::min(e, *ph.end);
    if (sub.end) e = std::min(e, *sub.end);
    if (s >= e) continue;
    Line l;
    l.kind = LineKind::Recurring;
    l.account_id = sub.account_id;
    l.subscription_id = sub.id;
    l.period_start = s;
    l.period_end = e;
    l.cycle_start = a;
    l.quantity = ph.quantity;
    l.unit_amount = p.unit_amount;
    int64_t d = days_between(s, e);
    l.amount = prorate(checked_mul(p.unit_amount, ph.quantity), d, n * 100);
    l.description = d == n ? p.product_name : p.product_name + " (prorated)";
    out.push_back(std::move(l));
  }
  return out;
}

static Minor sum_for(const std::vector<std::pair<Date, Minor>>& v, Date cycle_start) {
  Minor total = 0;
  for (auto& [d, m] : v)
    if (d == cycle_start) total = checked_add(total, m);
  return total;
}

static bool was_billed(const Subscription& sub, Date cycle_start) {
  for (auto& [d, m] : sub.billed)
    if (d == cycle_start) return true;
  return false;
}

// Settles [a, b): the due segments when nothing was billed yet, else one adjustment line.
static void settle(const Subscription& sub, Date a, Date b, std::vector<Line>& out) {
  auto segs = due_segments(sub, a, b);
  Minor billed = sum_for(sub.billed, a);
  if (billed == 0) {
    for (auto& l : segs)
      if (l.amount != 0) out.push_back(std::move(l));
    return;
  }
  Minor due = 0;
  for (auto& l : segs) due = checked_add(due, l.amount);
  if (due == billed) return;
  Minor amount = checked_sub(due, billed);
  // A reduction credits at most what the customer owed for the period.
  if (amount < 0) amount = std::max(amount, checked_sub(sum_for(sub.not_owed, a), billed));
  if (amount == 0) return;
  Line adj;
  adj.kind = LineKind::Adjustment;
  adj.account_id = sub.account_id;
  adj.subscription_id = sub.id;
  adj.period_start = a;
  adj.period_end = b;
  adj.cycle_start = a;
  adj.amount = amount;
  adj.description = "Adjustment: " + sub.price->product_name +
                    (amount < 0 ? " (reduced or cancelled)" : " (added)");
  out.push_back(std::move(adj));
}

// The multi-cycle (yearly) period containing the stream cycle that ends at b.
static std::pair<Date, Date> current_period(const Schedule& s, const Subscription& sub, Date b) {
  int c = std::max(1, sub.price->interval_cycles);
  Date anchor = boundary_on_or_before(s, sub.start);
  Date last = shift_cycles(s, b, -1);
  Date start = shift_cycles(s, anchor, cycles_between(s, anchor, last) / c * c);
  return {start, shift_cycles(s, start, c)};
}

// The periods of a multi-cycle (yearly) subscription that ended within the last period, to
// settle at once rather than at their anniversaries, so a prepaid cancellation is credited
// on the next invoice: the period holding its last day of service, and a period billed in
// advance that begins on or after its end (cancelled, perhaps back-dated, as or before that
// period began). Only periods whose billing the run knows (from c + 1 cycles back).
static std::vector<std::pair<Date, Date>> ended_periods(const Schedule& s, const Subscription& sub, Date b) {
  int c = std::max(1, sub.price->interval_cycles);
  if (c == 1 || !sub.end || *sub.end > b || *sub.end <= shift_cycles(s, b, -c)) return {};
  Date known = shift_cycles(s, b, -(c + 1));
  std::vector<std::pair<Date, Date>> out;
  Date anchor = boundary_on_or_before(s, sub.start);
  Date last = boundary_on_or_before(s, *sub.end - date::days{1});
  if (last >= anchor) {
    Date start = shift_cycles(s, anchor, cycles_between(s, anchor, last) / c * c);
    if (start >= known) out.push_back({start, shift_cycles(s, start, c)});
  }
  if (b > anchor) {
    auto later = current_period(s, sub, b);
    if (later.first >= *sub.end && later.first >= known && was_billed(sub, later.first)) out.push_back(later);
  }
  return out;
}

void bill_subscription(const Schedule& s, const Subscription& sub, Date b, std::vector<Line>& out) {
  const Price& p = *sub.price;
  if (p.kind == PriceKind::Metered) {
    auto usage = sub.pending_usage;
    std::sort(usage.begin(), usage.end());
    for (size_t i = 0; i < usage.size();) {  // one line per cycle the readings are dated in
      Date cycle = usage[i].first;
      int64_t qty = 0;
      for (; i < usage.size() && usage[i].first == cycle; ++i) qty = checked_add(qty, usage[i].second);
      if (qty == 0) continue;
      Line l;
      l.kind = LineKind::Usage;
      l.account_id = sub.account_id;
      l.subscription_id = sub.id;
      l.description = p.product_name + " (usage)";
      l.period_start = std::max(cycle, sub.start);
      l.period_end = std::min(shift_cycles(s, cycle, 1), b);
      l.quantity = qty;
      l.unit_amount = p.unit_amount;
      l.amount = prorate(p.unit_amount, qty, 100);
      out.push_back(std::move(l));
    }
    return;
  }
  if (p.kind != PriceKind::Recurring) return;
  auto per = subscription_periods(s, sub, b);
  if (!per) {
    if (auto ended = ended_periods(s, sub, b); !ended.empty()) {
      for (auto& [start, end] : ended) settle(sub, start, end, out);
    } else if (p.timing == Timing::Advance && b > boundary_on_or_before(s, sub.start)) {
      // In advance, a year is billed by the first run after it starts, even mid-year.
      auto [start, end] = current_period(s, sub, b);
      if (!was_billed(sub, start)) settle(sub, start, end, out);
    }
    return;
  }
  settle(sub, per->prev, per->at, out);
  if (p.timing == Timing::Advance) settle(sub, per->at, per->next, out);
}

Line bill_item(const PendingItem& item) {
  Line l;
  l.kind = item.kind == PendingItem::Work ? LineKind::Work : LineKind::Charge;
  l.account_id = item.account_id;
  l.item_id = item.id;
  l.description = item.description;
  l.period_start = item.date;
  l.period_end = item.date + date::days{1};
  l.quantity = item.quantity;
  l.unit_amount = item.unit_amount;
  l.amount = prorate(item.unit_amount, item.quantity, 100);
  return l;
}

Date earliest_change_date(const Schedule& s, const Subscription& sub, Date today) {
  Date b = boundary_on_or_before(s, today);
  int c = std::max(1, sub.price->interval_cycles);
  if (c > 1) {
    Date anchor = boundary_on_or_before(s, sub.start);
    if (b >= anchor) b = shift_cycles(s, b, -(cycles_between(s, anchor, b) % c));
  }
  return std::max(b, sub.start);
}

}  // namespace remit::domain
