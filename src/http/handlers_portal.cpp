// The portal's settings through the API: the OpenID Connect providers its customers sign in
// with (app/oidc.h). The client secret is written once and never shown.
#include "app/oidc.h"
#include "http/handler_util.h"

namespace remit::http {
namespace {

json::object to_json(const app::OidcProvider& p) {
  return {{"id", p.id},         {"name", p.name},           {"kind", p.kind},
          {"issuer", p.issuer}, {"client_id", p.client_id}, {"created_at", p.created_at}};
}

Response add_provider(Call& c) {
  auto& b = c.body();
  app::NewOidcProvider p;
  p.name = req_string(b, "name", 40);
  p.kind = opt_string(b, "kind", 20).value_or("oidc");
  p.issuer = req_string(b, "issuer", 300);
  p.client_id = req_string(b, "client_id", 200);
  p.client_secret = opt_string(b, "client_secret", 500).value_or("");
  return created(to_json(app::add_oidc_provider(*c.ctx, c.svc.env.code_key(), p)));
}

Response list_providers(Call& c) {
  json::array items;
  for (auto& p : app::list_oidc_providers(*c.ctx)) items.push_back(to_json(p));
  return ok(json::object{{"items", items}, {"has_more", false}});
}

}  // namespace

void add_portal_settings_routes(std::vector<Route>& t) {
  t.push_back({.method = "POST", .pattern = "/v1/portal/oidc-providers", .access = Access::Admin,
               .handler = add_provider,
               .summary = "Add an OpenID Connect provider customers sign in to the portal with",
               .status = 201, .request = "OidcProviderNew", .response = "OidcProvider"});
  t.push_back({.method = "GET", .pattern = "/v1/portal/oidc-providers", .access = Access::Read,
               .handler = list_providers, .summary = "The portal's OpenID Connect providers",
               .response = "OidcProvider", .list = true});
  t.push_back({.method = "GET", .pattern = "/v1/portal/oidc-providers/{id}", .access = Access::Read,
               .handler = [](Call& c) { return ok(to_json(app::get_oidc_provider(*c.ctx, c.id()))); },
               .summary = "One OpenID Connect provider", .response = "OidcProvider"});
  t.push_back({.method = "DELETE", .pattern = "/v1/portal/oidc-providers/{id}", .access = Access::Admin,
               .handler = [](Call& c) {
                 app::remove_oidc_provider(*c.ctx, c.id());
                 return ok(json::object{{"id", c.id()}, {"deleted", true}});
               },
               .summary = "Remove an OpenID Connect provider and the identities linked through it",
               .response = "Deleted"});
}

}  // namespace remit::http
