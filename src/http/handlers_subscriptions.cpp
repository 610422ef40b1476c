// Subscriptions (B2), metered usage (B1), billable work (B4) and one-time charges (B5).
#include "app/subscriptions.h"
#include "core/error.h"
#include "http/handler_util.h"

namespace remit::http {
namespace {

Response create_subscription(Call& c) {
  auto& b = c.body();
  app::NewSubscription s;
  s.account_id = req_id(b, "account_id");
  s.price_id = req_id(b, "price_id");
  s.quantity = opt_quantity(b, "quantity", 1).value_or(100);
  s.start_date = opt_date(b, "start_date");
  return created(to_json(app::create_subscription(*c.ctx, s)));
}

Response list_subscriptions(Call& c) {
  auto account = query_id(c.query, "account_id");
  return ok(page_json(app::list_subscriptions(*c.ctx, account, page_req(c.query))));
}

Response get_subscription(Call& c) {
  return ok(to_json(app::get_subscription(*c.ctx, c.id())));
}

Response change_quantity(Call& c) {
  int64_t id = c.id();
  auto& b = c.body();
  int64_t q = req_quantity(b, "quantity");
  auto effective = opt_date(b, "effective_date");
  return ok(to_json(app::change_quantity(*c.ctx, id, q, effective)));
}

Response cancel(Call& c) {
  int64_t id = c.id();
  auto date = opt_date(c.body(), "date");
  return ok(to_json(app::cancel_subscription(*c.ctx, id, date)));
}

Response change_price(Call& c) {
  int64_t id = c.id();
  auto& b = c.body();
  int64_t price = req_id(b, "price_id");
  auto effective = opt_date(b, "effective_date");
  return ok(to_json(app::change_price(*c.ctx, id, price, effective)));
}

Response undo_cancellation(Call& c) {
  return ok(to_json(app::undo_cancellation(*c.ctx, c.id())));
}

Response cancel_several(Call& c) {
  int64_t account = c.id();
  auto& b = c.body();
  auto* v = b.if_contains("subscription_ids");
  if (!v || v->is_null()) invalid("subscription_ids", "subscription_ids is required");
  if (!v->is_array()) invalid("subscription_ids", "subscription_ids must be an array of ids");
  std::vector<int64_t> ids;
  for (auto& e : v->get_array()) {
    auto i = to_integer(e);
    std::string field = "subscription_ids[" + std::to_string(ids.size()) + "]";
    if (!i || *i < 1) invalid(field, field + " must be a positive integer id");
    ids.push_back(*i);
  }
  auto date = opt_date(b, "date");
  json::array data;
  for (auto& s : app::cancel_subscriptions(*c.ctx, account, ids, date)) data.push_back(to_json(s));
  return ok(json::object{{"data", std::move(data)}});
}

Response list_usage(Call& c) {
  auto sub = query_id(c.query, "subscription_id");
  if (!sub) invalid("subscription_id", "subscription_id is required");
  return ok(page_json(app::list_usage(*c.ctx, *sub, page_req(c.query))));
}

Response record_usage(Call& c) {
  auto& b = c.body();
  app::NewUsage u;
  u.subscription_id = req_id(b, "subscription_id");
  u.quantity = req_quantity(b, "quantity");
  u.date = opt_date(b, "date");
  int64_t id = app::record_usage(*c.ctx, u);
  return created(json::object{{"id", id},
                              {"subscription_id", u.subscription_id},
                              {"quantity", quantity_json(u.quantity)},
                              {"date", u.date.value_or(format_date(c.ctx->today))}});
}

Response create_work(Call& c) {
  auto& b = c.body();
  app::NewWork w;
  w.account_id = req_id(b, "account_id");
  w.stream = opt_stream(c.ctx->tenant, opt_string(b, "stream", 64)).value_or("");
  w.date = opt_date(b, "date");
  w.who = req_string(b, "who", 200);
  w.hours = req_quantity(b, "hours", 1);
  w.rate = req_money(b, "rate", 0, kMaxRate);
  w.ticket = opt_string(b, "ticket", 200).value_or("");
  w.description = req_string(b, "description", 2000);
  return created(to_json(app::create_work_entry(*c.ctx, w)));
}

Response patch_work(Call& c) {
  int64_t id = c.id();
  auto& b = c.body();
  app::WorkPatch p;
  p.date = opt_date(b, "date");
  p.who = opt_string(b, "who", 200);
  p.hours = opt_quantity(b, "hours", 1);
  p.rate = opt_money(b, "rate", 0, kMaxRate);
  p.ticket = opt_string(b, "ticket", 200);
  p.description = opt_string(b, "description", 2000);
  return ok(to_json(app::update_work_entry(*c.ctx, id, p)));
}

Response delete_work(Call& c) {
  int64_t id = c.id();
  app::delete_work_entry(*c.ctx, id);
  return ok(json::object{{"id", id}, {"deleted", true}});
}

Response list_work(Call& c) {
  auto account = query_id(c.query, "account_id");
  return ok(page_json(app::list_work_entries(*c.ctx, account, page_req(c.query))));
}

Response create_charge(Call& c) {
  auto& b = c.body();
  app::NewCharge ch;
  ch.account_id = req_id(b, "account_id");
  ch.stream = opt_stream(c.ctx->tenant, opt_string(b, "stream", 64)).value_or("");
  ch.date = opt_date(b, "date");
  ch.description = req_string(b, "description", 2000);
  ch.quantity = opt_quantity(b, "quantity", 1).value_or(100);
  ch.unit_amount = req_money(b, "unit_amount", 1, kMaxUnitAmount);
  ch.invoice_now = opt_bool(b, "invoice_now").value_or(false);
  return created(to_json(app::create_charge(*c.ctx, ch)));
}

Response patch_charge(Call& c) {
  int64_t id = c.id();
  auto& b = c.body();
  app::ChargePatch p;
  p.date = opt_date(b, "date");
  p.description = opt_string(b, "description", 2000);
  p.quantity = opt_quantity(b, "quantity", 1);
  p.unit_amount = opt_money(b, "unit_amount", 1, kMaxUnitAmount);
  return ok(to_json(app::update_charge(*c.ctx, id, p)));
}

Response delete_charge(Call& c) {
  int64_t id = c.id();
  app::delete_charge(*c.ctx, id);
  return ok(json::object{{"id", id}, {"deleted", true}});
}

Response list_charges(Call& c) {
  auto account = query_id(c.query, "account_id");
  return ok(page_json(app::list_charges(*c.ctx, account, page_req(c.query))));
}

const std::vector<QueryDoc> kByAccount = {{"account_id", "integer", "only this account's"}};

}  // namespace

void add_subscription_routes(std::vector<Route>& t) {
  t.push_back({.method = "POST", .pattern = "/v1/subscriptions", .access = Access::Write,
               .handler = create_subscription, .summary = "Subscribe an account to a price",
               .status = 201, .request = "NewSubscription", .response = "Subscription"});
  t.push_back({.method = "GET", .pattern = "/v1/subscriptions", .access = Access::Read,
               .handler = list_subscriptions, .summary = "List subscriptions",
               .response = "Subscription", .list = true, .query = kByAccount});
  t.push_back({.method = "GET", .pattern = "/v1/subscriptions/{id}", .access = Access::Read,
               .handler = get_subscription, .summary = "Get a subscription with its phases",
               .response = "Subscription"});
  t.push_back({.method = "POST", .pattern = "/v1/subscriptions/{id}/quantity",
               .access = Access::Write, .handler = change_quantity,
               .summary = "Change the quantity (seats) from a date, prorated by day",
               .request = "QuantityChange", .response = "Subscription"});
  t.push_back({.method = "POST", .pattern = "/v1/subscriptions/{id}/cancel",
               .access = Access::Write, .handler = cancel,
               .summary = "Cancel a subscription from a date (default today), prorated by day",
               .request = "Cancellation", .response = "Subscription"});
  t.push_back({.method = "POST", .pattern = "/v1/subscriptions/{id}/price",
               .access = Access::Write, .handler = change_price,
               .summary = "Change the price (upgrade or downgrade) from a date, prorated by day",
               .request = "PriceChange", .response = "Subscription"});
  t.push_back({.method = "POST", .pattern = "/v1/subscriptions/{id}/undo-cancel",
               .access = Access::Write, .handler = undo_cancellation,
               .summary = "Take back a cancellation before it takes effect",
               .response = "Subscription"});
  t.push_back({.method = "POST", .pattern = "/v1/accounts/{id}/cancel-subscriptions",
               .access = Access::Write, .handler = cancel_several,
               .summary = "Cancel several of the account's subscriptions from one date, all or none",
               .request = "Cancellations", .response = "Subscriptions"});
  t.push_back({.method = "GET", .pattern = "/v1/usage", .access = Access::Read,
               .handler = list_usage, .summary = "List a subscription's usage records",
               .response = "UsageRecord", .list = true,
               .query = {{"subscription_id", "integer", "required: the subscription's"}}});
  t.push_back({.method = "POST", .pattern = "/v1/usage", .access = Access::Write,
               .handler = record_usage, .summary = "Record metered usage", .status = 201,
               .request = "NewUsage", .response = "Usage"});
  t.push_back({.method = "POST", .pattern = "/v1/work-entries", .access = Access::Write,
               .handler = create_work, .summary = "Record billable work", .status = 201,
               .request = "NewWorkEntry", .response = "WorkEntry"});
  t.push_back({.method = "GET", .pattern = "/v1/work-entries", .access = Access::Read,
               .handler = list_work, .summary = "List billable work entries",
               .response = "WorkEntry", .list = true, .query = kByAccount});
  t.push_back({.method = "PATCH", .pattern = "/v1/work-entries/{id}", .access = Access::Write,
               .handler = patch_work, .summary = "Edit an unbilled work entry",
               .request = "WorkEntryPatch", .response = "WorkEntry"});
  t.push_back({.method = "DELETE", .pattern = "/v1/work-entries/{id}", .access = Access::Write,
               .handler = delete_work, .summary = "Delete an unbilled work entry",
               .response = "Deleted"});
  t.push_back({.method = "POST", .pattern = "/v1/charges", .access = Access::Write,
               .handler = create_charge, .summary = "Add a one-time charge", .status = 201,
               .request = "NewCharge", .response = "Charge"});
  t.push_back({.method = "GET", .pattern = "/v1/charges", .access = Access::Read,
               .handler = list_charges, .summary = "List one-time charges", .response = "Charge",
               .list = true, .query = kByAccount});
  t.push_back({.method = "PATCH", .pattern = "/v1/charges/{id}", .access = Access::Write,
               .handler = patch_charge, .summary = "Edit an unbilled charge",
               .request = "ChargePatch", .response = "Charge"});
  t.push_back({.method = "DELETE", .pattern = "/v1/charges/{id}", .access = Access::Write,
               .handler = delete_charge, .summary = "Delete an unbilled charge",
               .response = "Deleted"});
}

}  // namespace remit::http
