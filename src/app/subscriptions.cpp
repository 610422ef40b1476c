#include "app/subscriptions.h"

#include <fmt/format.h>

#include "app/accounts.h"
#include "app/catalog.h"
#include "app/internal.h"

namespace remit::app {
using detail::require_date;
using store::Query;

namespace {
constexpr const char* kSub =
    "SELECT id, account_id, price_id, stream, start_date, end_date FROM subscriptions ";
constexpr const char* kPhases =
    "SELECT id, start_date, end_date, quantity, price_id FROM subscription_phases "
    "WHERE tenant_id = ? AND subscription_id = ? ORDER BY start_date";
constexpr const char* kInsertSub =
    "INSERT INTO subscriptions (tenant_id, account_id, price_id, stream, start_date, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kInsertPhase =
    "INSERT INTO subscription_phases (tenant_id, subscription_id, start_date, end_date, quantity, "
    "price_id) VALUES (?, ?, ?, NULL, ?, ?)";
constexpr const char* kEndPhase =
    "UPDATE subscription_phases SET end_date = ? WHERE tenant_id = ? AND id = ?";
constexpr const char* kSetPhase =
    "UPDATE subscription_phases SET quantity = ?, price_id = ? WHERE tenant_id = ? AND id = ?";
constexpr const char* kSetEnd = "UPDATE subscriptions SET end_date = ? WHERE tenant_id = ? AND id = ?";
constexpr const char* kPrice =
    "SELECT kind, timing, billing_interval, stream, active, unit_amount FROM prices "
    "WHERE tenant_id = ? AND id = ?";
constexpr const char* kInsertUsage =
    "INSERT INTO usage_records (tenant_id, account_id, subscription_id, usage_date, quantity, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kUsageCols =
    "SELECT id, account_id, subscription_id, usage_date, quantity, invoice_id, created_at "
    "FROM usage_records ";
constexpr const char* kUsagePage =
    "WHERE tenant_id = ? AND subscription_id = ? AND id > ? ORDER BY id LIMIT ?";
constexpr const char* kPendingUsageOfSub =
    "SELECT COALESCE(SUM(quantity), 0) FROM usage_records WHERE tenant_id = ? "
    "AND subscription_id = ? AND invoice_id IS NULL";
constexpr const char* kInsertWork =
    "INSERT INTO work_entries (tenant_id, account_id, stream, work_date, who, hours, rate, ticket, "
    "description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kWorkCols =
    "SELECT id, account_id, stream, work_date, who, hours, rate, ticket, description, invoice_id "
    "FROM work_entries ";
constexpr const char* kUpdateWork =
    "UPDATE work_entries SET work_date = ?, who = ?, hours = ?, rate = ?, ticket = ?, "
    "description = ? WHERE tenant_id = ? AND id = ? AND invoice_id IS NULL";
constexpr const char* kDeleteWork =
    "DELETE FROM work_entries WHERE tenant_id = ? AND id = ? AND invoice_id IS NULL";
constexpr const char* kInsertCharge =
    "INSERT INTO charges (tenant_id, account_id, stream, charge_date, description, quantity, "
    "unit_amount, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kChargeCols =
    "SELECT id, account_id, stream, charge_date, description, quantity, unit_amount, invoice_id "
    "FROM charges ";
constexpr const char* kUpdateCharge =
    "UPDATE charges SET charge_date = ?, description = ?, quantity = ?, unit_amount = ? "
    "WHERE tenant_id = ? AND id = ? AND invoice_id IS NULL";
constexpr const char* kDeleteCharge =
    "DELETE FROM charges WHERE tenant_id = ? AND id = ? AND invoice_id IS NULL";
// What a billing account has unbilled (charges, work, usage valued at its price), and the
// recurring charges per period of its subscriptions still running: the inputs an invoice is
// made of, limited so that every invoice fits (docs/billing.md, "Limits").
constexpr const char* kUnbilledItems =
    "SELECT c.quantity, c.unit_amount FROM accounts a JOIN charges c ON c.tenant_id = a.tenant_id "
    "AND c.account_id = a.id WHERE a.tenant_id = ? AND a.billing_account_id = ? "
    "AND c.invoice_id IS NULL AND (CAST(? AS BIGINT) IS NULL OR c.id <> ?) "
    "UNION ALL SELECT w.hours, w.rate FROM accounts a JOIN work_entries w "
    "ON w.tenant_id = a.tenant_id AND w.account_id = a.id WHERE a.tenant_id = ? "
    "AND a.billing_account_id = ? AND w.invoice_id IS NULL "
    "AND (CAST(? AS BIGINT) IS NULL OR w.id <> ?) "
    "UNION ALL SELECT SUM(u.quantity), MAX(p.unit_amount) FROM accounts a JOIN usage_records u "
    "ON u.tenant_id = a.tenant_id AND u.account_id = a.id JOIN subscriptions s "
    "ON s.tenant_id = u.tenant_id AND s.id = u.subscription_id JOIN prices p "
    "ON p.tenant_id = s.tenant_id AND p.id = s.price_id WHERE a.tenant_id = ? "
    "AND a.billing_account_id = ? AND u.invoice_id IS NULL GROUP BY u.subscription_id";
constexpr const char* kRecurringPerPeriod =
    "SELECT ph.quantity, p.unit_amount FROM accounts a JOIN subscriptions s "
    "ON s.tenant_id = a.tenant_id AND s.account_id = a.id JOIN subscription_phases ph "
    "ON ph.tenant_id = s.tenant_id AND ph.subscription_id = s.id JOIN prices p "
    "ON p.tenant_id = s.tenant_id AND p.id = COALESCE(ph.price_id, s.price_id) "
    "WHERE a.tenant_id = ? AND a.billing_account_id = ? AND p.kind = 'recurring' "
    "AND (s.end_date IS NULL OR s.end_date > ?) AND (ph.end_date IS NULL OR ph.end_date > ?) "
    "AND (CAST(? AS BIGINT) IS NULL OR s.id <> ?)";

struct Loaded {
  SubscriptionRec rec;
  int64_t billing = 0;  // its billing account, when loaded under its lock
  std::vector<int64_t> phase_ids;
  std::vector<domain::Price> prices;  // the tenant's, for the phases' prices
  domain::Subscription dom;
};

const domain::Price* find_price(const std::vector<domain::Price>& prices, int64_t id) {
  for (auto& p : prices)
    if (p.id == id) return &p;
  return nullptr;
}

Loaded load(Ctx& ctx, int64_t id) {
  Loaded l;
  {
    Query q(ctx.db, std::string(kSub) + "WHERE tenant_id = ? AND id = ?", ctx.tenant.id, id);
    if (!q.next()) not_found("subscription");
    l.rec = {q.i64(0), q.i64(1), q.i64(2), q.text(3), q.text(4), q.opt_text(5), "", 0, {}};
  }
  l.prices = load_domain_prices(ctx.db, ctx.tenant.id);
  int64_t base_price = l.rec.price_id;
  l.dom.id = id;
  l.dom.account_id = l.rec.account_id;
  l.dom.price = find_price(l.prices, base_price);
  if (!l.dom.price) throw Error(Code::Internal, "subscription without its price");
  l.dom.start = *parse_date(l.rec.start_date);
  l.dom.end = detail::opt_date(l.rec.end_date);
  {
    Query q(ctx.db, kPhases, ctx.tenant.id, id);
    while (q.next()) {
      l.phase_ids.push_back(q.i64(0));
      int64_t price = q.opt_i64(4).value_or(base_price);
      l.rec.phases.push_back({q.text(1), q.opt_text(2), q.i64(3), price});
      l.dom.phases.push_back({*parse_date(q.text(1)), detail::opt_date(q.opt_text(2)), q.i64(3),
                              price == base_price ? nullptr : find_price(l.prices, price)});
    }
  }
  Date today = ctx.today;
  l.rec.status = l.dom.start > today                  ? "scheduled"
                 : (l.dom.end && *l.dom.end <= today) ? "cancelled"
                                                      : "active";
  if (!l.rec.phases.empty()) {
    l.rec.quantity = l.rec.phases.back().quantity;
    l.rec.price_id = l.rec.phases.back().price_id;
  }
  for (auto& ph : l.rec.phases)
    if (*parse_date(ph.start_date) <= today) {
      l.rec.quantity = ph.quantity;
      l.rec.price_id = ph.price_id;
    }
  return l;
}

// Loads a subscription after locking its billing account (the concurrency rule).
Loaded load_locked(Ctx& ctx, int64_t id, std::string_view field = "") {
  auto locked = detail::lock_owner(ctx, "subscriptions", id);
  if (!locked) {
    if (field.empty()) not_found("subscription");
    invalid(std::string(field), "no such subscription");
  }
  Loaded l = load(ctx, id);
  l.billing = locked->billing_account_id;
  return l;
}

void check_quantity(int64_t q) {
  if (q <= 0 || q > 100'000'000) invalid("quantity", "must be greater than 0 and at most 1000000");
}

// One line (unit x quantity) may be at most kMaxLine.
void check_line(std::string_view field, Minor unit, int64_t hundredths) {
  if (!line_amount(unit, hundredths))
    invalid(std::string(field),
            fmt::format("{} x {} exceeds the limit of {} for one line", minor_to_decimal(unit),
                        hundredths_to_string(hundredths), minor_to_decimal(kMaxLine)));
}

// The billing account's unbilled items plus `extra` may be at most kMaxUnbilled; `except`
// leaves out the charge or work entry being edited.
void check_unbilled(Ctx& ctx, int64_t billing, Minor extra, std::string_view field,
                    std::optional<int64_t> except_charge = {},
                    std::optional<int64_t> except_work = {}) {
  __int128 total = extra;
  Query q(ctx.db, kUnbilledItems, ctx.tenant.id, billing, except_charge, except_charge,
          ctx.tenant.id, billing, except_work, except_work, ctx.tenant.id, billing);
  while (q.next()) total += static_cast<__int128>(q.i64(0)) * q.i64(1) / 100;
  if (total > kMaxUnbilled)
    invalid(std::string(field), "the account's unbilled charges, work and usage would exceed " +
                                    minor_to_decimal(kMaxUnbilled));
}

// The billing account's recurring charges per period, with subscription `except` counted as
// `own` (unit x quantity of its price), may be at most kMaxUnbilled.
void check_recurring(Ctx& ctx, int64_t billing, std::optional<int64_t> except, Minor own,
                     std::string_view field) {
  __int128 total = own;
  std::string today = format_date(ctx.today);
  Query q(ctx.db, kRecurringPerPeriod, ctx.tenant.id, billing, today, today, except, except);
  while (q.next()) total += static_cast<__int128>(q.i64(0)) * q.i64(1) / 100;
  if (total > kMaxUnbilled)
    invalid(std::string(field), "the account's recurring charges per period would exceed " +
                                    minor_to_decimal(kMaxUnbilled));
}

// Checks a locked subscription's quantity at a price: the line, and the account's total.
void check_recurring_line(Ctx& ctx, const Loaded& l, Minor unit, int64_t qty,
                          std::string_view field) {
  check_line(field, unit, qty);
  check_recurring(ctx, l.billing, l.rec.id, *line_amount(unit, qty), field);
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

// Starts a new phase from `d` (or changes the last one if it starts on `d`).
void set_phase_from(Ctx& ctx, Loaded& l, Date d, int64_t quantity, int64_t price_id,
                    const char* field) {
  Date last_start = *parse_date(l.rec.phases.back().start_date);
  if (d < last_start)
    invalid(field, "must be on or after the last change, " + format_date(last_start));
  std::optional<int64_t> price =
      price_id == l.dom.price->id ? std::nullopt : std::optional(price_id);
  if (d == last_start) {
    store::exec(ctx.db, kSetPhase, quantity, price, ctx.tenant.id, l.phase_ids.back());
  } else {
    store::exec(ctx.db, kEndPhase, format_date(d), ctx.tenant.id, l.phase_ids.back());
    store::exec(ctx.db, kInsertPhase, ctx.tenant.id, l.rec.id, format_date(d), quantity, price);
  }
}

void cancel_loaded(Ctx& ctx, const Loaded& l, Date d) {
  if (l.rec.end_date) precondition("the subscription is already cancelled");
  check_change_date(ctx, l, d, "date");
  store::exec(ctx.db, kSetEnd, format_date(d), ctx.tenant.id, l.rec.id);
  audit(ctx, "subscription.cancelled", "subscription", l.rec.id, format_date(d));
}

}  // namespace

SubscriptionRec create_subscription(Ctx& ctx, const NewSubscription& s) {
  int64_t billing = detail::lock_billing_account(ctx, s.account_id, "account_id");
  require_billing_ready(ctx, billing);
  std::string stream;
  bool recurring;
  Minor unit;
  {
    Query q(ctx.db, kPrice, ctx.tenant.id, s.price_id);
    if (!q.next()) invalid("price_id", "no such price");
    std::string kind = q.text(0);
    if (kind == "one_time") invalid("price_id", "one-time prices are billed as charges");
    if (q.i64(4) == 0) invalid("price_id", "the price is archived");
    stream = q.text(3);
    recurring = kind == "recurring";
    unit = q.i64(5);
  }
  check_quantity(s.quantity);
  if (recurring) {
    check_line("quantity", unit, s.quantity);
    check_recurring(ctx, billing, std::nullopt, *line_amount(unit, s.quantity), "quantity");
  }
  Date start = detail::date_or_today(ctx, "start_date", s.start_date);
  const Stream& st = *ctx.tenant.stream(stream);
  Date cycle = domain::boundary_on_or_before(st.schedule, ctx.today);
  if (start < cycle)
    invalid("start_date",
            "must be on or after " + format_date(cycle) + ", the current cycle's start");
  int64_t id = store::one_int(ctx.db, kInsertSub, ctx.tenant.id, s.account_id, s.price_id, stream,
                              format_date(start), format_instant(ctx.now));
  store::exec(ctx.db, kInsertPhase, ctx.tenant.id, id, format_date(start), s.quantity,
              store::null);
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
  Loaded l = load_locked(ctx, id);
  if (l.dom.price->kind != domain::PriceKind::Recurring)
    invalid("quantity", "only recurring subscriptions have a quantity");
  check_quantity(quantity);
  Date d = detail::date_or_today(ctx, "effective_date", effective_date);
  check_change_date(ctx, l, d, "effective_date");
  int64_t price = l.rec.phases.back().price_id;
  check_recurring_line(ctx, l, find_price(l.prices, price)->unit_amount, quantity, "quantity");
  set_phase_from(ctx, l, d, quantity, price, "effective_date");
  audit(ctx, "subscription.quantity_changed", "subscription", id,
        hundredths_to_string(quantity) + " from " + format_date(d));
  return load(ctx, id).rec;
}

SubscriptionRec change_price(Ctx& ctx, int64_t id, int64_t price_id,
                             std::optional<std::string> effective_date) {
  Loaded l = load_locked(ctx, id);
  const domain::Price& old = *l.dom.price;
  if (old.kind != domain::PriceKind::Recurring)
    invalid("price_id", "only a recurring subscription's price can be changed");
  const domain::Price* p = find_price(l.prices, price_id);
  if (!p) invalid("price_id", "no such price");
  {
    Query q(ctx.db, kPrice, ctx.tenant.id, price_id);
    q.next();
    if (q.i64(4) == 0) invalid("price_id", "the price is archived");
  }
  if (p->kind != old.kind || p->stream != old.stream || p->timing != old.timing ||
      p->interval_cycles != old.interval_cycles)
    invalid("price_id",
            "must be a recurring price of the same stream, interval and timing (advance or "
            "arrears) as the current one");
  Date d = detail::date_or_today(ctx, "effective_date", effective_date);
  check_change_date(ctx, l, d, "effective_date");
  int64_t qty = l.rec.phases.back().quantity;
  check_recurring_line(ctx, l, p->unit_amount, qty, "price_id");
  int64_t from = l.rec.phases.back().price_id;
  if (from == price_id) invalid("price_id", "is already the subscription's price");
  set_phase_from(ctx, l, d, qty, price_id, "effective_date");
  audit(ctx, "subscription.price_changed", "subscription", id,
        fmt::format("price {} -> {} from {}", from, price_id, format_date(d)));
  return load(ctx, id).rec;
}

SubscriptionRec cancel_subscription(Ctx& ctx, int64_t id, std::optional<std::string> date) {
  Loaded l = load_locked(ctx, id);
  cancel_loaded(ctx, l, detail::date_or_today(ctx, "date", date));
  return load(ctx, id).rec;
}

std::vector<SubscriptionRec> cancel_subscriptions(Ctx& ctx, int64_t account_id,
                                                  const std::vector<int64_t>& ids,
                                                  std::optional<std::string> date) {
  {
    Query q(ctx.db, "SELECT 1 FROM accounts WHERE tenant_id = ? AND id = ?", ctx.tenant.id,
            account_id);
    if (!q.next()) not_found("account");  // the path's account: 404, as everywhere
  }
  detail::lock_billing_account(ctx, account_id, "account_id");
  Date d = detail::date_or_today(ctx, "date", date);
  if (ids.empty()) invalid("subscription_ids", "must name at least one subscription");
  if (ids.size() > 200) invalid("subscription_ids", "may name at most 200 subscriptions");
  std::vector<SubscriptionRec> out;
  for (size_t i = 0; i < ids.size(); ++i) {
    std::string field = fmt::format("subscription_ids[{}]", i);
    for (size_t k = 0; k < i; ++k)
      if (ids[k] == ids[i]) invalid(field, "is named twice");
    Loaded l = [&] {
      try {
        return load(ctx, ids[i]);
      } catch (const Error& e) {
        if (e.code == Code::NotFound) invalid(field, "no such subscription");
        throw;
      }
    }();
    if (l.rec.account_id != account_id) invalid(field, "is not a subscription of this account");
    try {
      cancel_loaded(ctx, l, d);
    } catch (const Error& e) {  // name the subscription that stopped the whole call
      if (e.code == Code::FailedPrecondition)
        throw Error(e.code, fmt::format("subscription {}: {}", ids[i], e.what()), field);
      if (e.code == Code::InvalidArgument)
        throw Error(e.code, fmt::format("subscription {}: {}", ids[i], e.what()), e.field);
      throw;
    }
  }
  for (auto id : ids) out.push_back(load(ctx, id).rec);
  return out;
}

SubscriptionRec undo_cancellation(Ctx& ctx, int64_t id) {
  Loaded l = load_locked(ctx, id);
  if (!l.rec.end_date) precondition("the subscription is not cancelled");
  if (*l.dom.end <= ctx.today)
    precondition("the cancellation took effect on " + *l.rec.end_date +
                 "; start a new subscription instead");
  store::exec(ctx.db, kSetEnd, store::null, ctx.tenant.id, id);
  audit(ctx, "subscription.cancellation_undone", "subscription", id, *l.rec.end_date);
  return load(ctx, id).rec;
}

int64_t record_usage(Ctx& ctx, const NewUsage& u) {
  Loaded l = load_locked(ctx, u.subscription_id, "subscription_id");
  if (l.dom.price->kind != domain::PriceKind::Metered)
    invalid("subscription_id", "the subscription's price is not metered");
  if (u.quantity <= 0 || u.quantity > 1'000'000'000'00)
    invalid("quantity", "must be greater than 0 and at most 1000000000");
  Date d = detail::date_or_today(ctx, "date", u.date);
  if (d > ctx.today) invalid("date", "usage cannot be recorded for a future date");
  if (d < l.dom.start || (l.dom.end && d >= *l.dom.end))
    invalid("date", "the subscription is not active on that date");
  Minor unit = l.dom.price->unit_amount;
  int64_t pending = store::one_int(ctx.db, kPendingUsageOfSub, ctx.tenant.id, u.subscription_id);
  if (!line_amount(unit, checked_add(pending, u.quantity)))
    invalid("quantity", fmt::format("at {} per unit the subscription's unbilled usage may be at "
                                    "most {} units (the limit for one line is {}); {} are unbilled",
                                    minor_to_decimal(unit),
                                    unit ? hundredths_to_string(kMaxLine / unit * 100) : "any",
                                    minor_to_decimal(kMaxLine), hundredths_to_string(pending)));
  check_unbilled(ctx, l.billing, *line_amount(unit, u.quantity), "quantity");
  return store::one_int(ctx.db, kInsertUsage, ctx.tenant.id, l.rec.account_id, u.subscription_id,
                        format_date(d), u.quantity, format_instant(ctx.now));
}

Page<UsageRecord> list_usage(Ctx& ctx, int64_t subscription_id, const PageReq& page) {
  load(ctx, subscription_id);  // 404 for a missing or another tenant's subscription
  int limit = detail::clamp_limit(page.limit);
  Query q(ctx.db, std::string(kUsageCols) + kUsagePage, ctx.tenant.id, subscription_id,
          page.after, limit + 1);
  std::vector<UsageRecord> rows;
  while (q.next())
    rows.push_back({q.i64(0), q.i64(1), q.i64(2), q.text(3), q.i64(4), q.opt_i64(5), q.text(6)});
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

namespace {

void validate_work(const Ctx& ctx, const NewWork& w, Date d) {
  if (d > ctx.today) invalid("date", "work cannot be recorded for a future date");
  if (w.who.empty() || w.who.size() > 200) invalid("who", "must be 1-200 characters");
  if (w.description.empty() || w.description.size() > 1000)
    invalid("description", "must be 1-1000 characters");
  if (w.ticket.size() > 100) invalid("ticket", "must be at most 100 characters");
  if (w.hours <= 0 || w.hours > 100000) invalid("hours", "must be greater than 0 and at most 1000");
  if (w.rate < 0 || w.rate > 10'000'000) invalid("rate", "must be between 0 and 100000.00");
}

void validate_charge(const Ctx& ctx, const NewCharge& c, Date d) {
  if (d < ctx.today) invalid("date", "must be today or later");
  if (c.invoice_now && d != ctx.today) invalid("date", "a charge invoiced now is dated today");
  if (c.description.empty() || c.description.size() > 1000)
    invalid("description", "must be 1-1000 characters");
  if (c.quantity <= 0 || c.quantity > 100'000'000)
    invalid("quantity", "must be greater than 0 and at most 1000000");
  if (c.unit_amount <= 0 || c.unit_amount > 100'000'000'00)
    invalid("unit_amount",
            "must be between 0.01 and 100000000.00 (use a credit note to credit)");
  check_line("quantity", c.unit_amount, c.quantity);
}

WorkEntry read_work(Query& q) {
  return {q.i64(0), q.i64(1), q.text(2), q.text(3), q.text(4),
          q.i64(5), q.i64(6), q.text(7), q.text(8), q.opt_i64(9)};
}

Charge read_charge(Query& q) {
  return {q.i64(0), q.i64(1), q.text(2), q.text(3), q.text(4), q.i64(5), q.i64(6), q.opt_i64(7)};
}

// An unbilled work entry or charge of `table`, loaded after locking its billing account
// (`billing`).
template <class T, class Read>
T load_unbilled(Ctx& ctx, const char* table, const char* cols, int64_t id, const char* what,
                Read read, int64_t* billing = nullptr) {
  auto locked = detail::lock_owner(ctx, table, id);
  if (!locked) not_found(what);
  if (billing) *billing = locked->billing_account_id;
  Query q(ctx.db, std::string(cols) + "WHERE tenant_id = ? AND id = ?", ctx.tenant.id, id);
  if (!q.next()) not_found(what);  // deleted while this request waited for the lock
  T t = read(q);
  if (t.invoice_id)
    precondition(std::string("the ") + what + " is on invoice " + std::to_string(*t.invoice_id) +
                 "; correct it with a credit note");
  return t;
}

}  // namespace

WorkEntry create_work_entry(Ctx& ctx, const NewWork& w) {
  int64_t billing = detail::lock_billing_account(ctx, w.account_id, "account_id");
  const Stream& s = w.stream.empty() ? detail::default_item_stream(ctx)
                                     : detail::require_stream(ctx, "stream", w.stream);
  Date d = detail::date_or_today(ctx, "date", w.date);
  validate_work(ctx, w, d);
  check_unbilled(ctx, billing, prorate(w.rate, w.hours, 100), "hours");
  int64_t id =
      store::one_int(ctx.db, kInsertWork, ctx.tenant.id, w.account_id, s.code, format_date(d),
                     w.who, w.hours, w.rate, w.ticket, w.description, format_instant(ctx.now));
  audit(ctx, "work_entry.created", "work_entry", id);
  return {id,      w.account_id, s.code,   format_date(d), w.who,
          w.hours, w.rate,       w.ticket, w.description,  {}};
}

WorkEntry update_work_entry(Ctx& ctx, int64_t id, const WorkPatch& p) {
  int64_t billing;
  WorkEntry e = load_unbilled<WorkEntry>(ctx, "work_entries", kWorkCols, id, "work entry",
                                         read_work, &billing);
  NewWork w{e.account_id, e.stream, p.date.value_or(e.date), p.who.value_or(e.who),
            p.hours.value_or(e.hours), p.rate.value_or(e.rate), p.ticket.value_or(e.ticket),
            p.description.value_or(e.description)};
  Date d = require_date("date", *w.date);
  validate_work(ctx, w, d);
  check_unbilled(ctx, billing, prorate(w.rate, w.hours, 100), "hours", std::nullopt, id);
  store::exec(ctx.db, kUpdateWork, format_date(d), w.who, w.hours, w.rate, w.ticket,
              w.description, ctx.tenant.id, id);
  audit(ctx, "work_entry.updated", "work_entry", id);
  return {id, e.account_id, e.stream, format_date(d), w.who, w.hours, w.rate, w.ticket,
          w.description, {}};
}

void delete_work_entry(Ctx& ctx, int64_t id) {
  load_unbilled<WorkEntry>(ctx, "work_entries", kWorkCols, id, "work entry", read_work);
  store::exec(ctx.db, kDeleteWork, ctx.tenant.id, id);
  audit(ctx, "work_entry.deleted", "work_entry", id);
}

Page<WorkEntry> list_work_entries(Ctx& ctx, std::optional<int64_t> account_id,
                                  const PageReq& page) {
  int limit = detail::clamp_limit(page.limit);
  Query q(ctx.db, std::string(kWorkCols) + detail::kAccountPage, ctx.tenant.id, account_id,
          account_id, page.after, limit + 1);
  std::vector<WorkEntry> rows;
  while (q.next()) rows.push_back(read_work(q));
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

// Defined in billing.cpp: invoices one account's pending charge at once.
int64_t invoice_charge_now(Ctx& ctx, int64_t account_id, const std::string& stream,
                           int64_t charge_id);

Charge create_charge(Ctx& ctx, const NewCharge& c) {
  int64_t billing = detail::lock_billing_account(ctx, c.account_id, "account_id");
  const Stream& s = c.stream.empty() ? detail::default_item_stream(ctx)
                                     : detail::require_stream(ctx, "stream", c.stream);
  Date d = detail::date_or_today(ctx, "date", c.date);
  validate_charge(ctx, c, d);
  check_unbilled(ctx, billing, *line_amount(c.unit_amount, c.quantity), "unit_amount");
  int64_t id =
      store::one_int(ctx.db, kInsertCharge, ctx.tenant.id, c.account_id, s.code, format_date(d),
                     c.description, c.quantity, c.unit_amount, format_instant(ctx.now));
  audit(ctx, "charge.created", "charge", id);
  Charge out{id,         c.account_id,  s.code, format_date(d), c.description,
             c.quantity, c.unit_amount, {}};
  if (c.invoice_now) out.invoice_id = invoice_charge_now(ctx, c.account_id, s.code, id);
  return out;
}

Charge update_charge(Ctx& ctx, int64_t id, const ChargePatch& p) {
  int64_t billing;
  Charge e =
      load_unbilled<Charge>(ctx, "charges", kChargeCols, id, "charge", read_charge, &billing);
  NewCharge c{e.account_id, e.stream, p.date.value_or(e.date),
              p.description.value_or(e.description), p.quantity.value_or(e.quantity),
              p.unit_amount.value_or(e.unit_amount), false};
  Date d = require_date("date", *c.date);
  if (p.date) validate_charge(ctx, c, d);
  else validate_charge(ctx, c, std::max(d, ctx.today));  // an old date may stay as it is
  check_unbilled(ctx, billing, *line_amount(c.unit_amount, c.quantity), "unit_amount", id);
  store::exec(ctx.db, kUpdateCharge, format_date(d), c.description, c.quantity, c.unit_amount,
              ctx.tenant.id, id);
  audit(ctx, "charge.updated", "charge", id);
  return {id, e.account_id, e.stream, format_date(d), c.description, c.quantity, c.unit_amount,
          {}};
}

void delete_charge(Ctx& ctx, int64_t id) {
  load_unbilled<Charge>(ctx, "charges", kChargeCols, id, "charge", read_charge);
  store::exec(ctx.db, kDeleteCharge, ctx.tenant.id, id);
  audit(ctx, "charge.deleted", "charge", id);
}

Page<Charge> list_charges(Ctx& ctx, std::optional<int64_t> account_id, const PageReq& page) {
  int limit = detail::clamp_limit(page.limit);
  Query q(ctx.db, std::string(kChargeCols) + detail::kAccountPage, ctx.tenant.id, account_id,
          account_id, page.after, limit + 1);
  std::vector<Charge> rows;
  while (q.next()) rows.push_back(read_charge(q));
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

}  // namespace remit::app
