// Customer accounts (A2, A3), their balance (C7), ledger and upcoming invoice (C4).
#include "app/accounts.h"
#include "app/billing.h"
#include "app/invoices.h"
#include "core/error.h"
#include "http/handler_util.h"
#include "http/response_cache.h"

namespace remit::http {
namespace {

std::optional<std::vector<std::string>> emails(const json::object& b) {
  auto e = opt_string_array(b, "emails");
  if (e)
    for (auto& s : *e)
      if (s.find('@') == std::string::npos || s.front() == '@' || s.back() == '@')
        invalid("emails", "emails must hold email addresses");
  return e;
}

Response create_account(Call& c) {
  auto& b = c.body();
  app::NewAccount a;
  a.number = opt_string(b, "number", 64).value_or("");
  a.name = req_string(b, "name", 200);
  a.last_name = opt_string(b, "last_name", 200).value_or("");
  a.company = opt_string(b, "company", 200).value_or("");
  a.emails = emails(b).value_or(std::vector<std::string>{});
  a.address = opt_string(b, "address", 2000).value_or("");
  a.language = opt_enum(b, "language", {"en", "zh-CN"}).value_or("en");
  a.parent_id = opt_id(b, "parent_id");
  a.bill_to_parent = opt_bool(b, "bill_to_parent").value_or(false);
  if (a.bill_to_parent && !a.parent_id)
    invalid("bill_to_parent", "bill_to_parent needs a parent_id");
  a.paperless = opt_bool(b, "paperless").value_or(true);
  a.invoice_terms = opt_bool(b, "invoice_terms").value_or(false);
  return created(to_json(app::create_account(*c.ctx, a)));
}

Response list_accounts(Call& c) {
  return ok(page_json(app::list_accounts(*c.ctx, page_req(c.query))));
}

Response get_account(Call& c) { return ok(to_json(app::get_account(*c.ctx, c.id()))); }

Response patch_account(Call& c) {
  auto& b = c.body();
  int64_t id = c.id();
  // Who pays for whom is fixed at creation: its invoices, credit and payments follow it.
  for (auto f : {"parent_id", "bill_to_parent", "number", "billing_account_id", "credit_balance"})
    if (b.contains(f))
      invalid(f, std::string(f) + " cannot be changed" +
                     (std::string_view(f) == "credit_balance"
                          ? ": credit moves only through payments and credit notes"
                          : " after the account is created"));
  app::AccountPatch p;
  p.name = opt_string(b, "name", 200);
  if (p.name && p.name->find_first_not_of(" \t") == std::string::npos)
    invalid("name", "name must not be empty");
  p.last_name = opt_string(b, "last_name", 200);
  p.company = opt_string(b, "company", 200);
  p.address = opt_string(b, "address", 2000);
  p.language = opt_enum(b, "language", {"en", "zh-CN"});
  p.status = opt_enum(b, "status", {"active", "suspended", "closed"});
  p.emails = emails(b);
  p.paperless = opt_bool(b, "paperless");
  return ok(to_json(app::update_account(*c.ctx, id, p)));
}

Response balance(Call& c) { return ok(to_json(app::account_balance(*c.ctx, c.id()))); }

// The upcoming invoice is computed again only when its key changes (app::upcoming_key): a
// portal page or an API client asking again and again costs a few index lookups.
Response upcoming(Call& c) {
  static ResponseCache cache(8192);
  int64_t id = c.id();
  auto* s = query_param(c.query, "stream");
  std::string stream =
      pick_stream(c.ctx->tenant, s ? std::optional<std::string>(*s) : std::nullopt);
  std::string key = c.svc.db_url + "|" + app::upcoming_key(*c.ctx, id, stream);
  Response r;
  if (auto body = cache.get(key)) {
    r.body = std::move(*body);
    return r;
  }
  r = ok(to_json(app::upcoming_invoice(*c.ctx, id, stream)));
  cache.put(key, r.body);
  return r;
}

Response ledger(Call& c) {
  int64_t id = c.id();
  app::get_account(*c.ctx, id);  // 404 for another tenant's or a missing account
  return ok(page_json(app::list_ledger(*c.ctx, id, page_req(c.query))));
}

}  // namespace

void add_account_routes(std::vector<Route>& t) {
  t.push_back({.method = "POST", .pattern = "/v1/accounts", .access = Access::Write,
               .handler = create_account, .summary = "Create a customer account", .status = 201,
               .request = "NewAccount", .response = "Account"});
  t.push_back({.method = "GET", .pattern = "/v1/accounts", .access = Access::Read,
               .handler = list_accounts, .summary = "List accounts", .response = "Account",
               .list = true});
  t.push_back({.method = "POST", .pattern = "/v1/accounts/{id}/invoice-terms", .access = Access::Write,
               .handler = [](Call& c) { return ok(to_json(app::set_invoice_terms(*c.ctx, c.id(), true))); },
               .summary = "Approve invoice terms: the account's subscriptions may start without a payment method (A7)",
               .response = "Account"});
  t.push_back({.method = "DELETE", .pattern = "/v1/accounts/{id}/invoice-terms", .access = Access::Write,
               .handler = [](Call& c) { return ok(to_json(app::set_invoice_terms(*c.ctx, c.id(), false))); },
               .summary = "Withdraw approved invoice terms", .response = "Account"});
  t.push_back({.method = "GET", .pattern = "/v1/accounts/{id}", .access = Access::Read,
               .handler = get_account, .summary = "Get an account", .response = "Account"});
  t.push_back({.method = "PATCH", .pattern = "/v1/accounts/{id}", .access = Access::Write,
               .handler = patch_account, .summary = "Update an account",
               .request = "AccountPatch", .response = "Account"});
  t.push_back({.method = "GET", .pattern = "/v1/accounts/{id}/balance", .access = Access::Read,
               .handler = balance, .summary = "An account's balance due, credit and past due",
               .response = "Balance"});
  t.push_back({.method = "GET", .pattern = "/v1/accounts/{id}/upcoming-invoice",
               .access = Access::Read, .handler = upcoming,
               .summary = "The invoice the next bill run of a stream would create now",
               .response = "Invoice",
               .query = {{"stream", "string",
                          "stream code; optional when the tenant has one stream"}}});
  t.push_back({.method = "GET", .pattern = "/v1/accounts/{id}/ledger", .access = Access::Read,
               .handler = ledger, .summary = "An account's ledger entries",
               .response = "LedgerEntry", .list = true});
}

}  // namespace remit::http
