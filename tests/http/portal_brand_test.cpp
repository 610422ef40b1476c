// The tenant's colour (PATCH /v1/tenant brand_color): refused unless white text on it has a
// contrast of at least 4.5:1, and then on every portal page (through /p/<slug>/brand.css, as
// the CSP allows no inline style), on the View & Pay pages and in the invoice email.
#include "app/view_links.h"
#include "portal_page_fixture.h"

namespace remit::http::testing {
namespace {

class PortalBrand : public PortalPageTest {
 protected:
  Response set_brand(const std::string& color, const std::string* as = nullptr) {
    return call("PATCH", "/v1/tenant", R"({"brand_color":")" + color + "\"}", as);
  }
  std::string brand() { return std::string(body(get("/v1/tenant")).at("brand_color").as_string()); }
};

TEST_F(PortalBrand, OnlyAColourWhiteTextCanBeReadOnIsAccepted) {
  EXPECT_EQ(brand(), "#0b5cad");  // Remit's own until the tenant sets one
  Response ok = set_brand("#7A1F5C");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(body(ok).at("brand_color"), "#7a1f5c");
  EXPECT_EQ(brand(), "#7a1f5c");

  // #767676 is the lightest grey white text passes AA on (4.54:1); #777777 is 4.48:1.
  EXPECT_EQ(set_brand("#767676").status, 200);
  for (std::string bad : {"#777777", "#ffcc00", "#ffffff", "red", "#12345", "#1234567", "0b5cad", "#0b5cag", "#0b5cad;"}) {
    Response r = set_brand(bad);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_EQ(error_field(r), "brand_color") << bad;
  }
  EXPECT_NE(set_brand("#ffcc00").body.find("1.51:1"), std::string::npos)
      << "the message gives the contrast found (1.51:1)";
  EXPECT_EQ(brand(), "#767676");  // a refused colour changes nothing
  EXPECT_EQ(set_brand("#000000", &tenant_.clerk).status, 403);
  EXPECT_EQ(brand(), "#767676");
  ASSERT_EQ(set_brand("").status, 200);  // back to Remit's
  EXPECT_EQ(brand(), "#0b5cad");
}

TEST_F(PortalBrand, EveryPortalPageLinksTheTenantsColour) {
  std::string css = base() + "/brand.css?v=7a1f5c";
  EXPECT_FALSE(has(page("GET", base() + "/sign-in", ""), "brand.css"));  // none set: no request
  ASSERT_EQ(set_brand("#7a1f5c").status, 200);
  std::string s = session();
  for (std::string path : {"/sign-in", "/register", "/forgot", "/guest", "/"}) {
    Response r = page("GET", base() + path, path == "/" ? s : "");
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_TRUE(has(r, "<link rel=\"stylesheet\" href=\"" + css + "\">")) << path;
  }
  for (std::string path : {"/methods", "/profile", "/users", "/scheduled"})
    EXPECT_TRUE(has(page("GET", base() + path, s), css)) << path;

  Response file = page("GET", css, "");
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.content_type, "text/css; charset=utf-8");
  EXPECT_EQ(file.body, ":root{--brand:#7a1f5c}\n");
  EXPECT_EQ(*file.header("Cache-Control"), "public, max-age=86400");
  // Another colour's URL is not cached: it could be warmed before the tenant picks that colour.
  EXPECT_EQ(*page("GET", base() + "/brand.css?v=123456", "").header("Cache-Control"), "no-cache");

  // Each tenant its own; a slug no tenant has is not found.
  auto other = make_tenant(*db_, clock_, "Other Co");
  ASSERT_EQ(set_brand("#2d5016", &other.admin).status, 200);
  std::string other_slug = app::portal_slug(*db_, other.id);
  EXPECT_EQ(page("GET", "/p/" + other_slug + "/brand.css", "").body, ":root{--brand:#2d5016}\n");
  EXPECT_EQ(page("GET", css, "").body, ":root{--brand:#7a1f5c}\n");
  EXPECT_EQ(page("GET", "/p/no-such-tenant/brand.css", "").status, 404);

  // A new colour is a new URL: the browser never keeps the old one.
  ASSERT_EQ(set_brand("#004d40").status, 200);
  EXPECT_TRUE(has(page("GET", base() + "/", s), base() + "/brand.css?v=004d40"));
}

TEST_F(PortalBrand, TheViewAndPayPageAndTheInvoiceEmailUseIt) {
  ASSERT_EQ(set_brand("#7a1f5c").status, 200);
  int64_t inv = first_invoice();
  app::ensure_view_key(*db_, tenant_.id);
  std::string token;
  {
    store::Tx tx(*db_, true);
    token = app::make_view_token(*db_, tenant_.id, inv, *parse_instant("2025-03-01T00:00:00Z"));
    tx.commit();
  }
  Response view = page("GET", "/view/" + token, "");
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_TRUE(has(view, "background:#7a1f5c"));
  EXPECT_EQ(*view.header("X-Frame-Options"), "DENY");
  EXPECT_FALSE(has(view, "#0b5cad"));

  std::string mail = last_email("invoice");
  EXPECT_NE(mail.find("background:#7a1f5c"), std::string::npos);
  EXPECT_EQ(mail.find("#0b5cad"), std::string::npos);
}

}  // namespace
}  // namespace remit::http::testing
