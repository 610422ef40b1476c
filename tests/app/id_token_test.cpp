// ID tokens as an OpenID Connect provider signs them (RS256 and ES256, keys made here with
// OpenSSL), and as an attacker alters them: each check of app/id_token.h must refuse.
#include "app/id_token.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>
#include <openssl/evp.h>

#include <boost/json.hpp>

#include "app/oidc.h"
#include "app/portal_auth.h"
#include "core/error.h"

namespace remit::app {
namespace {
namespace json = boost::json;
using app::detail::base64url;

std::string bn_bytes(const EVP_PKEY* k, const char* name, size_t pad = 0) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(k, name, &bn);
  std::string out(std::max<size_t>(pad, BN_num_bytes(bn)), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  BN_free(bn);
  return out;
}

struct Signer {
  EVP_PKEY* key = nullptr;
  std::string alg, kid;
  explicit Signer(std::string a, std::string k = "k1") : alg(std::move(a)), kid(std::move(k)) {
    key = alg == "RS256" ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
  }
  ~Signer() { EVP_PKEY_free(key); }
  json::object jwk() const {
    if (alg == "RS256")
      return {{"kty", "RSA"}, {"kid", kid}, {"use", "sig"},
              {"n", base64url(bn_bytes(key, OSSL_PKEY_PARAM_RSA_N))}, {"e", base64url(bn_bytes(key, OSSL_PKEY_PARAM_RSA_E))}};
    return {{"kty", "EC"}, {"kid", kid}, {"crv", "P-256"},
            {"x", base64url(bn_bytes(key, OSSL_PKEY_PARAM_EC_PUB_X, 32))},
            {"y", base64url(bn_bytes(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
  }
  std::string sign(const json::object& claims, std::string header_alg = "") const {
    json::object h{{"alg", header_alg.empty() ? alg : header_alg}, {"kid", kid}, {"typ", "JWT"}};
    std::string input = base64url(json::serialize(h)) + "." + base64url(json::serialize(claims));
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    size_t len = 0;
    EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key);
    EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    sig.resize(len);
    EVP_MD_CTX_free(md);
    if (alg == "ES256") {  // DER to the JWS form r || s
      const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
      ECDSA_SIG* s = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
      std::string raw(64, '\0');
      BN_bn2binpad(ECDSA_SIG_get0_r(s), reinterpret_cast<unsigned char*>(raw.data()), 32);
      BN_bn2binpad(ECDSA_SIG_get0_s(s), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
      ECDSA_SIG_free(s);
      sig = raw;
    }
    return input + "." + base64url(sig);
  }
};

constexpr int64_t kNow = 1'795'000'000;
const std::string kIssuer = "https://idp.example";

json::object claims() {
  return {{"iss", kIssuer}, {"sub", "user-1"}, {"aud", "remit"}, {"exp", kNow + 300},
          {"iat", kNow - 10}, {"nonce", "n-123"}, {"email", "a@example.com"}};
}
IdTokenCheck check() { return {kIssuer, "remit", "n-123", Instant(std::chrono::seconds(kNow))}; }
json::object set_of(const Signer& s) { return {{"keys", json::array{s.jwk()}}}; }

std::string refusal(const std::string& jwt, const json::object& jwks, IdTokenCheck c = check()) {
  try {
    verify_id_token(jwt, jwks, c);
    return "(accepted)";
  } catch (const Error& e) {
    EXPECT_EQ(e.code, Code::Unauthenticated);
    return e.what();
  }
}

TEST(IdToken, ARightTokenIsAcceptedWithBothAlgorithms) {
  for (const char* alg : {"RS256", "ES256"}) {
    Signer s(alg);
    json::object got = verify_id_token(s.sign(claims()), set_of(s), check());
    EXPECT_EQ(got.at("sub").as_string(), "user-1") << alg;
  }
}

TEST(IdToken, EachWrongClaimIsRefused) {
  Signer s("RS256");
  auto with = [&](const char* k, json::value v) {
    json::object c = claims();
    c[k] = v;
    return refusal(s.sign(c), set_of(s));
  };
  EXPECT_NE(with("iss", "https://evil.example").find("another issuer"), std::string::npos);
  EXPECT_NE(with("aud", "someone-else").find("another client"), std::string::npos);
  EXPECT_NE(with("aud", json::array{"remit", "other"}).find("another client"), std::string::npos);  // no azp
  EXPECT_NE(with("exp", kNow - 600).find("expired"), std::string::npos);
  EXPECT_NE(with("iat", kNow + 600).find("future"), std::string::npos);
  EXPECT_NE(with("nonce", "n-other").find("nonce"), std::string::npos);
  EXPECT_NE(with("sub", "").find("no subject"), std::string::npos);
  json::object multi = claims();
  multi["aud"] = json::array{"remit", "other"};
  multi["azp"] = "remit";
  EXPECT_EQ(refusal(s.sign(multi), set_of(s)), "(accepted)");
}

TEST(IdToken, AlteredSignedOrUnsignedTokensAreRefused) {
  Signer s("RS256"), other("RS256");
  std::string jwt = s.sign(claims());
  // Another key, a payload swapped, "none", HMAC with the public key as secret, garbage.
  EXPECT_NE(refusal(other.sign(claims()), set_of(s)).find("does not verify"), std::string::npos);
  json::object rich = claims();
  rich["sub"] = "admin";
  std::string swapped = jwt.substr(0, jwt.find('.') + 1) + base64url(json::serialize(rich)) + jwt.substr(jwt.rfind('.'));
  EXPECT_NE(refusal(swapped, set_of(s)).find("does not verify"), std::string::npos);
  std::string none = base64url(R"({"alg":"none"})") + "." + base64url(json::serialize(claims())) + ".";
  EXPECT_NE(refusal(none, set_of(s)).find("not accepted"), std::string::npos);
  std::string hs = base64url(R"({"alg":"HS256","kid":"k1"})") + "." + base64url(json::serialize(claims())) + ".AAAA";
  EXPECT_NE(refusal(hs, set_of(s)).find("not accepted"), std::string::npos);
  EXPECT_NE(refusal("a.b", set_of(s)).find("not a JWS"), std::string::npos);
  EXPECT_NE(refusal(jwt + "x", set_of(s)), "(accepted)");
  // A key the set does not have: the caller is told, to fetch the set again.
  Signer rotated("RS256", "k2");
  bool kid_missing = false;
  EXPECT_THROW(verify_id_token(rotated.sign(claims()), set_of(s), check(), &kid_missing), Error);
  EXPECT_TRUE(kid_missing);
}

TEST(IdToken, MicrosoftsIdentityIsTenantAndObjectId) {
  const std::string templ = "https://login.microsoftonline.com/{tenantid}/v2.0";
  json::object c{{"iss", "https://login.microsoftonline.com/t-1/v2.0"}, {"tid", "t-1"}, {"oid", "o-9"},
                 {"sub", "pairwise"}, {"email", "x@example.com"}};
  OidcIdentity id = detail::identity_of("microsoft", templ, c);
  EXPECT_EQ(id.issuer, "https://login.microsoftonline.com/t-1/v2.0");
  EXPECT_EQ(id.subject, "o-9");
  c["tid"] = "t-2";  // a token whose issuer is not its tenant's
  EXPECT_THROW(detail::identity_of("microsoft", templ, c), Error);
  c.erase("tid");
  EXPECT_THROW(detail::identity_of("microsoft", templ, c), Error);
  json::object g{{"iss", kIssuer}, {"sub", "s-1"}};
  EXPECT_EQ(detail::identity_of("oidc", kIssuer, g).subject, "s-1");
  EXPECT_THROW(detail::identity_of("oidc", "https://other.example", g), Error);
}

}  // namespace
}  // namespace remit::app
