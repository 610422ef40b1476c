// Bad input, as an attacker sends it (found by testing the portal that way): invalid UTF-8,
// NUL and other control characters in forms, query strings and JSON are refused with a 400
// naming the field and change nothing (they broke invoice PDFs, emails and JSON answers);
// email addresses are printable ASCII with one @, each listed once; a page's error is a page,
// never the API's JSON.
#include "portal_page_fixture.h"

namespace remit::http::testing {
namespace {

class PortalInput : public PortalPageTest {
 protected:
  static bool is_html(const Response& r) { return r.content_type.starts_with("text/html"); }
  std::string contacts() {
    return json::serialize(body(get("/v1/accounts/" + std::to_string(acc_))).at("emails"));
  }
};

TEST_F(PortalInput, ControlCharactersAndInvalidUtf8InAFormChangeNothing) {
  std::string s = session();
  std::string before = contacts();
  for (std::string bad : {"emails=%FF%FE%40x.example", "emails=a%00b%40x.example", "address=%C0%AFroad",
                          "address=1%1B%5B31m+Main", "emails=caf%C3"}) {
    Response r = page("POST", base() + "/profile", s, "csrf=" + csrf(s) + "&" + bad + "&paperless=1&language=en",
                      "https://portal.example");
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body.substr(0, 300);
    EXPECT_TRUE(is_html(r)) << bad;
    EXPECT_TRUE(has(r, bad.substr(0, bad.find('=')) + ": must be UTF-8 text without control characters")) << bad;
  }
  EXPECT_EQ(contacts(), before);
  // The invoice's PDF still renders.
  Response pdf = page("GET", base() + "/invoices/" + std::to_string(first_invoice()) + "/pdf", s);
  EXPECT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body.substr(0, 5), "%PDF-");
}

TEST_F(PortalInput, EmailAddressesArePrintableAsciiWithOneAtEachListedOnce) {
  std::string id = "/v1/accounts/" + std::to_string(acc_);
  struct Bad {
    std::string emails, field;
  };
  for (const Bad& b : std::vector<Bad>{{R"(["a\u0000b@x.example"])", "emails"},
                                       {R"(["a@@x.example"])", "emails[0]"},
                                       {R"(["é@x.example"])", "emails[0]"},
                                       {R"(["a@x.example","b@x.example","A@X.example"])", "emails[2]"},
                                       {R"(["a(b)@x.example"])", "emails[0]"},
                                       {R"(["a:b@x.example"])", "emails[0]"},
                                       {R"(["a b@x.example"])", "emails[0]"},
                                       {R"(["a@.example"])", "emails[0]"},
                                       {R"(["a@x..example"])", "emails[0]"},
                                       {R"(["a@x.example."])", "emails[0]"},
                                       {R"(["a@-x.example"])", "emails[0]"},
                                       {R"(["a@x.e"])", "emails[0]"},
                                       {R"([".a@x.example"])", "emails[0]"},
                                       {R"(["a.@x.example"])", "emails[0]"},
                                       {R"(["a@1.2"])", "emails[0]"}}) {
    Response r = call("PATCH", id, R"({"emails":)" + b.emails + "}");
    EXPECT_EQ(r.status, 400) << b.emails << ": " << r.body;
    EXPECT_EQ(error_field(r), b.field) << b.emails;
  }
  EXPECT_EQ(contacts(), R"(["bob@example.com"])");
  EXPECT_EQ(call("PATCH", id, R"({"emails":["o'brien+bills@mail.example.co.uk"]})").status, 200);
  // The portal's contacts are checked as typed: a space or a header inside a line is refused.
  std::string p = session();
  for (std::string typed : {"a+b%40x.example", "a%40x.example%0D%0ABcc%3A+e%40evil.example"}) {
    Response r = page("POST", base() + "/profile", p, "csrf=" + csrf(p) + "&emails=" + typed + "&paperless=1&language=en",
                      "https://portal.example");
    EXPECT_EQ(r.status, 400) << typed;
  }
  EXPECT_EQ(contacts(), R"(["o'brien+bills@mail.example.co.uk"])");
  Response name = call("PATCH", id, R"({"name":"Bob\u0000Evil"})");
  EXPECT_EQ(name.status, 400);
  EXPECT_EQ(error_field(name), "name");

  // An invitation to an address with a NUL is refused, and nothing waits.
  std::string s = session();
  Response inv = page("POST", base() + "/users/invite", s, "csrf=" + csrf(s) + "&email=a%00%40b.example&role=viewer",
                      "https://portal.example");
  EXPECT_EQ(inv.status, 400);
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM portal_invitations"), 0);
}

TEST_F(PortalInput, APagesErrorIsAPage) {
  for (std::string path : {"/nothing", "/%2e%2e/%2e%2e/v1/tenant", "/invoices/1/nothing"}) {
    Response r = page("GET", base() + path, "");
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_TRUE(is_html(r)) << path << ": " << r.body;
    EXPECT_TRUE(has(r, "There is no such page here.")) << path;
  }
  // A query string with a NUL or a stray byte: 400, as a page.
  for (std::string q : {"?next=%00", "?next=%FF%FE", "?lang=%00"}) {
    Response r = page("GET", base() + "/sign-in" + q, "");
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_TRUE(is_html(r)) << q;
    EXPECT_FALSE(has(r, std::string(1, '\0'))) << q;
  }
  // A form sent as JSON.
  Request json_form;
  json_form.method = "POST";
  json_form.target = base() + "/sign-in";
  json_form.body = R"({"email":"bob@example.com"})";
  json_form.content_type = "application/json";
  json_form.host = "portal.example";
  Response r = router_->handle(json_form);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(is_html(r));
  EXPECT_TRUE(has(r, "a form must be sent as application/x-www-form-urlencoded"));
  // The API still answers JSON.
  EXPECT_EQ(get("/v1/nothing").content_type.substr(0, 16), "application/json");
}

TEST_F(PortalInput, NextWithAControlCharacterGoesHome) {
  Response f = page("GET", base() + "/sign-in", "");
  std::string token = cookie_value(set_cookie(f, portal::kFormCookie));
  Response r = page("POST", base() + "/sign-in", std::string(portal::kFormCookie) + "=" + token,
                    "form_token=" + token + "&email=bob%40example.com&password=correct+horse+battery&next=" +
                        "%2Fp%2F" + slug_ + "%2F%09%2Fevil");
  EXPECT_EQ(r.status, 303) << r.body.substr(0, 200);
  EXPECT_EQ(location(r), base() + "/") << "a tab is allowed in a form, but never in a Location";
}

// The API's wording (field names, endpoints) never reaches a customer's page.
TEST_F(PortalInput, ACustomerSeesThePortalsWordsNotTheApis) {
  std::string s = session();
  std::string inv = std::to_string(first_invoice());
  Response t = post("/sandbox/v1/tokens", R"({"bank_account":{"routing_number":"110000000","account_number":"000123456789"}})");
  ASSERT_EQ(t.status, 201) << t.body;
  std::string bank_token(body(t).at("token").as_string());
  Response bank = page("POST", base() + "/pay", s, "invoice=" + inv + "&method=t%3A" + bank_token + "&csrf=" + csrf(s),
                       "https://portal.example");
  EXPECT_TRUE(has(bank, "Choose how to pay.")) << bank.body.substr(0, 500);
  EXPECT_FALSE(has(bank, "POST /v1"));
  EXPECT_FALSE(has(bank, bank_token)) << "not offered as a new card";
  Response huge = page("POST", base() + "/pay", s, "invoice=" + inv + "&amount=999999999999999&method=m%3A1&csrf=" + csrf(s),
                       "https://portal.example");
  EXPECT_TRUE(has(huge, "Enter the amount as a number, like 125.00.")) << huge.body.substr(0, 500);
  EXPECT_FALSE(has(huge, "10000000000000.00"));
  Response odd = page("POST", base() + "/pay", s, "invoice=" + inv + "&invoice=%20" + inv + "&method=m%3A1&csrf=" + csrf(s),
                      "https://portal.example");
  EXPECT_TRUE(has(odd, "Choose an invoice to pay, or enter an amount.")) << "an unreadable invoice is not skipped quietly";
  for (std::string typed : {"1,0,0", "1,00.00", "1,00", "%241%2C0000"}) {  // never a decimal comma
    Response r = page("POST", base() + "/pay", s, "invoice=" + inv + "&amount=" + typed + "&method=m%3A1&csrf=" + csrf(s),
                      "https://portal.example");
    EXPECT_TRUE(has(r, "Enter the amount as a number, like 125.00.")) << typed;
  }
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM payments"), 0);
}

// Found by re-testing: coming back from the hosted card form saved the card on a GET, so a
// link carrying someone's card token saved it on the account of whoever followed it.
TEST_F(PortalInput, ACardIsSavedOnlyByTheCustomersOwnForm) {
  std::string s = session();
  Response t = post("/sandbox/v1/tokens", R"({"card":{"number":"4242424242424242","cvc":"123","exp_month":12,"exp_year":2034}})");
  ASSERT_EQ(t.status, 201);
  std::string token(body(t).at("token").as_string());
  auto saved = [&] { return store::one_int(*db_, "SELECT COUNT(*) FROM payment_methods"); };
  Response ask = page("GET", base() + "/methods/add?token=" + token, s);
  ASSERT_EQ(ask.status, 200) << ask.body.substr(0, 300);
  EXPECT_TRUE(has(ask, "Save this card?"));
  EXPECT_TRUE(has(ask, "visa ••••4242"));
  EXPECT_EQ(saved(), 0) << "a GET saves nothing";
  std::string form = "token=" + token + "&csrf=";
  EXPECT_EQ(page("POST", base() + "/methods/add", s, form + "wrong", "https://portal.example").status, 403);
  EXPECT_EQ(page("POST", base() + "/methods/add", s, form + csrf(s), "https://evil.example").status, 403);
  EXPECT_EQ(saved(), 0);
  Response ok = page("POST", base() + "/methods/add", s, form + csrf(s), "https://portal.example");
  EXPECT_EQ(ok.status, 303) << ok.body.substr(0, 300);
  EXPECT_EQ(saved(), 1);
  // A bank token is not a card: back to the list, nothing asked.
  Response b = post("/sandbox/v1/tokens", R"({"bank_account":{"routing_number":"110000000","account_number":"000123456789"}})");
  EXPECT_EQ(page("GET", base() + "/methods/add?token=" + std::string(body(b).at("token").as_string()), s).status, 303);
}

}  // namespace
}  // namespace remit::http::testing
