#include "app/id_token.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <boost/json.hpp>
#include <memory>

#include "app/portal_auth.h"
#include "core/error.h"

namespace remit::app {
namespace json = boost::json;

namespace {
constexpr auto kSkew = std::chrono::minutes(2);

[[noreturn]] void refuse(const std::string& why) {
  throw Error(Code::Unauthenticated, "ID token refused: " + why);
}

template <class T, void (*F)(T*)>
struct Free {
  void operator()(T* p) const { F(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Free<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using Bld = std::unique_ptr<OSSL_PARAM_BLD, Free<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Free<OSSL_PARAM, OSSL_PARAM_free>>;
using Bn = std::unique_ptr<BIGNUM, Free<BIGNUM, BN_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Free<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EcSig = std::unique_ptr<ECDSA_SIG, Free<ECDSA_SIG, ECDSA_SIG_free>>;

std::string b64(const json::object& o, std::string_view k) {
  auto v = detail::unbase64url(json_text(o, k));
  if (!v || v->empty()) refuse("key parameter " + std::string(k) + " is not base64url");
  return *v;
}

Bn bignum(const std::string& bytes) {
  return Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
}

Pkey from_params(const char* type, OSSL_PARAM_BLD* bld) {
  Params params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
    refuse("the provider's key is not usable");
  return Pkey(key);
}

Pkey rsa_key(const json::object& jwk) {
  Bn n = bignum(b64(jwk, "n")), e = bignum(b64(jwk, "e"));
  if (BN_num_bits(n.get()) < 2048) refuse("the provider's RSA key is shorter than 2048 bits");
  Bld bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()))
    refuse("the provider's key is not usable");
  return from_params("RSA", bld.get());
}

Pkey ec_key(const json::object& jwk) {
  if (json_text(jwk, "crv") != "P-256") refuse("the provider's EC key is not P-256");
  std::string x = b64(jwk, "x"), y = b64(jwk, "y");
  if (x.size() != 32 || y.size() != 32) refuse("the provider's EC key is malformed");
  std::string point = "\x04" + x + y;
  Bld bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()))
    refuse("the provider's key is not usable");
  return from_params("EC", bld.get());
}

// A JWS ES256 signature is r || s (32 bytes each); OpenSSL verifies DER.
std::string ecdsa_der(const std::string& raw) {
  if (raw.size() != 64) refuse("the signature is malformed");
  EcSig sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    refuse("the signature is malformed");
  }
  int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  std::string der(static_cast<size_t>(std::max(len, 0)), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  if (len <= 0 || i2d_ECDSA_SIG(sig.get(), &p) != len) refuse("the signature is malformed");
  return der;
}

json::object parse_part(const std::string& part, const char* what) {
  auto raw = detail::unbase64url(part);
  if (!raw) refuse(std::string(what) + " is not base64url");
  boost::system::error_code ec;
  json::value v = json::parse(*raw, ec);
  if (ec || !v.is_object()) refuse(std::string(what) + " is not a JSON object");
  return v.as_object();
}

struct Parts {
  std::string header, payload, signature;
};
Parts split(const std::string& jwt) {
  if (jwt.size() > 16384) refuse("too long");
  auto a = jwt.find('.'), b = a == std::string::npos ? a : jwt.find('.', a + 1);
  if (b == std::string::npos || jwt.find('.', b + 1) != std::string::npos) refuse("not a JWS compact token");
  return {jwt.substr(0, a), jwt.substr(a + 1, b - a - 1), jwt.substr(b + 1)};
}

std::optional<int64_t> seconds(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() < (1ULL << 62)) return static_cast<int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->as_double());
  return std::nullopt;
}
}  // namespace

std::string json_text(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : "";
}

std::string id_token_kid(const std::string& jwt) {
  try {
    return json_text(parse_part(split(jwt).header, "the header"), "kid");
  } catch (const Error&) {
    return "";
  }
}

json::object verify_id_token(const std::string& jwt, const json::object& jwks,
                             const IdTokenCheck& check, bool* kid_missing) {
  if (kid_missing) *kid_missing = false;
  Parts p = split(jwt);
  json::object header = parse_part(p.header, "the header");
  std::string alg = json_text(header, "alg"), kid = json_text(header, "kid");
  if (alg != "RS256" && alg != "ES256") refuse("algorithm " + (alg.empty() ? "(none)" : alg) + " is not accepted");
  if (header.contains("crit")) refuse("it has critical header parameters");
  const std::string kty = alg == "RS256" ? "RSA" : "EC";

  // The key: the set's key with the token's kid (or, without a kid, its only key of the type).
  const json::object* jwk = nullptr;
  int candidates = 0;
  if (auto* keys = jwks.if_contains("keys"); keys && keys->is_array())
    for (auto& k : keys->as_array()) {
      if (!k.is_object() || json_text(k.as_object(), "kty") != kty) continue;
      const auto& o = k.as_object();
      std::string use = json_text(o, "use");
      if (!use.empty() && use != "sig") continue;
      if (!kid.empty() ? json_text(o, "kid") == kid : true) {
        jwk = &o;
        ++candidates;
      }
    }
  if (!jwk || (kid.empty() && candidates > 1)) {
    if (kid_missing) *kid_missing = true;
    refuse("no key of the provider matches it");
  }
  Pkey key = alg == "RS256" ? rsa_key(*jwk) : ec_key(*jwk);

  auto sig = detail::unbase64url(p.signature);
  if (!sig || sig->empty()) refuse("the signature is not base64url");
  std::string der = alg == "ES256" ? ecdsa_der(*sig) : *sig;
  std::string signed_part = p.header + "." + p.payload;
  MdCtx md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                       reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) != 1)
    refuse("the signature does not verify");

  json::object claims = parse_part(p.payload, "the payload");
  if (!check.issuer.empty() && json_text(claims, "iss") != check.issuer) refuse("another issuer");
  if (json_text(claims, "sub").empty()) refuse("no subject");
  bool ours = false;
  size_t audiences = 0;
  if (auto* aud = claims.if_contains("aud")) {
    if (aud->is_string()) {
      ours = aud->get_string() == check.client_id;
      audiences = 1;
    } else if (aud->is_array()) {
      for (auto& a : aud->as_array()) ours = ours || (a.is_string() && a.get_string() == check.client_id);
      audiences = aud->as_array().size();
    }
  }
  if (!ours) refuse("issued to another client");
  if (audiences > 1 && json_text(claims, "azp") != check.client_id) refuse("issued to another client");
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(check.now.time_since_epoch()).count();
  auto exp = seconds(claims, "exp"), iat = seconds(claims, "iat");
  int64_t skew = std::chrono::duration_cast<std::chrono::seconds>(kSkew).count();
  if (!exp || *exp + skew < now) refuse("expired");
  if (!iat || *iat - skew > now) refuse("issued in the future");
  if (check.nonce.empty() || json_text(claims, "nonce") != check.nonce) refuse("not for this sign-in (nonce)");
  return claims;
}

}  // namespace remit::app
