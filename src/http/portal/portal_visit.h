#pragma once
// A visit to a tenant's portal (/p/<slug>/...): the tenant the slug names, the session its
// cookie carries (if live), the page's language; and the signed-in pages' frame (a session,
// else the sign-in page with the way back). Shared by the portal's page files.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/models.h"
#include "app/portal_auth.h"
#include "http/portal/portal_util.h"
#include "http/router.h"

namespace remit::http::portal {

// A guest paying without an account (D4): the account found by its number and name, and the
// address the guest's receipt goes to (held in a signed cookie, http/portal/portal_guest.cpp).
struct Guest {
  int64_t account_id = 0;
  std::string email;
};

struct Visit {
  app::Ctx ctx;
  std::optional<app::PortalSession> session;
  Page page;
  std::optional<std::string> set_lang;  // a ?lang= switch to remember
  std::optional<Guest> guest;
};

// nullopt: no portal has this slug.
std::optional<Visit> visit(Call& c);
// The one 404 page (unknown tenant, invoice, account, or one the user may not see).
Response not_found_page(Call& c);
// Adds what the visit remembers (the language switch) to a page's response.
Response finish(Visit& v, Response r);
inline std::string base(const Visit& v) { return "/p/" + v.page.slug; }
// `next` after signing in: a path of this portal only (never another site).
std::string safe_next(const Visit& v, const std::string& next);
// The accounts a user sees: its own and, for a parent, its children.
std::vector<app::Account> visible_accounts(Visit& v);
// The invoice when it is on an account the user sees (nullopt otherwise, as for none).
std::optional<app::Invoice> visible_invoice(Visit& v, int64_t id);
// A path parameter as an id; 0 when it is not one.
int64_t id_param(Call& c, std::string_view name = "id");
// The guest of this browser at this tenant, from its signed cookie (nullopt when none or
// expired).
std::optional<Guest> guest_of(Call& c, const Visit& v);
// The cookie that makes a guest of this browser for 30 minutes.
std::string guest_cookie(Call& c, const Visit& v, const Guest& g);

// The sign-in page (status, the error shown, the email and `next` kept), with a button per
// OpenID Connect provider of the tenant.
Response sign_in_form(Call& c, Visit& v, int status, std::string_view error, const std::string& email,
                      const std::string& next);

// A signed-in form posted: nullopt when it came from this site with the session's CSRF token
// and the user's role `allowed` it; else the page saying so and that nothing changed (403).
std::optional<Response> refuse_form(Call& c, Visit& v, const QueryParams& form, bool allowed = true);

// Notes a stale session's use in a write transaction (after `tx`, a read one, is done).
void note_use(Call& c, Visit& v, std::optional<store::Tx>& tx, bool& write);

// A portal page's route: HTML, kept out of the OpenAPI document, run on the database threads.
inline Route page_route(std::string method, std::string pattern, Handler h, std::string summary,
                        Access access = Access::Open) {
  return {.method = std::move(method), .pattern = std::move(pattern), .access = access,
          .handler = std::move(h), .summary = std::move(summary), .content_type = "text/html",
          .api = false};
}

// A signed-in page in one transaction (a write one when `write`): `page(visit)` runs with a
// live session; without one the answer is the sign-in page, with this page as `next`.
template <class F>
Response signed_in(Call& c, bool write, F page) {
  std::optional<store::Tx> tx;
  tx.emplace(*c.db, write);
  auto v = visit(c);
  if (!v) return not_found_page(c);
  if (!v->session) {
    std::string path = c.req.target.substr(0, c.req.target.find('?'));
    return redirect(base(*v) + "/sign-in?next=" + path);
  }
  Response r = page(*v);
  note_use(c, *v, tx, write);
  if (write && tx) tx->commit();
  return finish(*v, std::move(r));
}

// A change posted from the signed-in page at `path(visit)`: from this site, with the
// session's CSRF token and a role that may pay (or is `allowed`), `act(visit, form)` runs in a write
// transaction and the browser goes back to the page; a refusal (a use case's error) shows
// `page(visit, message)` instead; a failed check, refuse_form's page.
template <class Path, class Act, class Page, class Allowed = bool (app::PortalUser::*)() const>
Response form_change(Call& c, Path path, Act act, Page page, Allowed allowed = &app::PortalUser::can_pay) {
  auto form = parse_form(c.req);
  return signed_in(c, true, [&](Visit& v) {
    if (auto refused = refuse_form(c, v, form, std::invoke(allowed, v.session->user))) return *refused;
    try {
      act(v, form);
    } catch (const Error& e) {
      if (!is_refusal(e)) throw;
      return page(v, std::string_view(e.what()));
    }
    return redirect(path(v));
  });
}

}  // namespace remit::http::portal
