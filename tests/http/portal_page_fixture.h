#pragma once
// A signed-in customer at the portal as a browser meets it, for the portal's page tests
// beyond sign-in (portal_bank_test.cpp, portal_view_link_test.cpp): an account with an open
// $200 invoice and its owner's login, pages requested with cookies and forms, the session's
// CSRF token read from a page.
#include "app/accounts.h"
#include "app/outbox.h"
#include "app/portal_auth.h"
#include "http/portal/portal_util.h"
#include "http_fixture.h"
#include "notify/email.h"

namespace remit::http::testing {

class PortalPageTest : public RouterTest {
 protected:
  static constexpr const char* kPassword = "correct horse battery";

  void SetUp() override {
    acc_ = make_billable_account();
    ASSERT_EQ(post("/v1/clock/advance", R"({"to":"2025-01-02"})").status, 200);
    store::Tx tx(*db_, true);
    app::Ctx ctx = app::make_ctx(*db_, clock_, tenant_.id, "test");
    slug_ = app::portal_slug(*db_, tenant_.id);
    app::add_portal_user(ctx, acc_, "bob@example.com", "owner", kPassword);
    tx.commit();
  }
  Response page(const std::string& method, const std::string& path, const std::string& cookies,
                const std::string& form = "", const std::string& origin = "") {
    Request r;
    r.method = method;
    r.target = path;
    r.cookie = cookies;
    r.body = form;
    r.content_type = form.empty() ? "" : "application/x-www-form-urlencoded";
    r.host = "portal.example";
    r.origin = origin;
    r.client_ip = "192.0.2.7";
    return router_->handle(r);
  }
  static std::string set_cookie(const Response& r, std::string_view name) {
    for (auto& [k, v] : r.headers)
      if (k == "Set-Cookie" && v.starts_with(std::string(name) + "=")) return v;
    return "";
  }
  static std::string cookie_value(const std::string& set) {
    auto eq = set.find('='), semi = set.find(';');
    return set.substr(eq + 1, semi - eq - 1);
  }
  static std::string location(const Response& r) {
    auto* l = r.header("Location");
    return l ? *l : "";
  }
  // The value of the page's first hidden input `name`.
  static std::string hidden(const Response& r, const std::string& name) {
    std::string mark = "name=\"" + name + "\" value=\"";
    auto at = r.body.find(mark);
    if (at == std::string::npos) return "";
    at += mark.size();
    return r.body.substr(at, r.body.find('"', at) - at);
  }
  static bool has(const Response& r, std::string_view text) { return r.body.find(text) != std::string::npos; }
  // The session cookie of `email` (password kPassword), signed in through the form.
  std::string session(const std::string& email = "bob@example.com") {
    Response f = page("GET", base() + "/sign-in", "");
    std::string token = cookie_value(set_cookie(f, portal::kFormCookie));
    Response r = page("POST", base() + "/sign-in", std::string(portal::kFormCookie) + "=" + token,
                      "form_token=" + token + "&email=" + email + "&password=correct+horse+battery");
    EXPECT_EQ(r.status, 303) << r.body;
    return std::string(portal::kSessionCookie) + "=" + cookie_value(set_cookie(r, portal::kSessionCookie));
  }
  // The session's CSRF token, from a signed-in page's forms.
  std::string csrf(const std::string& s) { return hidden(page("GET", base() + "/methods", s), "csrf"); }
  std::string base() const { return "/p/" + slug_; }
  int64_t first_invoice() {
    return body(get("/v1/invoices?account_id=" + std::to_string(acc_))).at("data").as_array()[0].at("id").as_int64();
  }
  // A card saved on `account` through the API: its method id.
  int64_t saved_card(int64_t account, const std::string& number = "4242424242424242") {
    Response t = post("/sandbox/v1/tokens", R"({"card":{"number":")" + number +
                                                 R"(","cvc":"123","exp_month":12,"exp_year":2034}})");
    EXPECT_EQ(t.status, 201) << t.body;
    std::string token(body(t).at("token").as_string());
    return create("/v1/accounts/" + std::to_string(account) + "/payment-methods", R"({"token":")" + token + "\"}");
  }

  // The latest email of `topic` as delivery composes it, quoted-printable soft breaks undone.
  std::string last_email(const std::string& topic) {
    int64_t id = store::one_int(*db_, "SELECT COALESCE(MAX(id), 0) FROM outbox WHERE topic = ?", topic);
    if (id == 0) return "(no email)";
    std::string data;
    {
      store::Tx tx(*db_, false);
      app::Ctx ctx = app::make_ctx(*db_, clock_, tenant_.id, "test");
      auto rows = app::list_outbox(ctx, {}, {.after = id - 1, .limit = 1}).items;
      tx.commit();
      if (rows.empty()) return "(gone)";
      data = notify::compose_email(*db_, env_->env, rows[0]).data;
    }
    for (size_t at; (at = data.find("=\r\n")) != std::string::npos;) data.erase(at, 3);
    return data;
  }

  int64_t acc_ = 0;
  std::string slug_;
};

}  // namespace remit::http::testing
