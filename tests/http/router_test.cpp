// The request pipeline without a socket: auth, errors, validation, idempotency, pagination.
#include "http_fixture.h"

namespace remit::http::testing {
namespace {

using Api = RouterTest;

TEST_F(Api, HealthAndOpenApiNeedNoKey) {
  Request r{.method = "GET", .target = "/healthz"};
  Response res = router_->handle(r);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"status":"ok"})");
  r.target = "/v1/openapi.json";
  EXPECT_EQ(router_->handle(r).status, 200);
}

TEST_F(Api, MetricsCountRequestsByRoutePattern) {
  for (int i = 0; i < 3; ++i) call("GET", "/v1/accounts");
  call("GET", "/v1/accounts/424242");
  Response res = router_->handle(Request{.method = "GET", .target = "/metrics"});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "text/plain; version=0.0.4");
  EXPECT_NE(res.body.find(R"(remit_http_requests_total{route="/v1/accounts",method="GET",status="200"} 3)"),
            std::string::npos) << res.body;
  EXPECT_NE(res.body.find(R"(remit_http_requests_total{route="/v1/accounts/{id}",method="GET",status="404"} 1)"),
            std::string::npos) << res.body;
  EXPECT_NE(res.body.find(R"(remit_http_request_seconds_count{route="/v1/accounts"} 3)"),
            std::string::npos) << res.body;
  EXPECT_EQ(res.body.find("/v1/accounts/424242"), std::string::npos) << "ids never become labels";
}

TEST_F(Api, MissingOrInvalidKeyIs401) {
  const std::vector<std::string> bad = {"", "Bearer", "Bearer rk_nope", "Basic dXNlcjpwYXNz",
                                        "Bearer " + tenant_.admin + "x"};
  for (const std::string& auth : bad) {
    Request r{.method = "GET", .target = "/v1/accounts", .authorization = auth};
    Response res = router_->handle(r);
    EXPECT_EQ(res.status, 401) << auth;
    ASSERT_TRUE(res.header("WWW-Authenticate")) << auth;  // RFC 6750: the scheme to use
    EXPECT_TRUE(res.header("WWW-Authenticate")->starts_with("Bearer")) << auth;
    EXPECT_EQ(error_code(res), "unauthenticated");
    EXPECT_EQ(error_field(res), "");
  }
  Request r{.method = "GET", .target = "/v1/accounts",
            .authorization = "bearer  " + tenant_.admin};  // scheme is case-insensitive
  EXPECT_EQ(router_->handle(r).status, 200);
}

TEST_F(Api, ReadOnlyKeyMayOnlyRead) {
  EXPECT_EQ(call("GET", "/v1/accounts", "", &tenant_.read_only).status, 200);
  Response res = call("POST", "/v1/accounts", R"({"name":"x"})", &tenant_.read_only);
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(error_code(res), "permission_denied");
  EXPECT_EQ(call("PATCH", "/v1/tenant", R"({"name":"x"})", &tenant_.read_only).status, 403);
}

TEST_F(Api, ClerkWritesButOnlyAdminChangesTenantSettings) {
  EXPECT_EQ(call("POST", "/v1/accounts", R"({"name":"x"})", &tenant_.clerk).status, 201);
  EXPECT_EQ(call("PATCH", "/v1/tenant", R"({"name":"y"})", &tenant_.clerk).status, 403);
  Response res = call("PATCH", "/v1/tenant", R"({"name":"Acme Managed IT"})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(body(res).at("name"), "Acme Managed IT");
}

TEST_F(Api, TenantsCannotSeeEachOther) {
  int64_t acc = create("/v1/accounts", R"({"name":"Mine"})");
  TenantKeys other = make_tenant(*db_, clock_, "Other");
  Response res = call("GET", "/v1/accounts/" + std::to_string(acc), "", &other.admin);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(error_code(res), "not_found");
  res = call("GET", "/v1/accounts", "", &other.admin);
  EXPECT_TRUE(body(res).at("data").as_array().empty());
}

TEST_F(Api, MalformedJsonIs400WithoutField) {
  for (std::string b : {R"({"name":)", "{'name':'x'}", R"({"name":"x"} trailing)", "nul"}) {
    Response res = post("/v1/accounts", b);
    EXPECT_EQ(res.status, 400) << b;
    EXPECT_EQ(error_code(res), "invalid_argument");
    EXPECT_EQ(error_field(res), "");
    EXPECT_EQ(body(res).at("error").at("message"), "malformed JSON");
  }
  Response res = post("/v1/accounts", "[1,2]");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(error_field(res), "");
}

// Who pays for whom is fixed at creation: PATCH names the field instead of ignoring it.
TEST_F(Api, PatchAccountRefusesParentAndBillingFields) {
  Response res = call("POST", "/v1/accounts", R"({"name":"Parent"})");
  ASSERT_EQ(res.status, 201);
  int64_t parent = json::parse(res.body).at("id").as_int64();
  res = call("POST", "/v1/accounts", R"({"name":"Child"})");
  int64_t child = json::parse(res.body).at("id").as_int64();
  for (std::string f : {"parent_id", "bill_to_parent", "credit_balance", "number"}) {
    std::string body = "{\"name\":\"Renamed\",\"" + f + "\":" +
                       (f == "bill_to_parent" ? "true" : f == "number" ? "\"X1\"" : std::to_string(parent)) + "}";
    res = call("PATCH", "/v1/accounts/" + std::to_string(child), body);
    EXPECT_EQ(res.status, 400) << f;
    EXPECT_EQ(error_field(res), f);
  }
  res = get("/v1/accounts/" + std::to_string(child));
  EXPECT_EQ(json::parse(res.body).at("name").as_string(), "Child");  // nothing changed
  EXPECT_TRUE(json::parse(res.body).at("parent_id").is_null());
}

TEST_F(Api, UnbilledChargesCanBeEditedAndDeleted) {
  Response res = call("POST", "/v1/accounts", R"({"name":"Acme"})");
  int64_t acc = json::parse(res.body).at("id").as_int64();
  res = call("POST", "/v1/charges",
             R"({"account_id":)" + std::to_string(acc) + R"(,"description":"Router","unit_amount":5000})");
  ASSERT_EQ(res.status, 201) << res.body;
  std::string path = "/v1/charges/" + std::to_string(json::parse(res.body).at("id").as_int64());
  res = call("PATCH", path, R"({"quantity":2})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(json::parse(res.body).at("quantity").as_int64(), 2);
  res = call("PATCH", path, R"({"unit_amount":-1})");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(error_field(res), "unit_amount");
  EXPECT_EQ(call("DELETE", path, "", &tenant_.read_only).status, 403);
  res = call("DELETE", path);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_TRUE(json::parse(res.body).at("deleted").as_bool());
  EXPECT_EQ(call("DELETE", path).status, 404);
}

// The upcoming invoice is served from a cache keyed by what it depends on: every change to
// the account shows at once.
TEST_F(Api, UpcomingInvoiceFollowsEveryChange) {
  Response res = call("POST", "/v1/accounts", R"({"name":"Acme"})");
  std::string acc = std::to_string(json::parse(res.body).at("id").as_int64());
  auto upcoming = [&] {
    Response r = get("/v1/accounts/" + acc + "/upcoming-invoice");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).as_object();
  };
  EXPECT_EQ(upcoming().at("subtotal").as_int64(), 0);
  EXPECT_EQ(upcoming().at("subtotal").as_int64(), 0);  // served again
  res = call("POST", "/v1/charges",
             R"({"account_id":)" + acc + R"(,"description":"Router","unit_amount":5000})");
  std::string charge = "/v1/charges/" + std::to_string(json::parse(res.body).at("id").as_int64());
  EXPECT_EQ(upcoming().at("subtotal").as_int64(), 5000);
  ASSERT_EQ(call("PATCH", charge, R"({"unit_amount":7000})").status, 200);
  EXPECT_EQ(upcoming().at("subtotal").as_int64(), 7000);
  ASSERT_EQ(call("POST", "/v1/payments",
                 R"({"account_id":)" + acc + R"(,"method":"cheque","amount":1000})").status,
            201);
  auto u = upcoming();
  EXPECT_EQ(u.at("credit_applied").as_int64(), 1000);
  EXPECT_EQ(u.at("amount_due").as_int64(), 6000);
  ASSERT_EQ(call("DELETE", charge).status, 200);
  EXPECT_EQ(upcoming().at("subtotal").as_int64(), 0);
}

// Found by attack-testing: each refusal states the real limit of its field.
TEST_F(Api, LimitsAreStatedForTheFieldThatHasThem) {
  Response res = call("POST", "/v1/accounts", R"({"name":"Acme"})");
  std::string acc = std::to_string(json::parse(res.body).at("id").as_int64());
  auto message = [](const Response& r) {
    return std::string(json::parse(r.body).at("error").at("message").as_string());
  };
  res = call("POST", "/v1/charges",
             R"({"account_id":)" + acc + R"(,"description":"x","unit_amount":1000000000000001})");
  EXPECT_EQ(error_field(res), "unit_amount");
  EXPECT_NE(message(res).find("100000000.00"), std::string::npos) << message(res);
  res = call("POST", "/v1/charges",
             R"({"account_id":)" + acc + R"(,"description":"x","unit_amount":100,"quantity":10000000000})");
  EXPECT_EQ(error_field(res), "quantity");
  EXPECT_NE(message(res).find("at most 1000000000"), std::string::npos) << message(res);
  res = call("POST", "/v1/charges",
             R"({"account_id":)" + acc + R"(,"description":"x","unit_amount":100,"quantity":1.0000000001})");
  EXPECT_EQ(res.status, 400) << "a quantity with more than 2 decimals is not rounded";
  EXPECT_EQ(error_field(res), "quantity");
  res = call("POST", "/v1/work-entries",
             R"({"account_id":)" + acc + R"(,"who":"D","hours":1,"rate":-1,"description":"x"})");
  EXPECT_EQ(error_field(res), "rate");
  EXPECT_NE(message(res).find("100000.00"), std::string::npos) << message(res);
  res = call("POST", "/v1/accounts/" + acc + "/cancel-subscriptions",
             R"({"subscription_ids":[1,"2"]})");
  EXPECT_EQ(error_field(res), "subscription_ids[1]");
  res = call("POST", "/v1/accounts/424242/cancel-subscriptions", R"({"subscription_ids":[1]})");
  EXPECT_EQ(res.status, 404);
}

TEST_F(Api, UnknownRouteIs404AndWrongMethod405) {
  Response res = get("/v1/nothing-here");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(error_code(res), "not_found");
  EXPECT_EQ(get("/v2/accounts").status, 404);
  res = call("DELETE", "/v1/accounts/1");
  EXPECT_EQ(res.status, 405);
  ASSERT_TRUE(res.header("Allow"));
  EXPECT_EQ(*res.header("Allow"), "GET, PATCH");
  EXPECT_EQ(call("POST", "/v1/tenant", "{}").status, 405);
  EXPECT_EQ(get("/v1/accounts/999999").status, 404);
  EXPECT_EQ(get("/v1/accounts/").status, 200);  // a trailing slash is the same path
}

struct BadInput {
  std::string method, target, body, field;
};

TEST_F(Api, EveryValidationErrorNamesItsField) {
  int64_t acc = make_billable_account();
  std::string a = std::to_string(acc);
  const std::vector<BadInput> cases = {
      {"POST", "/v1/accounts", "{}", "name"},
      {"POST", "/v1/accounts", R"({"name":"  "})", "name"},
      {"POST", "/v1/accounts", R"({"name":"x","emails":"a@b.c"})", "emails"},
      {"POST", "/v1/accounts", R"({"name":"x","emails":["nobody"]})", "emails"},
      {"POST", "/v1/accounts", R"({"name":"x","language":"fr"})", "language"},
      {"POST", "/v1/accounts", R"({"name":"x","parent_id":"1"})", "parent_id"},
      {"POST", "/v1/accounts", R"({"name":"x","paperless":"yes"})", "paperless"},
      {"POST", "/v1/accounts", R"({"name":"x","bill_to_parent":true})", "bill_to_parent"},
      {"PATCH", "/v1/accounts/" + a, R"({"status":"gone"})", "status"},
      {"PATCH", "/v1/accounts/abc", R"({})", "id"},
      {"POST", "/v1/products", R"({"name":""})", "name"},
      {"POST", "/v1/products", R"({"name":"x","description":7})", "description"},
      {"POST", "/v1/prices", R"({"product_id":1,"kind":"weekly","unit_amount":1})", "kind"},
      {"POST", "/v1/prices", R"({"kind":"one_time","unit_amount":1})", "product_id"},
      {"POST", "/v1/prices",
       R"({"product_id":1,"kind":"recurring","timing":"advance","interval":"month","unit_amount":1.5})",
       "unit_amount"},
      {"POST", "/v1/prices", R"({"product_id":1,"kind":"recurring","timing":"advance","unit_amount":1})",
       "interval"},
      {"POST", "/v1/prices", R"({"product_id":1,"kind":"metered","timing":"advance","unit_amount":1})",
       "timing"},
      {"POST", "/v1/prices", R"({"product_id":1,"kind":"one_time","unit_amount":1,"stream":"x"})",
       "stream"},
      {"POST", "/v1/subscriptions", R"({"account_id":1,"price_id":1,"quantity":1.005})", "quantity"},
      {"POST", "/v1/subscriptions", R"({"account_id":1,"price_id":1,"quantity":0})", "quantity"},
      {"POST", "/v1/subscriptions", R"({"account_id":1,"price_id":1,"start_date":"2025-13-01"})",
       "start_date"},
      {"POST", "/v1/subscriptions", R"({"price_id":1})", "account_id"},
      {"POST", "/v1/subscriptions/1/quantity", "{}", "quantity"},
      {"POST", "/v1/subscriptions/1/quantity", R"({"quantity":-1})", "quantity"},
      {"POST", "/v1/subscriptions/1/cancel", R"({"date":20250101})", "date"},
      {"POST", "/v1/usage", R"({"subscription_id":true,"quantity":1})", "subscription_id"},
      {"POST", "/v1/work-entries",
       R"({"account_id":)" + a + R"(,"who":"Al","rate":100,"description":"x"})", "hours"},
      {"POST", "/v1/work-entries",
       R"({"account_id":)" + a + R"(,"who":"Al","hours":1,"rate":100,"description":"x","stream":"nope"})",
       "stream"},
      {"POST", "/v1/charges", R"({"account_id":1,"description":"x","unit_amount":"100"})",
       "unit_amount"},
      {"POST", "/v1/credit-notes", R"({"invoice_id":1,"amount":0,"reason":"x"})", "amount"},
      {"POST", "/v1/payments", R"({"account_id":1,"method":"card","amount":100})", "method"},
      {"POST", "/v1/payments",
       R"({"account_id":1,"method":"cheque","amount":100,"received_date":"yesterday"})",
       "received_date"},
      {"POST", "/v1/payments",
       R"({"account_id":)" + a + R"(,"method":"cheque","amount":100,"received_date":"1900-01-01"})",
       "received_date"},
      {"POST", "/v1/payments/1/return", R"({"return_code":"R99"})", "return_code"},
      {"POST", "/v1/payments/1/return", R"({"return_code":"r01"})", "return_code"},
      {"POST", "/v1/payments/1/return", R"({"return_code":"R0"})", "return_code"},
      {"PATCH", "/v1/tenant", R"({"time_zone":"Mars/Olympus_Mons"})", "time_zone"},
      {"PATCH", "/v1/tenant", R"({"auto_finalize":1})", "auto_finalize"},
      {"PATCH", "/v1/streams/main", R"({"terms":{"kind":"net"}})", "terms.days"},
      {"PATCH", "/v1/streams/main", R"({"terms":{"kind":"net2","days":3}})", "terms.kind"},
      {"PATCH", "/v1/streams/main", R"({"terms":"net 30"})", "terms"},
      {"PATCH", "/v1/streams/main", R"({"invoice_day":31})", "invoice_day"},
      {"GET", "/v1/accounts?limit=0", "", "limit"},
      {"GET", "/v1/accounts?limit=201", "", "limit"},
      {"GET", "/v1/accounts?limit=ten", "", "limit"},
      {"GET", "/v1/accounts?starting_after=x", "", "starting_after"},
      {"GET", "/v1/invoices?status=late", "", "status"},
      {"GET", "/v1/subscriptions?account_id=-1", "", "account_id"},
      {"GET", "/v1/accounts/abc", "", "id"},
      {"GET", "/v1/invoices/0", "", "id"},
      {"POST", "/v1/clock/advance", "{}", "to"},
      {"POST", "/v1/clock/advance", R"({"days":0})", "days"},
      {"POST", "/v1/clock/advance", R"({"to":"soon"})", "to"},
      {"POST", "/v1/clock/advance", R"({"to":"2024-12-01"})", "to"},
      {"POST", "/v1/bill-runs", R"({"stream":"nope"})", "stream"},
      {"POST", "/v1/bill-runs", R"({"cycle_end":"2025-01-15"})", "cycle_end"},
  };
  size_t audit_before = body(get("/v1/audit-log?limit=200")).at("data").as_array().size();
  for (auto& c : cases) {
    Response res = call(c.method, c.target, c.body);
    EXPECT_EQ(res.status, 400) << c.method << " " << c.target << " " << c.body << " -> " << res.body;
    if (res.status != 400) continue;
    EXPECT_EQ(error_code(res), "invalid_argument") << c.target;
    EXPECT_EQ(error_field(res), c.field) << c.method << " " << c.target << " " << c.body;
    EXPECT_FALSE(std::string(body(res).at("error").at("message").as_string()).empty());
  }
  // A rejected request changes nothing.
  EXPECT_EQ(body(get("/v1/audit-log?limit=200")).at("data").as_array().size(), audit_before);
}

TEST_F(Api, QuantitiesAreExactDecimals) {
  int64_t acc = create("/v1/accounts", R"({"name":"Bob"})");
  std::string a = std::to_string(acc);
  Response res = post("/v1/work-entries", R"({"account_id":)" + a +
                                              R"(,"who":"Al","hours":1.1,"rate":15000,"description":"fix"})");
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(body(res).at("hours").as_double(), 1.1);
  res = post("/v1/charges", R"({"account_id":)" + a +
                                R"(,"description":"cable","quantity":"2.50","unit_amount":300})");
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_NE(res.body.find(R"("quantity":2.5,)"), std::string::npos) << res.body;
  res = post("/v1/charges", R"({"account_id":)" + a +
                                R"(,"description":"cable","quantity":3,"unit_amount":300})");
  EXPECT_NE(res.body.find(R"("quantity":3,)"), std::string::npos) << res.body;
}

TEST_F(Api, IdempotentPostReplaysTheSavedResponse) {
  const std::string b = R"({"name":"Once Only"})";
  Response first = post("/v1/accounts", b, "key-1");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_FALSE(first.header("Idempotent-Replayed"));
  Response again = post("/v1/accounts", b, "key-1");
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  ASSERT_TRUE(again.header("Idempotent-Replayed"));
  EXPECT_EQ(*again.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(body(get("/v1/accounts")).at("data").as_array().size(), 1u);

  Response other = post("/v1/accounts", R"({"name":"Someone Else"})", "key-1");
  EXPECT_EQ(other.status, 409);
  EXPECT_EQ(error_code(other), "conflict");
  EXPECT_EQ(error_field(other), "Idempotency-Key");
  EXPECT_EQ(body(get("/v1/accounts")).at("data").as_array().size(), 1u);
}

TEST_F(Api, RejectedRequestsAreNotSavedUnderTheirKey) {
  Response bad = post("/v1/accounts", R"({"name":""})", "key-2");
  EXPECT_EQ(bad.status, 400);
  Response fixed = post("/v1/accounts", R"({"name":"Fixed"})", "key-2");
  EXPECT_EQ(fixed.status, 201) << fixed.body;
  Response missing = post("/v1/subscriptions", R"({"account_id":999,"price_id":999})", "key-3");
  EXPECT_EQ(missing.status / 100, 4);
  EXPECT_EQ(post("/v1/accounts", R"({"name":"Reuse"})", "key-3").status, 201);
  Response too_long = post("/v1/accounts", R"({"name":"x"})", std::string(300, 'k'));
  EXPECT_EQ(too_long.status, 400);
  EXPECT_EQ(error_field(too_long), "Idempotency-Key");
}

TEST_F(Api, IdempotencyKeysBelongToOneTenant) {
  TenantKeys other = make_tenant(*db_, clock_, "Other");
  ASSERT_EQ(post("/v1/accounts", R"({"name":"A"})", "shared").status, 201);
  Response res = call("POST", "/v1/accounts", R"({"name":"A"})", &other.admin, "shared");
  EXPECT_EQ(res.status, 201);
  EXPECT_FALSE(res.header("Idempotent-Replayed"));
}

TEST_F(Api, IdempotentClockAdvanceMovesOnce) {
  ASSERT_EQ(call("POST", "/v1/clock/advance", R"({"days":1})", nullptr, "tick").status, 200);
  Response again = call("POST", "/v1/clock/advance", R"({"days":1})", nullptr, "tick");
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(again.header("Idempotent-Replayed"));
  EXPECT_EQ(body(get("/v1/clock")).at("today"), "2025-01-02");
}

TEST_F(Api, CursorPaginationWalksEveryRowOnce) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i)
    ids.push_back(create("/v1/accounts", R"({"name":"A)" + std::to_string(i) + R"("})"));
  std::vector<int64_t> seen;
  std::string target = "/v1/accounts?limit=3";
  for (int page = 0; page < 10; ++page) {
    Response res = get(target);
    ASSERT_EQ(res.status, 200) << res.body;
    auto o = body(res);
    auto& data = o.at("data").as_array();
    EXPECT_LE(data.size(), 3u);
    for (auto& a : data) seen.push_back(a.at("id").as_int64());
    if (!o.at("has_more").as_bool()) {
      EXPECT_TRUE(o.at("next_cursor").is_null());
      break;
    }
    EXPECT_EQ(o.at("next_cursor").as_int64(), seen.back());
    target = "/v1/accounts?limit=3&starting_after=" + std::to_string(o.at("next_cursor").as_int64());
  }
  EXPECT_EQ(seen, ids);
  auto all = body(get("/v1/accounts"));  // default limit 50
  EXPECT_EQ(all.at("data").as_array().size(), 7u);
  EXPECT_FALSE(all.at("has_more").as_bool());
}

TEST_F(Api, StateConflictsAre409FailedPrecondition) {
  TenantKeys live = [&] {
    app::NewTenant t;
    t.name = "Live";
    store::Tx tx(*db_, true);
    TenantKeys k;
    k.id = app::create_tenant(*db_, clock_, t);
    k.admin = app::create_api_key(*db_, clock_, k.id, "admin", "admin");
    tx.commit();
    return k;
  }();
  Response res = call("POST", "/v1/clock/advance", R"({"days":1})", &live.admin);
  EXPECT_EQ(res.status, 409);
  EXPECT_EQ(error_code(res), "failed_precondition");
  EXPECT_EQ(body(call("GET", "/v1/clock", "", &live.admin)).at("test_mode"), false);
}

TEST_F(Api, BillingRoundTrip) {
  int64_t acc = make_billable_account();
  std::string a = std::to_string(acc);
  Response up = get("/v1/accounts/" + a + "/upcoming-invoice");
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(body(up).at("status"), "upcoming");

  // The tenant was created on a billing date (Jan 1): that day's run bills January in advance.
  Response adv = post("/v1/clock/advance", R"({"to":"2025-01-02"})");
  ASSERT_EQ(adv.status, 200) << adv.body;
  EXPECT_EQ(body(adv).at("today"), "2025-01-02");
  auto list = body(get("/v1/invoices?status=open&account_id=" + a));
  ASSERT_EQ(list.at("data").as_array().size(), 1u) << json::serialize(list);
  int64_t inv = list.at("data").as_array()[0].at("id").as_int64();
  std::string i = std::to_string(inv);
  auto invoice = body(get("/v1/invoices/" + i));
  EXPECT_FALSE(invoice.at("lines").as_array().empty());
  int64_t due = invoice.at("amount_due").as_int64();
  ASSERT_GT(due, 0);

  Response pdf = get("/v1/invoices/" + i + "/pdf");
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_EQ(pdf.body.substr(0, 5), "%PDF-");

  Response pay = post("/v1/payments", R"({"account_id":)" + a +
                                          R"(,"method":"bank_transfer","amount":)" +
                                          std::to_string(due) + "}");
  ASSERT_EQ(pay.status, 201) << pay.body;
  EXPECT_EQ(body(get("/v1/invoices/" + i)).at("status"), "paid");
  EXPECT_EQ(body(get("/v1/accounts/" + a + "/balance")).at("balance_due"), 0);
  Response v = post("/v1/invoices/" + i + "/void", "");
  EXPECT_EQ(v.status, 409) << v.body;
  EXPECT_EQ(error_code(v), "failed_precondition");
  EXPECT_FALSE(body(get("/v1/accounts/" + a + "/ledger")).at("data").as_array().empty());
  EXPECT_EQ(body(post("/v1/bill-runs", "")).at("invoices"), 0);  // nothing new is due
  EXPECT_FALSE(body(get("/v1/bill-runs")).at("data").as_array().empty());
}

}  // namespace
}  // namespace remit::http::testing
