#pragma once
// An OpenID Connect ID token checked (OpenID Connect Core 1.0, 3.1.3.7): its JWS signature
// against the provider's JSON Web Key Set with OpenSSL (RS256 or ES256 only: "none", HMAC
// and every other algorithm are refused), then its claims: the issuer, the audience (this
// client; with several audiences, azp must be this client too), not expired, not issued in
// the future, and the nonce of this sign-in. Clocks may differ by up to 2 minutes.
#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "core/clock.h"

namespace remit::app {

struct IdTokenCheck {
  std::string issuer;     // the exact iss expected (empty: any, checked by the caller)
  std::string client_id;  // the audience
  std::string nonce;
  Instant now;
};

// The token's claims when the signature and the claims are right; otherwise Unauthenticated
// with the reason. `kid_missing` is set when no key of the set has the token's key id (the
// caller may fetch the set again once: keys rotate).
boost::json::object verify_id_token(const std::string& jwt, const boost::json::object& jwks,
                                    const IdTokenCheck& check, bool* kid_missing = nullptr);

// A string member of a token's, a key's or a provider's JSON: "" when absent or not a string.
std::string json_text(const boost::json::object& o, std::string_view key);

// The token's header "kid" (empty when none or unreadable), to pick the key set to fetch.
std::string id_token_kid(const std::string& jwt);

}  // namespace remit::app
