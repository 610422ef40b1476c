#pragma once
// Signing in to the portal with an OpenID Connect provider ("Sign in with Microsoft", or any
// other), configured per tenant (A5). The authorization code flow with PKCE (S256), state and
// nonce; the code is exchanged at the provider's token endpoint with the client's secret; the
// ID token is verified against the provider's key set (app/id_token.h).
//
// The identity is the issuer and the subject, never an email claim: for kind "microsoft" the
// tenant (tid, in the issuer) and the object id (oid), the same for every application, as
// Microsoft advises; for any other provider iss + sub. An identity signs in the portal login
// it was linked to, and a login links one from its profile after signing in another way.
//
// The provider's endpoints come from its discovery document
// (<issuer>/.well-known/openid-configuration) and its keys from jwks_uri, both kept in
// memory for an hour (the keys fetched again, at most once a minute, when a token names a key
// not in the set). A test-mode tenant's provider may be on a private or loopback address (the
// tests run one locally); a live tenant's must be public https.
//
// The client secret is stored sealed (XSalsa20-Poly1305) under a key derived from the code
// key, outside the database, and is never shown again.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/env.h"
#include "app/portal_auth.h"

namespace remit::app {

struct OidcProvider {
  int64_t id = 0;
  std::string name, kind, issuer, client_id, created_at;  // kind: microsoft | oidc
};
struct NewOidcProvider {
  std::string name, kind, issuer, client_id, client_secret;
};

OidcProvider add_oidc_provider(Ctx& ctx, const std::string& code_key, const NewOidcProvider& p);
std::vector<OidcProvider> list_oidc_providers(Ctx& ctx);
OidcProvider get_oidc_provider(Ctx& ctx, int64_t id);
// Removes the provider and the identities linked through it.
void remove_oidc_provider(Ctx& ctx, int64_t id);

// A provider with its secret, read in a transaction and used after it (the flow's HTTP calls
// are made outside any transaction).
struct OidcClient {
  OidcProvider provider;
  std::string secret;
  bool test_mode = false;  // the tenant's: its provider may be on a private address
};
OidcClient oidc_client(Ctx& ctx, const std::string& code_key, int64_t provider_id);

// The start of a sign-in: where to send the browser, and what its cookie must keep.
struct OidcStart {
  std::string url, state, nonce, verifier;
};
OidcStart begin_oidc(Env& env, const OidcClient& c, const std::string& redirect_uri);

struct OidcIdentity {
  std::string issuer, subject, email;  // email: as claimed, shown to the user only
};
// Exchanges the code and verifies the ID token; Unauthenticated with the reason otherwise.
OidcIdentity finish_oidc(Env& env, const OidcClient& c, const std::string& redirect_uri,
                         const std::string& code, const std::string& verifier,
                         const std::string& nonce);

// The login this identity is linked to (nullopt: none).
std::optional<PortalUser> user_of_identity(Ctx& ctx, int64_t provider_id, const OidcIdentity& id);
// Links the identity to the login (Conflict when it is linked to another).
void link_identity(Ctx& ctx, int64_t user_id, int64_t provider_id, const OidcIdentity& id);
struct LinkedIdentity {
  int64_t id = 0, provider_id = 0;
  std::string email, created_at;
};
std::vector<LinkedIdentity> identities_of(Ctx& ctx, int64_t user_id);
void unlink_identity(Ctx& ctx, int64_t user_id, int64_t identity_id);

namespace detail {
// The identity an ID token's claims name, for the provider's kind (Unauthenticated when the
// claims lack it). `expected_issuer` is the discovery document's, with "{tenantid}" for a
// Microsoft multi-tenant endpoint.
OidcIdentity identity_of(const std::string& kind, const std::string& expected_issuer,
                         const boost::json::object& claims);
}  // namespace detail

}  // namespace remit::app
