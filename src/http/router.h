#pragma once
// The route table and the request pipeline, free of sockets: handle() turns a Request into
// a Response. The same table feeds the OpenAPI document (openapi.h), so every route is
// documented.
//
// Pipeline of an authenticated route: match -> one transaction (write for POST/PATCH/DELETE)
// in which the API key is checked, the app::Ctx is built, a POST's Idempotency-Key is looked
// up, the handler runs and its response is saved under the key -> commit. The whole
// transaction is retried up to 3 times on Code::Retryable. Routes marked own_tx (bill runs,
// the test clock) manage their own transactions and get no Ctx.
//
// Thread safety: a Router is immutable after construction; handle() may run on many threads
// at once as long as Services::db() gives each thread its own connection.
#include <boost/json/object.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/context.h"
#include "http/json_parse.h"
#include "http/message.h"
#include "http/metrics.h"
#include "http/services.h"

namespace remit::http {

enum class Access {
  Public,  // no key (health, OpenAPI)
  Open,    // no key, but the handler uses the database (metrics, signed View & Pay links)
  Read,    // any key: admin, clerk, read_only
  Write,   // admin, clerk
  Admin,   // admin only (tenant settings)
};
const char* access_name(Access a);

class Router;

// What a handler works with. For routes run in the router's transaction `ctx` is set;
// for own_tx routes only `db` and `tenant_id`; for public routes neither.
struct Call {
  Call(const Router& rt, const Request& rq, const Services& sv,
       std::vector<std::pair<std::string, std::string>> ps, QueryParams q)
      : router(rt), req(rq), svc(sv), params(std::move(ps)), query(std::move(q)) {}

  const Router& router;
  const Request& req;
  const Services& svc;
  std::vector<std::pair<std::string, std::string>> params;  // from the path pattern
  QueryParams query;
  store::Db* db = nullptr;
  app::Ctx* ctx = nullptr;
  int64_t tenant_id = 0;
  std::string actor;

  // The body as a JSON object, parsed on first use (400 "malformed JSON" otherwise).
  const json::object& body();
  // For own_tx routes: the use case's Caller (this connection, tenant, actor, client address).
  app::Caller caller() { return {svc.env, *db, tenant_id, actor, req.client_ip}; }
  // A path parameter as a positive id; 400 naming the parameter otherwise.
  int64_t id(std::string_view name = "id") const;
  const std::string& param(std::string_view name) const;

 private:
  std::optional<json::object> body_;
};

using Handler = std::function<Response(Call&)>;

struct QueryDoc {
  std::string name, type, description;  // type: "integer" | "string"
};

struct Route {
  std::string method;   // GET | POST | PATCH
  std::string pattern;  // "/v1/accounts/{id}"
  Access access = Access::Read;
  Handler handler;
  std::string summary;
  // For the OpenAPI document:
  int status = 200;           // success status
  std::string request;        // request body schema name ("" = none)
  std::string response;       // response schema name (list: the item's)
  bool list = false;          // paginated: limit, starting_after, {"data","has_more",...}
  std::vector<QueryDoc> query;
  std::string content_type = "application/json";
  bool own_tx = false;        // the use case runs its own transactions
  bool api = true;            // false: a portal page, not in the OpenAPI document
};

// Building blocks for handlers.
Response json_reply(int status, const json::value& v);

class Router {
 public:
  explicit Router(Services svc);

  Response handle(const Request& req) const;
  // False when handle() touches no database (public routes, unknown paths): such requests
  // may run on a network thread.
  bool needs_db(const Request& req) const;

  const std::vector<Route>& routes() const { return routes_; }
  const Services& services() const { return svc_; }
  const std::string& openapi_text() const { return openapi_; }
  const Metrics& metrics() const { return metrics_; }

  struct Match {
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<std::string> allowed;  // methods of the path when the method did not match
  };
  Match match(std::string_view method, const std::vector<std::string>& segments) const;

 private:
  // `route` is set to the matched pattern (for metrics and the access log).
  // `page`: the request is for a page (a route with api false, or a path under /p/ or /view/).
  Response dispatch(const Request& req, std::string& route, bool& page) const;
  // The answer saved under the request's Idempotency-Key, replayed; nullopt when none is.
  std::optional<Response> saved_answer(const Request& req, const std::string& token) const;
  Response run_in_tx(const Route& route, Call& call, const std::string& token) const;
  Response run_own_tx(const Route& route, Call& call, const std::string& token) const;

  Services svc_;
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> patterns_;  // split routes_[i].pattern
  std::string openapi_;
  mutable Metrics metrics_;  // internally synchronised
};

// Route registration, one function per area (handlers_*.cpp).
void add_meta_routes(std::vector<Route>& t);
void add_tenant_routes(std::vector<Route>& t);
void add_account_routes(std::vector<Route>& t);
void add_catalog_routes(std::vector<Route>& t);
void add_subscription_routes(std::vector<Route>& t);
void add_invoice_routes(std::vector<Route>& t);
void add_billing_routes(std::vector<Route>& t);
void add_notify_routes(std::vector<Route>& t);   // webhooks, events, outbox, jobs, paper
void add_view_routes(std::vector<Route>& t);  // the hosted invoice page of View & Pay
void add_portal_routes(std::vector<Route>& t);  // the customer portal (http/portal/)
void add_portal_pay_routes(std::vector<Route>& t);  // paying in the portal
void add_portal_guest_routes(std::vector<Route>& t);  // guest pay
void add_portal_method_routes(std::vector<Route>& t);  // payment methods and AutoPay
void add_portal_profile_routes(std::vector<Route>& t);  // the profile
void add_portal_scheduled_routes(std::vector<Route>& t);  // scheduled payments
void add_portal_user_routes(std::vector<Route>& t);       // the account's logins, invitations
void add_portal_oidc_routes(std::vector<Route>& t);       // sign in with OpenID Connect
void add_portal_settings_routes(std::vector<Route>& t);   // the API: OpenID Connect providers
void add_portal_bank_routes(std::vector<Route>& t);  // bank accounts: add, verify
void add_sandbox_form_routes(std::vector<Route>& t);  // the sandbox's hosted card form
void add_payment_method_routes(std::vector<Route>& t);  // payment methods, the sandbox's tokens
void add_processor_payment_routes(std::vector<Route>& t);  // paying through the processor
void add_cheque_refund_routes(std::vector<Route>& t);  // the cheque register (D12)

}  // namespace remit::http
