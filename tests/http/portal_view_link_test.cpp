// View & Pay links past their expiry, and printing: an expired link's page offers "Send me a
// fresh link" (a form with the browser's token) which emails the invoice again, with a new
// link, to the account's contacts, always with the same answer, at most 5 times per client
// address in 15 minutes; a forged link gets the invalid page. The invoice pages' Print
// button comes from /portal.js, allowed by their Content-Security-Policy.
#include "app/view_links.h"
#include "portal_page_fixture.h"

namespace remit::http::testing {
namespace {

class PortalViewLink : public PortalPageTest {
 protected:
  std::string link(int64_t invoice, Instant expires) {
    app::ensure_view_key(*db_, tenant_.id);
    store::Tx tx(*db_, true);
    std::string token = app::make_view_token(*db_, tenant_.id, invoice, expires);
    tx.commit();
    return "/view/" + token;
  }
  int64_t invoice_emails(int64_t invoice) {
    return store::one_int(*db_, "SELECT COUNT(*) FROM outbox WHERE topic = 'invoice' AND entity_id = ?", invoice);
  }
};

TEST_F(PortalViewLink, AnExpiredLinkSendsAFreshOneToTheBillingContact) {
  int64_t inv = first_invoice();
  std::string old = link(inv, *parse_instant("2025-01-01T00:00:00Z"));  // the tenant's clock: Jan 2
  Response r = page("GET", old, "");
  ASSERT_EQ(r.status, 410);
  EXPECT_TRUE(has(r, "Send me a fresh link"));
  EXPECT_TRUE(has(r, "INV-"));
  std::string token = cookie_value(set_cookie(r, portal::kFormCookie));
  ASSERT_EQ(token.size(), 43u);
  std::string cookie = std::string(portal::kFormCookie) + "=" + token;
  int64_t before = invoice_emails(inv);

  // Without the browser's form token, or from another site: nothing is sent.
  EXPECT_EQ(page("POST", old + "/fresh-link", cookie, "form_token=wrong").status, 403);
  EXPECT_EQ(page("POST", old + "/fresh-link", cookie, "form_token=" + token, "https://evil.example").status, 403);
  EXPECT_EQ(invoice_emails(inv), before);

  Response sent = page("POST", old + "/fresh-link", cookie, "form_token=" + token);
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_TRUE(has(sent, "a fresh link was sent to the billing contact on file"));
  EXPECT_EQ(invoice_emails(inv), before + 1);
  std::string mail = last_email("invoice");
  EXPECT_NE(mail.find("To: bob@example.com\r\n"), std::string::npos);
  auto at = mail.find("/view/v1.");
  ASSERT_NE(at, std::string::npos);
  std::string fresh = mail.substr(at, mail.find_first_of("\"< \r\n", at) - at);
  EXPECT_NE(fresh, old);
  EXPECT_EQ(page("GET", fresh, "").status, 200);

  // A valid link goes back to its page; a forged one gets the invalid page; a paid invoice
  // gets the same answer and no email.
  EXPECT_EQ(location(page("POST", fresh + "/fresh-link", cookie, "form_token=" + token)), fresh);
  std::string forged = old.substr(0, old.rfind('.') + 1) + std::string(43, 'A');
  EXPECT_EQ(page("GET", forged, "").status, 404);
  EXPECT_EQ(page("POST", forged + "/fresh-link", cookie, "form_token=" + token).status, 404);
  int64_t card = saved_card(acc_);
  ASSERT_EQ(post("/v1/payments/charge", "{\"account_id\":" + std::to_string(acc_) + ",\"invoice_ids\":[" +
                                            std::to_string(inv) + "],\"method_id\":" + std::to_string(card) + "}")
                .status,
            201);
  r = page("POST", old + "/fresh-link", cookie, "form_token=" + token);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(has(r, "a fresh link was sent to the billing contact on file"));
  EXPECT_EQ(invoice_emails(inv), before + 1);
}

TEST_F(PortalViewLink, FreshLinksAreLimitedPerClientAddress) {
  int64_t inv = first_invoice();
  std::string old = link(inv, *parse_instant("2025-01-01T00:00:00Z"));
  std::string token = cookie_value(set_cookie(page("GET", old, ""), portal::kFormCookie));
  std::string cookie = std::string(portal::kFormCookie) + "=" + token;
  int64_t before = invoice_emails(inv);
  for (int i = 0; i < 8; ++i) {
    Response r = page("POST", old + "/fresh-link", cookie, "form_token=" + token);
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(has(r, "a fresh link was sent"));
  }
  EXPECT_EQ(invoice_emails(inv), before + 5);
}

TEST_F(PortalViewLink, TheInvoicePagesPrintThroughTheirOwnScript) {
  Response js = page("GET", "/portal.js", "");
  ASSERT_EQ(js.status, 200);
  EXPECT_TRUE(js.content_type.starts_with("text/javascript"));
  EXPECT_TRUE(has(js, "window.print()"));
  int64_t inv = first_invoice();
  std::string s = session();
  Response p = page("GET", base() + "/invoices/" + std::to_string(inv), s);
  ASSERT_EQ(p.status, 200);
  EXPECT_TRUE(has(p, "<button type=\"button\" class=\"secondary\" data-print hidden>Print</button>"));
  EXPECT_TRUE(has(p, "<script type=\"module\" src=\"/portal.js\"></script>"));
  EXPECT_TRUE(has(p, "Print command"));  // without the script: how to print
  Response v = page("GET", link(inv, clock_.now() + date::days{30}), "");
  ASSERT_EQ(v.status, 200);
  EXPECT_TRUE(has(v, "data-print hidden>Print</button>"));
  EXPECT_TRUE(has(v, "src=\"/portal.js\""));
  EXPECT_NE(v.header("Content-Security-Policy")->find("script-src 'self'"), std::string::npos);
}

}  // namespace
}  // namespace remit::http::testing
