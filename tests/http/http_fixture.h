#pragma once
// A real SQLite file in a fresh temp directory, migrated, with one test-mode tenant and an
// API key for each role, and a Router over it. Tests call the router without a socket.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <atomic>
#include <filesystem>
#include <string>

#include "app/presets.h"
#include "app/tenants.h"
#include "core/clock.h"
#include "http/router.h"
#include "store/db.h"
#include "test_db.h"
#include "test_env.h"

// Requests are built with designated initializers; g++ 12 warns about the members left
// to their default initializers.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace remit::http::testing {

namespace json = boost::json;

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> n{0};
    path_ = std::filesystem::temp_directory_path() /
            ("remit_http_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct TenantKeys {
  int64_t id = 0;
  std::string admin, clerk, read_only;
};

// Creates a tenant (test mode, clock at 2025-01-01) with one key per role.
inline TenantKeys make_tenant(store::Db& db, const Clock& clock, const std::string& name,
                              const std::string& preset = "default") {
  app::NewTenant t;
  t.name = name;
  t.test_mode = true;
  t.clock_start = Instant(date::sys_days(date::year{2025} / 1 / 1));
  t.streams = app::preset_streams(preset, date::year{2025} / 1 / 1);
  store::Tx tx(db, true);
  TenantKeys k;
  k.id = app::create_tenant(db, clock, t);
  k.admin = app::create_api_key(db, clock, k.id, "admin", "admin");
  k.clerk = app::create_api_key(db, clock, k.id, "clerk", "clerk");
  k.read_only = app::create_api_key(db, clock, k.id, "reader", "read_only");
  tx.commit();
  return k;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest()
      : clock_(Instant(date::sys_days(date::year{2025} / 1 / 1))),
        url_(test_db_.url()),
        db_(store::open_db(url_)) {
    store::migrate(*db_);
    tenant_ = make_tenant(*db_, clock_, "Acme IT");
    api_db_ = store::open_db(url_);
    env_.emplace(clock_, url_);
    router_.emplace(Services{env_->env, clock_, url_, [this]() -> store::Db& { return *api_db_; }});
  }

  Response call(const std::string& method, const std::string& target,
                const std::string& body = "", const std::string* key = nullptr,
                const std::string& idempotency_key = "") {
    Request r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.authorization = "Bearer " + (key ? *key : tenant_.admin);
    r.idempotency_key = idempotency_key;
    r.client_ip = "192.0.2.1";
    return router_->handle(r);
  }
  Response get(const std::string& target) { return call("GET", target); }
  Response post(const std::string& target, const std::string& body,
                const std::string& idem = "") {
    return call("POST", target, body, nullptr, idem);
  }

  static json::object body(const Response& r) {
    json::value v = json::parse(r.body);
    return v.as_object();
  }
  // The error's field, "" for null.
  static std::string error_field(const Response& r) {
    json::object e = body(r).at("error").as_object();
    return e.at("field").is_null() ? "" : std::string(e.at("field").as_string());
  }
  static std::string error_code(const Response& r) {
    return std::string(body(r).at("error").as_object().at("code").as_string());
  }
  int64_t create(const std::string& target, const std::string& json_body) {
    Response r = post(target, json_body);
    EXPECT_EQ(r.status, 201) << target << " " << r.body;
    return body(r).at("id").as_int64();
  }
  // An account with a monthly subscription: returns the account id.
  int64_t make_billable_account() {
    int64_t acc = create("/v1/accounts",
                         R"({"name":"Bob","emails":["bob@example.com"],"invoice_terms":true})");
    int64_t prod = create("/v1/products", R"({"name":"Managed services"})");
    int64_t price = create("/v1/prices", json::serialize(json::object{
        {"product_id", prod}, {"kind", "recurring"}, {"timing", "advance"},
        {"interval", "month"}, {"unit_amount", 10000}}));
    create("/v1/subscriptions", json::serialize(json::object{
        {"account_id", acc}, {"price_id", price}, {"quantity", 2}}));
    return acc;
  }

  TempDir dir_;

  test::TestDatabase test_db_{dir_.path()};
  FixedClock clock_;
  std::optional<test::TestEnv> env_;
  std::string url_;
  std::unique_ptr<store::Db> db_;      // the test's own connection
  std::unique_ptr<store::Db> api_db_;  // the router's
  TenantKeys tenant_;
  std::optional<Router> router_;
};

}  // namespace remit::http::testing
