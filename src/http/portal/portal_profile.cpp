// The profile (A6): the account's billing contacts (the addresses its invoices and receipts go
// to), its mailing address, paperless or paper statements, and its language; and signing out
// everywhere. Owners and billing users change it; viewers see it.
#include "app/accounts.h"
#include "http/portal/portal_visit.h"

namespace remit::http {
namespace {
using namespace portal;  // NOLINT: the portal's own helpers

Response profile_page(Visit& v, std::string_view error, const std::optional<app::AccountPatch>& tried,
                      bool saved = false, bool reset = false) {
  app::Account a = app::get_account(v.ctx, v.session->user.account_id);
  std::string emails = app::join_emails(a.emails);
  for (auto& ch : emails)
    if (ch == ',') ch = '\n';
  json::object d{{"name", a.name},
                 {"number", a.number},
                 {"emails", tried && tried->emails ? app::join_emails(*tried->emails) : emails},
                 {"address", tried && tried->address ? *tried->address : a.address},
                 {"paperless", a.paperless},
                 {"zh", a.language == "zh-CN"},
                 {"can_change", v.session->user.can_pay()},
                 {"login", v.session->user.email},
                 {"role", render::phrase("portal_role_" + v.session->user.role, v.page.lang)}};
  if (!error.empty()) d["error"] = error;
  if (saved) d["saved"] = true;
  if (reset) d["reset"] = true;  // signed in by a forgotten password's code
  v.page.title = std::string(render::phrase("portal_profile", v.page.lang));
  return html(error.empty() ? 200 : 400, render_page(v.page, "portal_profile.html", d));
}

Response profile_get(Call& c) {
  bool saved = query_param(c.query, "saved") != nullptr, reset = query_param(c.query, "reset") != nullptr;
  return signed_in(c, false, [&](Visit& v) { return profile_page(v, "", std::nullopt, saved, reset); });
}

Response profile_post(Call& c) {
  auto form = parse_form(c.req);
  return signed_in(c, true, [&](Visit& v) {
    if (!same_origin(c.req) || !equal_tokens(field(form, "csrf"), v.session->csrf) ||
        !v.session->user.can_pay())
      return redirect(base(v) + "/profile");
    app::AccountPatch p;
    std::vector<std::string> emails;
    std::string list = field(form, "emails");
    for (size_t at = 0; at <= list.size();) {
      size_t end = list.find_first_of(",\n", at);
      if (end == std::string::npos) end = list.size();
      std::string e = list.substr(at, end - at);
      std::erase_if(e, [](char ch) { return ch == ' ' || ch == '\r' || ch == '\t'; });
      if (!e.empty()) emails.push_back(e);
      at = end + 1;
    }
    p.emails = emails;
    std::string address = field(form, "address");  // a textarea's lines end in CRLF
    std::erase(address, '\r');
    p.address = address;
    p.paperless = field(form, "paperless") == "1";
    p.language = field(form, "language") == "zh-CN" ? "zh-CN" : "en";
    try {
      if (emails.empty()) invalid("emails", "give at least one address for your bills");
      app::update_account(v.ctx, v.session->user.account_id, p);
    } catch (const Error& e) {
      if (e.code != Code::InvalidArgument) throw;
      return profile_page(v, e.what(), p);
    }
    Response r = redirect(base(v) + "/profile?saved=1");
    v.set_lang = *p.language;  // the pages follow the account's new language
    return r;
  });
}

// A new password (a forgotten one: sign in by emailed code, then set it here). The other
// sessions end.
Response password_post(Call& c) {
  auto form = parse_form(c.req);
  return signed_in(c, true, [&](Visit& v) {
    if (!same_origin(c.req) || !equal_tokens(field(form, "csrf"), v.session->csrf))
      return redirect(base(v) + "/profile");
    std::string pw = field(form, "password");
    if (pw != field(form, "password2"))
      return profile_page(v, render::phrase("portal_password_mismatch", v.page.lang), std::nullopt);
    try {
      app::set_password(v.ctx, v.session->user.id, pw, v.session->id);
    } catch (const Error& e) {
      if (e.code != Code::InvalidArgument) throw;
      return profile_page(v, render::phrase("portal_password_rules", v.page.lang), std::nullopt);
    }
    return redirect(base(v) + "/profile?saved=1");
  });
}

}  // namespace

void add_portal_profile_routes(std::vector<Route>& t) {
  t.push_back(portal::page_route("POST", "/p/{slug}/profile/password", password_post,
                                 "portal: set a new password"));
  t.push_back(portal::page_route("GET", "/p/{slug}/profile", profile_get, "portal: profile"));
  t.push_back(portal::page_route("POST", "/p/{slug}/profile", profile_post, "portal: profile"));
}

}  // namespace remit::http
