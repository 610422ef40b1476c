// The profile (A6): the account's billing contacts (the addresses its invoices and receipts go
// to), its mailing address, paperless or paper statements, and its language; and signing out
// everywhere. Owners and billing users change it; viewers see it.
#include "app/accounts.h"
#include "app/oidc.h"
#include "core/text.h"
#include "http/portal/portal_visit.h"

namespace remit::http {
namespace {
using namespace portal;  // NOLINT: the portal's own helpers

Response profile_page(Visit& v, std::string_view error, const std::optional<app::AccountPatch>& tried,
                      std::string_view notice = "") {
  app::Account a = app::get_account(v.ctx, v.session->user.account_id);
  std::string emails = app::join_emails(a.emails);
  for (auto& ch : emails)
    if (ch == ',') ch = '\n';
  json::object d{{"name", a.name},
                 {"number", a.number},
                 {"emails", tried && tried->emails ? app::join_emails(*tried->emails) : emails},
                 {"address", tried && tried->address ? *tried->address : a.address},
                 {"paperless", tried && tried->paperless ? *tried->paperless : a.paperless},
                 {"zh", a.language == "zh-CN"},
                 {"can_change", v.session->user.can_pay()},
                 {"login", v.session->user.email},
                 {"role", render::phrase("portal_role_" + v.session->user.role, v.page.lang)}};
  if (!error.empty()) d["error"] = error;
  // saved; reset: signed in by a forgotten password's code; linked: an OpenID Connect account
  if (!notice.empty()) d[notice] = true;
  // OpenID Connect accounts: linked ones (unlink) and the tenant's providers to link.
  auto ids = app::identities_of(v.ctx, v.session->user.id);
  json::array providers;
  auto list = app::list_oidc_providers(v.ctx);
  for (auto& p : list) {
    json::object row{{"id", p.id}, {"link_text", fill_phrase("portal_oidc_link", v.page.lang, {{"provider", p.name}})}};
    for (auto& i : ids)
      if (i.provider_id == p.id) {
        row["identity"] = i.id;
        row["linked_text"] = fill_phrase("portal_oidc_linked", v.page.lang, {{"provider", p.name}, {"email", i.email}});
      }
    providers.push_back(std::move(row));
  }
  d["has_providers"] = !providers.empty();
  d["providers"] = std::move(providers);
  v.page.title = std::string(render::phrase("portal_profile", v.page.lang));
  Response r = html(error.empty() ? 200 : 400, render_page(v.page, "portal_profile.html", d));
  for (auto& p : list) allow_form_action(r, p.issuer);  // "Link" goes on to the provider
  return r;
}

Response profile_get(Call& c) {
  std::string_view notice;  // what the page was sent back for: ?saved, ?reset or ?linked
  for (const char* n : {"saved", "reset", "linked"})
    if (query_param(c.query, n)) notice = n;
  return signed_in(c, false, [&](Visit& v) { return profile_page(v, "", std::nullopt, notice); });
}

Response profile_post(Call& c) {
  auto form = parse_form(c.req);
  return signed_in(c, true, [&](Visit& v) {
    if (auto refused = refuse_form(c, v, form, v.session->user.can_pay())) return *refused;
    app::AccountPatch p;
    std::vector<std::string> emails;
    std::string list = field(form, "emails");
    for (size_t at = 0; at <= list.size();) {
      size_t end = list.find_first_of(",\n", at);
      if (end == std::string::npos) end = list.size();
      std::string e = trim(list.substr(at, end - at));  // an address is checked as typed
      if (!e.empty()) emails.push_back(e);
      at = end + 1;
    }
    p.emails = emails;
    std::string address = field(form, "address");  // a textarea's lines end in CRLF
    std::erase(address, '\r');
    p.address = address;
    p.paperless = field(form, "paperless") == "1";
    // The language is one of the list's (none given: unchanged); another is refused, not guessed.
    if (std::string lang = field(form, "language"); !lang.empty()) p.language = lang;
    if (p.language && *p.language != "en" && *p.language != "zh-CN")
      return profile_page(v, fill_phrase("portal_profile_bad_language", v.page.lang, {{"language", *p.language}}), p);
    try {
      if (emails.empty()) invalid("emails", "give at least one address for your bills");
      app::update_account(v.ctx, v.session->user.account_id, p);
    } catch (const Error& e) {
      if (e.code != Code::InvalidArgument) throw;
      return profile_page(v, e.what(), p);
    }
    Response r = redirect(base(v) + "/profile?saved=1");
    v.set_lang = p.language;  // the pages follow the account's new language
    return r;
  });
}

// A new password (a forgotten one: sign in by emailed code, then set it here). The other
// sessions end.
Response password_post(Call& c) {
  auto form = parse_form(c.req);
  return signed_in(c, true, [&](Visit& v) {
    if (auto refused = refuse_form(c, v, form)) return *refused;
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
