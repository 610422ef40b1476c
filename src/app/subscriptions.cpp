#include "app/subscriptions.h"

#include "app/catalog.h"
#include "app/internal.h"

namespace remit::app {
using detail::require_date;
using store::Query;

namespace {
constexpr const char* kSub =
    "SELECT id, account_id, price_id, stream, start_date, end_date FROM subscriptions ";
constexpr const char* kPhases =
    "SELECT id, start_date, end_date, quantity FROM subscription_phases "
    "WHERE tenant_id = ? AND subscription_id = ? ORDER BY start_date";
constexpr const char* kInsertSub =
    "INSERT INTO subscriptions (tenant_id, account_id, price_id, stream, start_date, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kInsertPhase =
    "INSERT INTO subscription_phases (tenant_id, subscription_id, start_date, end_date, quantity) "
    "VALUES (?, ?, ?, NULL, ?)";
constexpr const char* kEndPhase =
    "UPDATE subscription_phases SET end_date = ? WHERE tenant_id = ? AND id = ?";
constexpr const char* kSetPhaseQty =
    "UPDATE subscription_phases SET quantity = ? WHERE tenant_id = ? AND id = ?";
constexpr const char* kCancel =
    "UPDATE subscriptions SET end_date = ? WHERE tenant_id = ? AND id = ?";
constexpr const char* kPrice =
    "SELECT kind, timing, billing_interval, stream, active FROM prices WHERE tenant_id = ? AND id "
    "= ?";
constexpr const char* kInsertUsage =
    "INSERT INTO usage_records (tenant_id, account_id, subscription_id, usage_date, quantity, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kInsertWork =
    "INSERT INTO work_entries (tenant_id, account_id, stream, work_date, who, hours, rate, ticket, "
    "description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kWorkCols =
    "SELECT id, account_id, stream, work_date, who, hours, rate, ticket, description, invoice_id "
    "FROM work_entries ";
constexpr const char* kInsertCharge =
    "INSERT INTO charges (tenant_id, account_id, stream, charge_date, description, quantity, "
    "unit_amount, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kChargeCols =
    "SELECT id, account_id, stream, charge_date, description, quantity, unit_amount, invoice_id "
    "FROM charges ";

struct Loaded {
  SubscriptionRec rec;
  std::vector<int64_t> phase_ids;
  domain::Price price;
  domain::Subscription dom;
};

Loaded load(Ctx& ctx, int64_t id) {
  Loaded l;
  {
    Query q(ctx.db, std::string(kSub) + "WHERE tenant_id = ? AND id = ?", ctx.tenant.id, id);
    if (!q.next()) not_found("subscription");
    l.rec = {q.i64(0), q.i64(1), q.i64(2), q.text(3), q.text(4), q.opt_text(5), "", 0, {}};
  }
  {
    Query q(ctx.db, kPhases, ctx.tenant.id, id);
    while (q.next()) {
      l.phase_ids.push_back(q.i64(0));
      l.rec.phases.push_back({q.text(1), q.opt_text(2), q.i64(3)});
    }
  }
  for (auto& p : load_domain_prices(ctx.db, ctx.tenant.id))
    if (p.id == l.rec.price_id) l.price = p;
  l.dom.id = id;
  l.dom.account_id = l.rec.account_id;
  l.dom.price = &l.price;
  l.dom.start = *parse_date(l.rec.start_date);
  l.dom.end = detail::opt_date(l.rec.end_date);
  Date today = ctx.today;
  l.rec.status = l.dom.start > today                  ? "scheduled"
                 : (l.dom.end && *l.dom.end <= today) ? "cancelled"
                                                      : "active";
  if (!l.rec.phases.empty()) l.rec.quantity = l.rec.phases.back().quantity;
  for (auto& ph : l.rec.phases)
    if (*parse_date(ph.start_date) <= today) l.rec.quantity = ph.quantity;
  return l;
}

void check_quantity(int64_t q) {
  if (q <= 0 || q > 100'000'000) invalid("quantity", "must be greater than 0 and at most 1000000");
}

// Changes may not reach into periods already invoiced.
void check_change_date(Ctx& ctx, const Loaded& l, Date d, const char* field) {
  const Stream& s = *ctx.tenant.stream(l.rec.stream);
  Date earliest = domain::earliest_change_date(s.schedule, l.dom, ctx.today);
  if (d < earliest)
    invalid(field, "must be on or after " + format_date(earliest) +
                       " (earlier periods are invoiced; use a credit note)");
  if (l.dom.end && d >= *l.dom.end) invalid(field, "the subscription ends before that date");
}

}  // namespace

SubscriptionRec create_subscription(Ctx& ctx, const NewSubscription& s) {
  detail::require_account(ctx, s.account_id);
  std::string stream;
  {
    Query q(ctx.db, kPrice, ctx.tenant.id, s.price_id);
    if (!q.next()) invalid("price_id", "no such price");
    std::string kind = q.text(0);
    if (kind == "one_time") invalid("price_id", "one-time prices are billed as charges");
    if (q.i64(4) == 0) invalid("price_id", "the price is archived");
    stream = q.text(3);
  }
  check_quantity(s.quantity);
  Date start = detail::date_or_today(ctx, "start_date", s.start_date);
  const Stream& st = *ctx.tenant.stream(stream);
  Date cycle = domain::boundary_on_or_before(st.schedule, ctx.today);
  if (start < cycle)
    invalid("start_date",
            "must be on or after " + format_date(cycle) + ", the current cycle's start");
  int64_t id = store::one_int(ctx.db, kInsertSub, ctx.tenant.id, s.account_id, s.price_id, stream,
                              format_date(start), format_instant(ctx.now));
  store::exec(ctx.db, kInsertPhase, ctx.tenant.id, id, format_date(start), s.quantity);
  audit(ctx, "subscription.created", "subscription", id);
  return load(ctx, id).rec;
}

SubscriptionRec get_subscription(Ctx& ctx, int64_t id) { return load(ctx, id).rec; }

Page<SubscriptionRec> list_subscriptions(Ctx& ctx, std::optional<int64_t> account_id,
                                         const PageReq& page) {
  return detail::page_of(ctx, "subscriptions", account_id, page,
                         [&](int64_t id) { return load(ctx, id).rec; });
}

SubscriptionRec change_quantity(Ctx& ctx, int64_t id, int64_t quantity,
                                std::optional<std::string> effective_date) {
  Loaded l = load(ctx, id);
  if (l.price.kind != domain::PriceKind::Recurring)
    invalid("quantity", "only recurring subscriptions have a quantity");
  check_quantity(quantity);
  Date d = detail::date_or_today(ctx, "effective_date", effective_date);
  check_change_date(ctx, l, d, "effective_date");
  Date last_start = *parse_date(l.rec.phases.back().start_date);
  if (d < last_start)
    invalid("effective_date", "must be on or after the last change, " + format_date(last_start));
  if (d == last_start) {
    store::exec(ctx.db, kSetPhaseQty, quantity, ctx.tenant.id, l.phase_ids.back());
  } else {
    store::exec(ctx.db, kEndPhase, format_date(d), ctx.tenant.id, l.phase_ids.back());
    store::exec(ctx.db, kInsertPhase, ctx.tenant.id, id, format_date(d), quantity);
  }
  audit(ctx, "subscription.quantity_changed", "subscription", id,
        hundredths_to_string(quantity) + " from " + format_date(d));
  return load(ctx, id).rec;
}

SubscriptionRec cancel_subscription(Ctx& ctx, int64_t id, std::optional<std::string> date) {
  Loaded l = load(ctx, id);
  if (l.rec.end_date) precondition("the subscription is already cancelled");
  Date d = detail::date_or_today(ctx, "date", date);
  check_change_date(ctx, l, d, "date");
  store::exec(ctx.db, kCancel, format_date(d), ctx.tenant.id, id);
  audit(ctx, "subscription.cancelled", "subscription", id, format_date(d));
  return load(ctx, id).rec;
}

int64_t record_usage(Ctx& ctx, const NewUsage& u) {
  Loaded l = [&] {
    try {
      return load(ctx, u.subscription_id);
    } catch (const Error& e) {
      if (e.code == Code::NotFound) invalid("subscription_id", "no such subscription");
      throw;
    }
  }();
  if (l.price.kind != domain::PriceKind::Metered)
    invalid("subscription_id", "the subscription's price is not metered");
  if (u.quantity <= 0 || u.quantity > 1'000'000'000'00)
    invalid("quantity", "must be greater than 0");
  Date d = detail::date_or_today(ctx, "date", u.date);
  if (d > ctx.today) invalid("date", "usage cannot be recorded for a future date");
  if (d < l.dom.start || (l.dom.end && d >= *l.dom.end))
    invalid("date", "the subscription is not active on that date");
  return store::one_int(ctx.db, kInsertUsage, ctx.tenant.id, l.rec.account_id, u.subscription_id,
                        format_date(d), u.quantity, format_instant(ctx.now));
}

WorkEntry create_work_entry(Ctx& ctx, const NewWork& w) {
  detail::require_account(ctx, w.account_id);
  const Stream& s = w.stream.empty() ? detail::default_item_stream(ctx)
                                     : detail::require_stream(ctx, "stream", w.stream);
  Date d = detail::date_or_today(ctx, "date", w.date);
  if (d > ctx.today) invalid("date", "work cannot be recorded for a future date");
  if (w.who.empty() || w.who.size() > 100) invalid("who", "must be 1-100 characters");
  if (w.description.empty() || w.description.size() > 1000)
    invalid("description", "must be 1-1000 characters");
  if (w.ticket.size() > 100) invalid("ticket", "must be at most 100 characters");
  if (w.hours <= 0 || w.hours > 100000) invalid("hours", "must be greater than 0 and at most 1000");
  if (w.rate < 0 || w.rate > 10'000'000) invalid("rate", "must be 0..100000.00");
  int64_t id =
      store::one_int(ctx.db, kInsertWork, ctx.tenant.id, w.account_id, s.code, format_date(d),
                     w.who, w.hours, w.rate, w.ticket, w.description, format_instant(ctx.now));
  audit(ctx, "work_entry.created", "work_entry", id);
  return {id,      w.account_id, s.code,   format_date(d), w.who,
          w.hours, w.rate,       w.ticket, w.description,  {}};
}

Page<WorkEntry> list_work_entries(Ctx& ctx, std::optional<int64_t> account_id,
                                  const PageReq& page) {
  int limit = detail::clamp_limit(page.limit);
  Query q(ctx.db, std::string(kWorkCols) + detail::kAccountPage, ctx.tenant.id, account_id,
          account_id, page.after, limit + 1);
  std::vector<WorkEntry> rows;
  while (q.next())
    rows.push_back({q.i64(0), q.i64(1), q.text(2), q.text(3), q.text(4), q.i64(5), q.i64(6),
                    q.text(7), q.text(8), q.opt_i64(9)});
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

// Defined in billing.cpp: invoices one account's pending charge at once.
int64_t invoice_charge_now(Ctx& ctx, int64_t account_id, const std::string& stream,
                           int64_t charge_id);

Charge create_charge(Ctx& ctx, const NewCharge& c) {
  detail::require_account(ctx, c.account_id);
  const Stream& s = c.stream.empty() ? detail::default_item_stream(ctx)
                                     : detail::require_stream(ctx, "stream", c.stream);
  Date d = detail::date_or_today(ctx, "date", c.date);
  if (d < ctx.today) invalid("date", "must be today or later");
  if (c.invoice_now && d != ctx.today) invalid("date", "a charge invoiced now is dated today");
  if (c.description.empty() || c.description.size() > 1000)
    invalid("description", "must be 1-1000 characters");
  if (c.quantity <= 0 || c.quantity > 100'000'000) invalid("quantity", "must be greater than 0");
  if (c.unit_amount <= 0 || c.unit_amount > 100'000'000'00)
    invalid("unit_amount", "must be greater than 0 (use a credit note to credit)");
  int64_t id =
      store::one_int(ctx.db, kInsertCharge, ctx.tenant.id, c.account_id, s.code, format_date(d),
                     c.description, c.quantity, c.unit_amount, format_instant(ctx.now));
  audit(ctx, "charge.created", "charge", id);
  Charge out{id,         c.account_id,  s.code, format_date(d), c.description,
             c.quantity, c.unit_amount, {}};
  if (c.invoice_now) out.invoice_id = invoice_charge_now(ctx, c.account_id, s.code, id);
  return out;
}

Page<Charge> list_charges(Ctx& ctx, std::optional<int64_t> account_id, const PageReq& page) {
  int limit = detail::clamp_limit(page.limit);
  Query q(ctx.db, std::string(kChargeCols) + detail::kAccountPage, ctx.tenant.id, account_id,
          account_id, page.after, limit + 1);
  std::vector<Charge> rows;
  while (q.next())
    rows.push_back(
        {q.i64(0), q.i64(1), q.text(2), q.text(3), q.text(4), q.i64(5), q.i64(6), q.opt_i64(7)});
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

}  // namespace remit::app
