// Guest pay (D4, InvoiceCloud's model): without registering, a customer gives the account
// number, the first 10 characters of the last name on the account (exact match) and an email
// address for the receipt, then pays as in the portal (a new card from the processor's form).
// A wrong number and a wrong name get the same answer; at most 10 tries per client address
// in 15 minutes. The guest is remembered for 30 minutes in a cookie signed with the code key
// (outside the database): account, receipt address, expiry.
#include <fmt/format.h>
#include <sodium.h>

#include "app/accounts.h"
#include "http/portal/portal_visit.h"

namespace remit::http {
namespace portal {
namespace {
constexpr const char* kGuestCookie = "__Host-remit_guest";
constexpr auto kGuestLife = std::chrono::minutes(30);
constexpr int kGuestTries = 10;

std::string b64(std::string_view s) { return app::detail::base64url(std::string(s)); }
std::string mac(const std::string& key, std::string_view body) {
  return b64(app::detail::mac(key, std::string(body)));
}
}  // namespace

std::string guest_cookie(Call& c, const Visit& v, const Guest& g) {
  auto expires = std::chrono::duration_cast<std::chrono::seconds>(
                     (v.ctx.now + kGuestLife).time_since_epoch()).count();
  std::string body = fmt::format("{}.{}.{}.{}", v.ctx.tenant.id, g.account_id, expires, b64(g.email));
  return set_cookie(kGuestCookie, body + "." + mac(c.svc.env.code_key(), body));
}

std::optional<Guest> guest_of(Call& c, const Visit& v) {
  std::string raw = cookie(c.req, kGuestCookie);
  auto dot = raw.rfind('.');
  if (raw.empty() || raw.size() > 600 || dot == std::string::npos) return std::nullopt;
  std::string body = raw.substr(0, dot);
  if (!equal_tokens(mac(c.svc.env.code_key(), body), raw.substr(dot + 1))) return std::nullopt;
  int64_t tenant = 0, account = 0, expires = 0;
  char email[400] = {};
  if (std::sscanf(body.c_str(), "%ld.%ld.%ld.%399s", &tenant, &account, &expires, email) != 4)
    return std::nullopt;
  auto now = std::chrono::duration_cast<std::chrono::seconds>(v.ctx.now.time_since_epoch()).count();
  auto e = app::detail::unbase64url(email);
  if (tenant != v.ctx.tenant.id || expires < now || !e) return std::nullopt;
  return Guest{account, *e};
}

}  // namespace portal

namespace {
using namespace portal;  // NOLINT: the portal's own helpers

Response guest_form(Call& c, Visit& v, int status, std::string_view error, const std::string& number,
                    const std::string& name, const std::string& email) {
  FormToken token = form_token(c.req);
  v.page.title = std::string(render::phrase("portal_guest", v.page.lang));
  json::object d{{"form_token", token.value}, {"number", number}, {"name", name}, {"email", email}};
  if (!error.empty()) d["error"] = error;
  Response r = html(status, render_page(v.page, "portal_guest.html", d));
  keep_form_token(r, token);
  return finish(v, r);
}

Response guest_page(Call& c) {
  store::Tx tx(*c.db, false);
  auto v = visit(c);
  if (!v) return not_found_page(c);
  return guest_form(c, *v, 200, "", "", "", "");
}

// The first 10 characters (code points) of a name, spaces around it dropped.
std::string first10(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  size_t i = 0;
  for (int n = 0; i < s.size() && n < 10; ++n) {
    unsigned char ch = static_cast<unsigned char>(s[i]);
    i += ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
  }
  return s.substr(0, std::min(i, s.size()));
}

Response guest_start(Call& c) {
  auto form = parse_form(c.req);
  store::Tx tx(*c.db, true);
  auto v = visit(c);
  if (!v) return not_found_page(c);
  std::string number = field(form, "account_number"), name = field(form, "last_name");
  std::string email = field(form, "email");
  if (!form_posted(c.req, field(form, "form_token")))
    return guest_form(c, *v, 403, render::phrase("portal_form_expired", v->page.lang), number, name, email);
  try {
    app::validate_emails({email}, "email");
  } catch (const Error&) {
    return guest_form(c, *v, 400, render::phrase("portal_guest_bad_email", v->page.lang), number, name, email);
  }
  // Tries from this address in the last 15 minutes, counted before this one is.
  int64_t tries = store::one_int(
      *c.db, "SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND action = 'portal.guest_lookup' "
             "AND source = ? AND at > ?",
      v->ctx.tenant.id, c.req.client_ip, format_instant(v->ctx.now - std::chrono::minutes(15)));
  app::audit(v->ctx, "portal.guest_lookup", "portal", std::nullopt, "");
  std::optional<int64_t> found;
  if (tries < kGuestTries && !number.empty() && number.size() <= 40 && !name.empty()) {
    store::Query q(*c.db,
                   "SELECT id, last_name, name, billing_account_id FROM accounts WHERE tenant_id = ? "
                   "AND number = ?",
                   v->ctx.tenant.id, number);
    if (q.next()) {
      std::string last = q.text(1).empty() ? q.text(2) : q.text(1);
      std::string a = first10(last), b = first10(name);
      if (a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0)
        found = q.i64(3);  // the account that is billed: a child pays at its parent
    }
    while (q.next()) {
    }
  }
  tx.commit();
  if (!found)
    return guest_form(c, *v, 200,
                      render::phrase(tries < kGuestTries ? "portal_guest_not_found" : "portal_guest_limit",
                                     v->page.lang),
                      number, name, email);
  Response r = redirect(base(*v) + "/guest/pay");
  r.headers.emplace_back("Set-Cookie", guest_cookie(c, *v, {*found, app::detail::lower_email(email)}));
  return finish(*v, r);
}

}  // namespace

void add_portal_guest_routes(std::vector<Route>& t) {
  t.push_back(page_route("GET", "/p/{slug}/guest", guest_page, "portal: guest pay"));
  t.push_back(page_route("POST", "/p/{slug}/guest", guest_start, "portal: guest pay"));
}

}  // namespace remit::http
