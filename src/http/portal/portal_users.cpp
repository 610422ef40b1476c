// The account's logins in the portal (A4): an owner sees them and the invitations waiting,
// invites someone with a role, changes a login's role, removes a login, revokes an
// invitation (app/portal_users.h). The invitation's link opens /invite/<token>: accept (with
// a password or none) and be signed in.
#include "app/accounts.h"
#include "app/oidc.h"
#include "app/portal_users.h"
#include "http/portal/portal_visit.h"

namespace remit::http {
namespace {
using namespace portal;  // NOLINT: the portal's own helpers

std::string path_of(const Visit& v) { return base(v) + "/users"; }

Response users_page(Visit& v, std::string_view error, bool invited = false, const std::string& tried = "") {
  const app::PortalUser& me = v.session->user;
  app::Account a = app::get_account(v.ctx, me.account_id);
  json::array logins, pending;
  for (auto& l : app::account_logins(v.ctx, me.account_id))
    logins.push_back(json::object{{"id", l.id},
                                  {"email", l.email},
                                  {"you", l.id == me.id},
                                  {"is_owner", l.role == "owner"},
                                  {"is_billing", l.role == "billing"},
                                  {"is_viewer", l.role == "viewer"},
                                  {"since", render::format_date(l.created_at.substr(0, 10), v.page.lang)}});
  for (auto& i : app::pending_invitations(v.ctx, me.account_id))
    pending.push_back(json::object{{"id", i.id},
                                   {"email", i.email},
                                   {"role", render::phrase("portal_role_" + i.role, v.page.lang)},
                                   {"expires", render::format_date(i.expires_at.substr(0, 10), v.page.lang)}});
  json::object d{{"name", a.name},       {"number", a.number},
                 {"logins", logins},     {"pending", pending},
                 {"has_pending", !pending.empty()}, {"invited", invited},
                 {"tried_email", tried}};
  if (!error.empty()) d["error"] = error;
  v.page.title = std::string(render::phrase("portal_users", v.page.lang));
  return html(error.empty() ? 200 : 400, render_page(v.page, "portal_users.html", d));
}

Response users_get(Call& c) {
  bool invited = query_param(c.query, "invited") != nullptr;
  return signed_in(c, false, [&](Visit& v) {
    if (!v.session->user.is_owner()) return not_found_page(c);
    return users_page(v, "", invited);
  });
}

// A change from this page, by an owner (form_change: CSRF, role, back to the page or its error).
template <class F>
Response change(Call& c, F act, std::string back = "") {
  auto path = [&](const Visit& v) { return path_of(v) + back; };
  return form_change(c, path, act, [&](Visit& v, std::string_view e) { return users_page(v, e); },
                     &app::PortalUser::is_owner);
}

Response invite(Call& c) {
  return change(c, [&](Visit& v, const QueryParams& form) {
    app::invite_portal_user(v.ctx, v.session->user, field(form, "email"), field(form, "role"));
  }, "?invited=1");
}

Response set_role(Call& c) {
  return change(c, [&](Visit& v, const QueryParams& form) {
    app::change_role(v.ctx, v.session->user, id_param(c), field(form, "role"));
  });
}

Response remove(Call& c) {
  return change(c, [&](Visit& v, const QueryParams&) {
    app::remove_portal_user(v.ctx, v.session->user, id_param(c));
  });
}

Response revoke(Call& c) {
  return change(c, [&](Visit& v, const QueryParams&) {
    app::revoke_invitation(v.ctx, v.session->user, id_param(c));
  });
}

// The invitation's page: who invites whom, as what; accept with a password or none.
Response invite_form(Call& c, Visit& v, int status, std::string_view error, const std::string& token,
                     const std::optional<app::Invitation>& inv, const std::string& form_token) {
  v.page.title = std::string(render::phrase("portal_invite_title", v.page.lang));
  json::object d{{"form_token", form_token}, {"action", base(v) + "/invite/" + token}};
  if (inv) {
    std::string role(render::phrase("portal_role_" + inv->role, v.page.lang));
    d["intro"] = fill_phrase("portal_invite_intro", v.page.lang,
                             {{"provider", v.ctx.tenant.name}, {"account", inv->account_name},
                              {"role", role}, {"email", inv->email}});
    json::array providers;  // or accept as an account of the tenant's OpenID Connect providers
    for (auto& p : app::list_oidc_providers(v.ctx))
      providers.push_back(json::object{
          {"name", fill_phrase("portal_invite_with", v.page.lang, {{"provider", p.name}})},
          {"url", base(v) + "/invite/" + token + "/oidc/" + std::to_string(p.id)}});
    d["has_providers"] = !providers.empty();
    d["providers"] = std::move(providers);
  }
  if (!error.empty()) d["error"] = error;
  return finish(v, html(status, render_page(v.page, "portal_invite.html", d)));
}

Response invitation_get(Call& c) {
  store::Tx tx(*c.db, false);
  auto v = visit(c);
  if (!v) return not_found_page(c);
  std::string token = c.param("token");
  auto inv = app::find_invitation(v->ctx, c.svc.env.code_key(), token);
  FormToken ft = form_token(c.req);
  Response r = invite_form(c, *v, inv ? 200 : 404,
                           inv ? "" : render::phrase("portal_invite_invalid", v->page.lang), token, inv, ft.value);
  keep_form_token(r, ft);
  return r;
}

Response invitation_post(Call& c) {
  auto form = parse_form(c.req);
  store::Tx tx(*c.db, true);
  auto v = visit(c);
  if (!v) return not_found_page(c);
  std::string token = c.param("token"), ft = field(form, "form_token");
  auto inv = app::find_invitation(v->ctx, c.svc.env.code_key(), token);
  auto again = [&](int status, std::string_view error) {
    return invite_form(c, *v, status, error, token, inv, ft);
  };
  if (!inv) return again(404, render::phrase("portal_invite_invalid", v->page.lang));
  if (!form_posted(c.req, ft)) return again(403, render::phrase("portal_form_expired", v->page.lang));
  std::string pw = field(form, "password");
  if (pw != field(form, "password2")) return again(400, render::phrase("portal_password_mismatch", v->page.lang));
  if (!pw.empty() && (pw.size() < 12 || pw.size() > 128))
    return again(400, render::phrase("portal_password_rules", v->page.lang));
  app::PortalUser user;
  try {
    user = app::accept_invitation(v->ctx, c.svc.env.code_key(), token, pw);
  } catch (const Error& e) {
    if (e.code != Code::Conflict) throw;
    return again(409, fill_phrase("portal_invite_taken", v->page.lang, {{"email", inv->email}}));
  }
  std::string session = app::start_session(v->ctx, user.id);
  app::audit(v->ctx, "portal.signed_in", "portal_user", user.id, "invitation");
  tx.commit();
  Response r = redirect(base(*v) + "/");
  r.headers.emplace_back("Set-Cookie", set_cookie(kSessionCookie, session));
  return r;
}

}  // namespace

void add_portal_user_routes(std::vector<Route>& t) {
  auto page = [&](auto&&... a) { t.push_back(portal::page_route(a...)); };
  page("GET", "/p/{slug}/users", users_get, "portal: the account's logins");
  page("POST", "/p/{slug}/users/invite", invite, "portal: invite someone");
  page("POST", "/p/{slug}/users/{id}/role", set_role, "portal: change a login's role");
  page("POST", "/p/{slug}/users/{id}/remove", remove, "portal: remove a login");
  page("POST", "/p/{slug}/users/invitations/{id}/revoke", revoke, "portal: revoke an invitation");
  page("GET", "/p/{slug}/invite/{token}", invitation_get, "portal: an invitation");
  page("POST", "/p/{slug}/invite/{token}", invitation_post, "portal: accept an invitation");
}

}  // namespace remit::http
