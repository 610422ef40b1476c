#pragma once
// What the portal's pages share (http/portal/): HTML answers with the portal's headers,
// cookies (__Host-, Secure, HttpOnly, SameSite=Lax), form bodies, same-origin checks for
// POSTs, and the layout every page is drawn in (the tenant's name, the signed-in user, the
// language switch).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "app/portal_auth.h"
#include "http/json_parse.h"
#include "http/message.h"
#include "render/i18n.h"

namespace remit::http::portal {

inline constexpr const char* kSessionCookie = "__Host-remit_session";
inline constexpr const char* kFormCookie = "__Host-remit_form";  // sign-in forms' CSRF token

// A page: the strict Content-Security-Policy (no inline script or style; never framed),
// no caching, no Referer, no indexing.
Response html(int status, std::string body);
Response redirect(std::string location);  // 303 See Other
// Lets the page's forms lead to `url`'s origin (a form whose answer redirects there: linking an
// OpenID Connect account goes on to the provider).
void allow_form_action(Response& r, const std::string& url);
std::string cookie(const Request& r, std::string_view name);
// A Set-Cookie value: __Host- prefixed names are Secure, Path=/ and HttpOnly, SameSite=Lax;
// an empty value clears the cookie.
std::string set_cookie(std::string_view name, std::string_view value);
// application/x-www-form-urlencoded; 400 for another encoding or more than 100 fields.
QueryParams parse_form(const Request& r);
std::string field(const QueryParams& form, std::string_view name);
// False when the browser says the POST came from another site (Origin not this host).
bool same_origin(const Request& r);
bool equal_tokens(std::string_view a, std::string_view b);  // constant time
using app::detail::random_token;  // 256 bits, base64url (app/portal_auth.h)

// The browser's token for the forms before sign-in (kFormCookie: double submit), made when it
// has none; keep_form_token() sets the cookie on the page when it was made.
struct FormToken {
  std::string value;
  bool fresh = false;
};
FormToken form_token(const Request& r);
void keep_form_token(Response& r, const FormToken& t);
// A form posted from this site carrying `token`, the browser's form token.
bool form_posted(const Request& r, std::string_view token);
// A catalog phrase with its {name} arguments filled.
std::string fill_phrase(std::string_view key, render::Lang lang,
                        const std::vector<std::pair<const char*, std::string>>& args);

// The page drawn in the layout: `data` gets the catalog (t.*, l.*), the language and
// `content` (the page template's output).
struct Page {
  std::string title, provider, slug;
  render::Lang lang = render::Lang::En;
  std::string user_email, csrf;  // empty when signed out
  bool owner = false;            // the user manages the account's logins
  std::string brand_color;       // the tenant's (#rrggbb), drawn by {base}/brand.css; "": Remit's
};
std::string render_page(const Page& p, std::string_view tmpl, boost::json::object data);

// The API's JSON error (`json`: {"error":{"message","field"}}) as a page of the same status,
// in the browser's chosen language, for requests of pages (the router's last step).
Response error_page(const Request& req, const Response& json);

}  // namespace remit::http::portal
