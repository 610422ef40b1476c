// "Sign in with Microsoft" (or any OpenID Connect provider the tenant configured: app/oidc.h).
// /oidc/<id>/start sends the browser to the provider; /oidc/callback comes back with the code.
// What the flow must remember (provider, state, nonce, PKCE verifier, where to go next, for
// linking the login that asked, and for accepting an invitation its link's token) rides in a
// cookie signed with the code key, for 10 minutes, and is cleared at the callback. The state is compared in constant time; the
// nonce is checked in the ID token; the verifier goes to the token endpoint.
//
// The provider's HTTP calls are made outside any transaction.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/oidc.h"
#include "app/portal_users.h"
#include "http/portal/portal_visit.h"

namespace remit::http {
namespace {
using namespace portal;  // NOLINT: the portal's own helpers

constexpr const char* kOidcCookie = "__Host-remit_oidc";
constexpr auto kFlowLife = std::chrono::minutes(10);

struct Flow {
  int64_t tenant = 0, provider = 0, link_user = 0, expires = 0;  // link_user 0: signing in
  std::string state, nonce, verifier, next;
  std::string invite;  // an invitation's token: accepting it
};

std::string flow_cookie(Call& c, const Flow& f) {
  std::string body = fmt::format("{}.{}.{}.{}.{}.{}.{}.{}.{}", f.tenant, f.provider, f.link_user, f.expires,
                                 f.state, f.nonce, f.verifier, app::detail::base64url(f.next),
                                 app::detail::base64url(f.invite));
  return set_cookie(kOidcCookie, body + "." + app::detail::base64url(app::detail::mac(c.svc.env.code_key(), body)));
}

std::optional<Flow> flow_of(Call& c, int64_t tenant) {
  std::string raw = cookie(c.req, kOidcCookie);
  auto dot = raw.rfind('.');
  if (raw.empty() || raw.size() > 1500 || dot == std::string::npos) return std::nullopt;
  std::string body = raw.substr(0, dot);
  if (!equal_tokens(app::detail::base64url(app::detail::mac(c.svc.env.code_key(), body)), raw.substr(dot + 1)))
    return std::nullopt;
  std::vector<std::string> p;
  for (size_t at = 0;;) {
    size_t end = body.find('.', at);
    p.push_back(body.substr(at, end == std::string::npos ? end : end - at));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  if (p.size() != 9) return std::nullopt;
  Flow f;
  try {
    f = {std::stoll(p[0]), std::stoll(p[1]), std::stoll(p[2]), std::stoll(p[3]), p[4], p[5], p[6], "", ""};
  } catch (const std::exception&) {
    return std::nullopt;
  }
  auto next = app::detail::unbase64url(p[7]), invite = app::detail::unbase64url(p[8]);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (!next || !invite || f.tenant != tenant || f.expires < now) return std::nullopt;
  f.next = *next;
  f.invite = *invite;
  return f;
}

std::string redirect_uri(Call& c, const Visit& v) {
  return c.svc.env.notify.public_url + base(v) + "/oidc/callback";
}

// Sends the browser to the provider, remembering the flow.
Response start(Call& c, Visit& v, const app::OidcClient& client, int64_t link_user, const std::string& next,
               const std::string& invite = "") {
  int64_t provider_id = client.provider.id;
  app::OidcStart s = app::begin_oidc(c.svc.env, client, redirect_uri(c, v));
  auto expires = std::chrono::duration_cast<std::chrono::seconds>(
                     (std::chrono::system_clock::now() + kFlowLife).time_since_epoch()).count();
  Response r = redirect(s.url);
  r.headers.emplace_back("Set-Cookie", flow_cookie(c, {v.ctx.tenant.id, provider_id, link_user, expires,
                                                       s.state, s.nonce, s.verifier, next, invite}));
  return r;
}

// The sign-in page with why the provider's sign-in did not work (the flow's cookie cleared).
Response refused(Call& c, Visit& v, const char* phrase, const std::string& name) {
  Response r = sign_in_form(c, v, 400, fill_phrase(phrase, v.page.lang, {{"provider", name}}), "", "");
  r.headers.emplace_back("Set-Cookie", set_cookie(kOidcCookie, ""));
  return r;
}

// Signing in, or accepting an invitation (`invite`, its link's token, still valid) as the
// provider's account: the login is made with no password when the provider vouches for it.
Response start_from_page(Call& c, const std::string& invite) {
  std::optional<store::Tx> tx;
  tx.emplace(*c.db, false);
  auto v = visit(c);
  if (!v) return not_found_page(c);
  app::OidcClient client;
  try {
    if (!invite.empty() && !app::find_invitation(v->ctx, c.svc.env.code_key(), invite)) not_found("invitation");
    client = app::oidc_client(v->ctx, c.svc.env.code_key(), id_param(c));
  } catch (const Error& e) {
    if (e.code != Code::NotFound) throw;
    return not_found_page(c);
  }
  tx.reset();  // the provider is asked outside any transaction
  auto* next = query_param(c.query, "next");
  try {
    return finish(*v, start(c, *v, client, 0, safe_next(*v, next ? *next : ""), invite));
  } catch (const Error& e) {
    if (e.code != Code::Unauthenticated) throw;
    spdlog::info("oidc: provider {} of tenant {} unreachable: {}", client.provider.id, v->ctx.tenant.id, e.what());
    tx.emplace(*c.db, false);
    return refused(c, *v, "portal_oidc_unavailable", client.provider.name);
  }
}

Response start_sign_in(Call& c) { return start_from_page(c, ""); }
Response start_invited(Call& c) { return start_from_page(c, c.param("token")); }

// Linking from the profile (signed in, with the session's CSRF token). The provider's
// endpoints are usually cached; a first fetch happens inside this read transaction.
Response start_link(Call& c) {
  auto form = parse_form(c.req);
  return signed_in(c, false, [&](Visit& v) {
    if (auto refused = refuse_form(c, v, form)) return *refused;
    try {
      app::OidcClient client = app::oidc_client(v.ctx, c.svc.env.code_key(), id_param(c));
      return start(c, v, client, v.session->user.id, base(v) + "/profile?linked=1");
    } catch (const Error& e) {
      if (e.code != Code::Unauthenticated && e.code != Code::NotFound) throw;
      return redirect(base(v) + "/profile");
    }
  });
}

// The invited login, made and linked to the provider's identity; nullopt with `why` when the
// invitation is no longer valid, its email has a login here, or the identity is another
// login's (the caller then commits nothing, so neither is kept).
std::optional<app::PortalUser> invited_user(Call& c, Visit& v, const Flow& flow, const app::OidcIdentity& identity,
                                            const char*& why) {
  app::PortalUser user;
  try {
    user = app::accept_invitation(v.ctx, c.svc.env.code_key(), flow.invite, "");
  } catch (const Error& e) {
    if (e.code != Code::NotFound && e.code != Code::Conflict) throw;
    why = e.code == Code::NotFound ? "portal_invite_invalid" : "portal_invite_taken_oidc";
    return std::nullopt;
  }
  try {
    app::link_identity(v.ctx, user.id, flow.provider, identity);
  } catch (const Error& e) {
    if (e.code != Code::Conflict) throw;
    why = "portal_oidc_linked_elsewhere";
    return std::nullopt;
  }
  return user;
}

Response callback(Call& c) {
  std::optional<store::Tx> tx;
  tx.emplace(*c.db, false);
  auto v = visit(c);
  if (!v) return not_found_page(c);
  auto flow = flow_of(c, v->ctx.tenant.id);
  auto* state = query_param(c.query, "state");
  if (!flow || !state || !equal_tokens(*state, flow->state))
    return refused(c, *v, "portal_oidc_failed", "OpenID Connect");
  app::OidcClient client;
  try {
    client = app::oidc_client(v->ctx, c.svc.env.code_key(), flow->provider);
  } catch (const Error& e) {
    if (e.code != Code::NotFound) throw;
    return refused(c, *v, "portal_oidc_failed", "OpenID Connect");
  }
  if (query_param(c.query, "error")) return refused(c, *v, "portal_oidc_cancelled", client.provider.name);
  tx.reset();  // the provider is asked outside any transaction
  auto* code = query_param(c.query, "code");
  app::OidcIdentity identity;
  try {
    identity = app::finish_oidc(c.svc.env, client, redirect_uri(c, *v), code ? *code : "", flow->verifier, flow->nonce);
  } catch (const Error& e) {
    if (e.code != Code::Unauthenticated) throw;
    spdlog::info("oidc: sign-in with provider {} of tenant {} refused: {}", flow->provider, v->ctx.tenant.id, e.what());
    tx.emplace(*c.db, false);
    return refused(c, *v, "portal_oidc_failed", client.provider.name);
  }

  tx.emplace(*c.db, true);
  Response r;
  if (flow->link_user) {
    if (!v->session || v->session->user.id != flow->link_user) return refused(c, *v, "portal_oidc_failed", client.provider.name);
    try {
      app::link_identity(v->ctx, flow->link_user, flow->provider, identity);
    } catch (const Error& e) {
      if (e.code != Code::Conflict) throw;
      return refused(c, *v, "portal_oidc_linked_elsewhere", client.provider.name);
    }
    r = redirect(flow->next);
  } else {
    const char* why = "portal_oidc_not_linked";
    auto user = flow->invite.empty() ? app::user_of_identity(v->ctx, flow->provider, identity)
                                     : invited_user(c, *v, *flow, identity, why);
    if (!user) return refused(c, *v, why, client.provider.name);
    std::string token = app::start_session(v->ctx, user->id);
    app::audit(v->ctx, "portal.signed_in", "portal_user", user->id, "oidc:" + std::to_string(flow->provider));
    r = redirect(safe_next(*v, flow->next));
    r.headers.emplace_back("Set-Cookie", set_cookie(kSessionCookie, token));
  }
  tx->commit();
  r.headers.emplace_back("Set-Cookie", set_cookie(kOidcCookie, ""));
  return r;
}

Response unlink(Call& c) {
  return form_change(
      c, [](const Visit& v) { return base(v) + "/profile"; },
      [&](Visit& v, const QueryParams&) { app::unlink_identity(v.ctx, v.session->user.id, id_param(c)); },
      [&](Visit& v, std::string_view) { return redirect(base(v) + "/profile"); },
      [](const app::PortalUser&) { return true; });
}

}  // namespace

void add_portal_oidc_routes(std::vector<Route>& t) {
  auto page = [&](auto&&... a) { t.push_back(portal::page_route(a...)); };
  page("GET", "/p/{slug}/oidc/{id}/start", start_sign_in, "portal: sign in with an OpenID Connect provider");
  page("GET", "/p/{slug}/invite/{token}/oidc/{id}", start_invited,
       "portal: accept an invitation by signing in with an OpenID Connect provider");
  page("POST", "/p/{slug}/oidc/{id}/link", start_link, "portal: link an OpenID Connect account");
  page("GET", "/p/{slug}/oidc/callback", callback, "portal: back from the OpenID Connect provider");
  page("POST", "/p/{slug}/profile/identities/{id}/unlink", unlink, "portal: unlink an OpenID Connect account");
}

}  // namespace remit::http
