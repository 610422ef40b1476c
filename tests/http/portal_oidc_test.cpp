// OpenID Connect providers without a provider (the whole flow against a real one is in
// tests/browser/portal_oidc.test.mjs): their API (bad input named, the secret never shown,
// admins only, per tenant), the buttons on the sign-in and invitation pages, a provider that
// cannot be reached, a forged invitation or callback, none of which signs in or uses anything.
#include "app/oidc.h"
#include "notify/email.h"
#include "portal_page_fixture.h"

namespace remit::http::testing {
namespace {

// Nothing listens on port 1: the provider cannot be reached.
constexpr const char* kProvider =
    R"({"name":"Contoso","kind":"oidc","issuer":"http://127.0.0.1:1/idp","client_id":"remit","client_secret":"s3cret-value"})";

class PortalOidc : public PortalPageTest {};

TEST_F(PortalOidc, ProvidersAreSetUpThroughTheApi) {
  struct Bad {
    std::string body, field;
  };
  for (const Bad& b : std::vector<Bad>{
           {R"({"kind":"oidc","issuer":"https://idp.example","client_id":"x"})", "name"},
           {R"({"name":"","issuer":"https://idp.example","client_id":"x"})", "name"},
           {R"({"name":"X","kind":"saml","issuer":"https://idp.example","client_id":"x"})", "kind"},
           {R"({"name":"X","issuer":"ftp://idp.example","client_id":"x"})", "issuer"},
           {R"({"name":"X","issuer":"https://idp.example/?a=1","client_id":"x"})", "issuer"},
           {R"({"name":"X","issuer":"https://idp.example#f","client_id":"x"})", "issuer"},
           {R"({"name":"X","issuer":"https://idp.example"})", "client_id"},
           {R"({"name":"X","issuer":"https://idp.example","client_id":""})", "client_id"},
           {R"({"name":"X","issuer":42,"client_id":"x"})", "issuer"},
       }) {
    Response r = post("/v1/portal/oidc-providers", b.body);
    EXPECT_EQ(r.status, 400) << b.body << ": " << r.body;
    EXPECT_EQ(error_field(r), b.field) << b.body;
  }
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM portal_oidc_providers"), 0);
  EXPECT_EQ(call("POST", "/v1/portal/oidc-providers", kProvider, &tenant_.clerk).status, 403);

  Response made = post("/v1/portal/oidc-providers", kProvider);
  ASSERT_EQ(made.status, 201) << made.body;
  int64_t id = body(made).at("id").as_int64();
  std::string one = "/v1/portal/oidc-providers/" + std::to_string(id);
  for (const Response& r : {made, get("/v1/portal/oidc-providers"), get(one)})
    EXPECT_EQ(r.body.find("s3cret"), std::string::npos) << "the secret is never shown: " << r.body;
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM portal_oidc_providers WHERE sealed_secret LIKE '%s3cret%'"), 0)
      << "sealed, not stored as given";

  // Another tenant neither sees nor removes it.
  auto other = make_tenant(*db_, clock_, "Other Co");
  EXPECT_EQ(call("GET", one, "", &other.admin).status, 404);
  EXPECT_EQ(call("DELETE", one, "", &other.admin).status, 404);
  EXPECT_EQ(body(call("GET", "/v1/portal/oidc-providers", "", &other.admin)).at("items").as_array().size(), 0u);
  EXPECT_EQ(call("DELETE", one, "", &tenant_.clerk).status, 403);
  EXPECT_EQ(call("DELETE", one).status, 200);
  EXPECT_EQ(get(one).status, 404);
}

TEST_F(PortalOidc, AProviderThatCannotBeReachedSignsNothingIn) {
  int64_t id = body(post("/v1/portal/oidc-providers", kProvider)).at("id").as_int64();
  std::string start = base() + "/oidc/" + std::to_string(id) + "/start";
  Response sign_in = page("GET", base() + "/sign-in", "");
  EXPECT_TRUE(has(sign_in, "href=\"" + start + "\">Sign in with Contoso</a>"));

  Response r = page("GET", start, "");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has(r, "Contoso cannot be reached just now"));
  EXPECT_EQ(set_cookie(r, portal::kSessionCookie), "");
  EXPECT_EQ(page("GET", base() + "/oidc/999/start", "").status, 404);

  // A callback without this browser's flow (or with a forged one) signs nothing in.
  for (std::string cookie : {"", "__Host-remit_oidc=1.1.0.9999999999.s.n.v.Lw.", "__Host-remit_oidc=garbage"}) {
    Response cb = page("GET", base() + "/oidc/callback?code=x&state=s", cookie);
    EXPECT_EQ(cb.status, 400) << cookie;
    EXPECT_TRUE(has(cb, "did not work")) << cookie;
    EXPECT_EQ(set_cookie(cb, portal::kSessionCookie), "") << cookie;
  }
}

TEST_F(PortalOidc, AnInvitationOffersItsProvidersAndStaysUnusedUntilOneAnswers) {
  int64_t id = body(post("/v1/portal/oidc-providers", kProvider)).at("id").as_int64();
  std::string owner = session();
  Response sent = page("POST", base() + "/users/invite", owner,
                       "csrf=" + csrf(owner) + "&email=dana%40example.com&role=viewer", "https://portal.example");
  ASSERT_EQ(sent.status, 303) << sent.body;
  std::string mail = last_email("portal_invitation");
  auto at = mail.find("/invite/");
  ASSERT_NE(at, std::string::npos);
  std::string link = base() + mail.substr(at, mail.find_first_of(" \r\n", at) - at);
  std::string accept = link + "/oidc/" + std::to_string(id);

  Response shown = page("GET", link, "");
  ASSERT_EQ(shown.status, 200);
  EXPECT_TRUE(has(shown, "href=\"" + accept + "\">Accept with Contoso</a>"));
  Response r = page("GET", accept, "");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has(r, "Contoso cannot be reached just now"));
  EXPECT_EQ(set_cookie(r, portal::kSessionCookie), "");
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM portal_users WHERE email = 'dana@example.com'"), 0);
  EXPECT_EQ(page("GET", link, "").status, 200) << "the invitation still waits";

  // A forged or revoked invitation does not even start.
  EXPECT_EQ(page("GET", base() + "/invite/1.AAAA/oidc/" + std::to_string(id), "").status, 404);
  EXPECT_EQ(page("GET", link + "/oidc/999", "").status, 404);
  int64_t invitation = store::one_int(*db_, "SELECT id FROM portal_invitations");
  ASSERT_EQ(page("POST", base() + "/users/invitations/" + std::to_string(invitation) + "/revoke", owner,
                 "csrf=" + csrf(owner), "https://portal.example").status, 303);
  EXPECT_EQ(page("GET", accept, "").status, 404);
}

}  // namespace
}  // namespace remit::http::testing
