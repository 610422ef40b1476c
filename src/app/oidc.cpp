#include "app/oidc.h"

#include <sodium.h>

#include <boost/json.hpp>
#include <map>
#include <mutex>

#include "app/id_token.h"

namespace remit::app {
namespace json = boost::json;
using store::Query;

namespace {
constexpr const char* kCols = "SELECT id, name, kind, issuer, client_id, created_at FROM portal_oidc_providers ";
constexpr auto kCacheLife = std::chrono::hours(1);
constexpr auto kRefetchGap = std::chrono::minutes(1);
constexpr size_t kMaxDocument = 256 * 1024;

OidcProvider row(Query& q) { return {q.i64(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5)}; }

// The client secret's sealing key: BLAKE2b keyed by the code key over a fixed context.
std::string secret_key(const std::string& code_key) {
  std::string k(crypto_secretbox_KEYBYTES, '\0');
  static constexpr std::string_view ctx = "remit oidc client secret";
  crypto_generichash(reinterpret_cast<unsigned char*>(k.data()), k.size(),
                     reinterpret_cast<const unsigned char*>(ctx.data()), ctx.size(),
                     reinterpret_cast<const unsigned char*>(code_key.data()), code_key.size());
  return k;
}

std::string seal(const std::string& code_key, const std::string& plain) {
  std::string key = secret_key(code_key);
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(o, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(o + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plain.data()),
                        plain.size(), o, reinterpret_cast<const unsigned char*>(key.data()));
  return detail::base64url(out);
}

std::string unseal(const std::string& code_key, const std::string& sealed) {
  if (sealed.empty()) return "";
  auto raw = detail::unbase64url(sealed);
  if (!raw || raw->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    throw Error(Code::Internal, "a sealed client secret is malformed");
  std::string key = secret_key(code_key);
  std::string plain(raw->size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  auto* r = reinterpret_cast<const unsigned char*>(raw->data());
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), r + crypto_secretbox_NONCEBYTES,
                                 raw->size() - crypto_secretbox_NONCEBYTES, r,
                                 reinterpret_cast<const unsigned char*>(key.data())) != 0)
    throw Error(Code::Internal, "a client secret does not open with this vault key");
  return plain;
}

std::string pct(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

[[noreturn]] void fail(const std::string& why) { throw Error(Code::Unauthenticated, why); }

json::object fetch(Env& env, const OidcClient& c, HttpRequest r, const char* what) {
  r.max_body = kMaxDocument;
  r.timeout = std::chrono::seconds(5);
  r.allow_private_addresses = c.test_mode;
  r.headers.emplace_back("Accept", "application/json");
  auto http = env.http ? env.http() : nullptr;
  if (!http) fail("no HTTP client to reach the provider");
  HttpResponse resp = http->post(r);
  if (resp.status != 200)
    fail(std::string(what) + ": " + (resp.status ? "HTTP " + std::to_string(resp.status) : resp.error));
  boost::system::error_code ec;
  json::value v = json::parse(resp.body, ec);
  if (ec || !v.is_object()) fail(std::string(what) + ": not a JSON object");
  return v.as_object();
}

json::object get(Env& env, const OidcClient& c, const std::string& url, const char* what) {
  HttpRequest r;
  r.url = url;
  r.get = true;
  return fetch(env, c, std::move(r), what);
}

// The provider's discovery document and keys, kept for an hour per issuer.
struct Metadata {
  std::string issuer, authorization_endpoint, token_endpoint, jwks_uri;
  json::object jwks;
  std::chrono::steady_clock::time_point fetched, keys_fetched;
};
std::mutex cache_mu;
std::map<std::string, Metadata> cache;

bool https_or_test(const std::string& url, bool test_mode) {
  return url.starts_with("https://") || (test_mode && url.starts_with("http://"));
}

Metadata metadata(Env& env, const OidcClient& c, bool fresh_keys = false) {
  auto now = std::chrono::steady_clock::now();
  const std::string& issuer = c.provider.issuer;
  {
    std::lock_guard lock(cache_mu);
    auto it = cache.find(issuer);
    if (it != cache.end() && now - it->second.fetched < kCacheLife &&
        (!fresh_keys || now - it->second.keys_fetched < kRefetchGap))
      return it->second;
  }
  std::string base = issuer.ends_with('/') ? issuer.substr(0, issuer.size() - 1) : issuer;
  json::object d = get(env, c, base + "/.well-known/openid-configuration", "the provider's discovery document");
  Metadata m{json_text(d, "issuer"), json_text(d, "authorization_endpoint"), json_text(d, "token_endpoint"), json_text(d, "jwks_uri"), {}, now, now};
  for (auto* u : {&m.authorization_endpoint, &m.token_endpoint, &m.jwks_uri})
    if (!https_or_test(*u, c.test_mode)) fail("the provider's discovery document lacks an https endpoint");
  // OpenID Connect Discovery 1.0, 4.3: the issuer it names is the one asked for (Microsoft's
  // multi-tenant endpoints name "{tenantid}" in its place).
  bool microsoft_template = c.provider.kind == "microsoft" && m.issuer.find("{tenantid}") != std::string::npos;
  if (m.issuer != issuer && !microsoft_template) fail("the provider's discovery document names another issuer");
  m.jwks = get(env, c, m.jwks_uri, "the provider's keys");
  std::lock_guard lock(cache_mu);
  cache[issuer] = m;
  return m;
}

void check_provider(Ctx& ctx, const NewOidcProvider& p) {
  if (p.name.empty() || p.name.size() > 40) invalid("name", "give the button's name, up to 40 characters (e.g. Microsoft)");
  if (p.kind != "microsoft" && p.kind != "oidc") invalid("kind", "must be microsoft or oidc");
  if (p.issuer.size() > 300 || !https_or_test(p.issuer, ctx.tenant.test_mode) ||
      p.issuer.find_first_of(" \t\r\n?#") != std::string::npos)
    invalid("issuer", ctx.tenant.test_mode ? "must be an http:// or https:// URL without query or fragment"
                                           : "must be an https:// URL without query or fragment");
  if (p.client_id.empty() || p.client_id.size() > 200) invalid("client_id", "give the client id the provider issued, up to 200 characters");
  if (p.client_secret.size() > 500) invalid("client_secret", "is longer than 500 characters");
}
}  // namespace

OidcProvider add_oidc_provider(Ctx& ctx, const std::string& code_key, const NewOidcProvider& p) {
  check_provider(ctx, p);
  int64_t id = store::one_int(
      ctx.db,
      "INSERT INTO portal_oidc_providers (tenant_id, name, kind, issuer, client_id, sealed_secret, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      ctx.tenant.id, p.name, p.kind, p.issuer, p.client_id,
      p.client_secret.empty() ? "" : seal(code_key, p.client_secret), format_instant(ctx.now));
  audit(ctx, "portal.oidc_provider_added", "portal_oidc_provider", id, p.issuer);
  return get_oidc_provider(ctx, id);
}

std::vector<OidcProvider> list_oidc_providers(Ctx& ctx) {
  std::vector<OidcProvider> out;
  Query q(ctx.db, std::string(kCols) + "WHERE tenant_id = ? ORDER BY id", ctx.tenant.id);
  while (q.next()) out.push_back(row(q));
  return out;
}

OidcProvider get_oidc_provider(Ctx& ctx, int64_t id) {
  Query q(ctx.db, std::string(kCols) + "WHERE tenant_id = ? AND id = ?", ctx.tenant.id, id);
  if (!q.next()) not_found("OpenID Connect provider");
  return row(q);
}

void remove_oidc_provider(Ctx& ctx, int64_t id) {
  get_oidc_provider(ctx, id);
  store::exec(ctx.db, "DELETE FROM portal_identities WHERE tenant_id = ? AND provider_id = ?", ctx.tenant.id, id);
  store::exec(ctx.db, "DELETE FROM portal_oidc_providers WHERE tenant_id = ? AND id = ?", ctx.tenant.id, id);
  audit(ctx, "portal.oidc_provider_removed", "portal_oidc_provider", id, "");
}

OidcClient oidc_client(Ctx& ctx, const std::string& code_key, int64_t provider_id) {
  OidcProvider p = get_oidc_provider(ctx, provider_id);
  Query q(ctx.db, "SELECT sealed_secret FROM portal_oidc_providers WHERE tenant_id = ? AND id = ?",
          ctx.tenant.id, provider_id);
  q.next();
  return {p, unseal(code_key, q.text(0)), ctx.tenant.test_mode};
}

OidcStart begin_oidc(Env& env, const OidcClient& c, const std::string& redirect_uri) {
  Metadata m = metadata(env, c);
  OidcStart s{"", detail::random_token(), detail::random_token(), detail::random_token()};
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(s.verifier.data()), s.verifier.size());
  std::string challenge = detail::base64url(std::string(reinterpret_cast<char*>(h), sizeof h));
  s.url = m.authorization_endpoint + (m.authorization_endpoint.find('?') == std::string::npos ? "?" : "&") +
          "response_type=code&client_id=" + pct(c.provider.client_id) + "&redirect_uri=" + pct(redirect_uri) +
          "&scope=" + pct("openid email profile") + "&state=" + s.state + "&nonce=" + s.nonce +
          "&code_challenge=" + challenge + "&code_challenge_method=S256";
  if (c.provider.kind == "microsoft") s.url += "&prompt=select_account";
  return s;
}

OidcIdentity finish_oidc(Env& env, const OidcClient& c, const std::string& redirect_uri,
                         const std::string& code, const std::string& verifier, const std::string& nonce) {
  if (code.empty() || code.size() > 2048) fail("the provider sent no code");
  Metadata m = metadata(env, c);
  HttpRequest r;
  r.url = m.token_endpoint;
  r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  r.body = "grant_type=authorization_code&code=" + pct(code) + "&redirect_uri=" + pct(redirect_uri) +
           "&client_id=" + pct(c.provider.client_id) + "&code_verifier=" + pct(verifier);
  if (!c.secret.empty()) r.body += "&client_secret=" + pct(c.secret);
  json::object tokens = fetch(env, c, std::move(r), "the provider's token endpoint");
  std::string id_token = json_text(tokens, "id_token");
  if (id_token.empty()) fail("the provider returned no ID token");
  bool microsoft_template = m.issuer.find("{tenantid}") != std::string::npos;
  IdTokenCheck check{microsoft_template ? "" : m.issuer, c.provider.client_id, nonce, env.clock.now()};
  bool kid_missing = false;
  json::object claims;
  try {
    claims = verify_id_token(id_token, m.jwks, check, &kid_missing);
  } catch (const Error&) {
    if (!kid_missing) throw;
    claims = verify_id_token(id_token, metadata(env, c, true).jwks, check);  // the keys rotated
  }
  return detail::identity_of(c.provider.kind, m.issuer, claims);
}

namespace detail {
OidcIdentity identity_of(const std::string& kind, const std::string& expected_issuer,
                         const json::object& claims) {
  std::string iss = json_text(claims, "iss"), email = json_text(claims, "email");
  if (email.empty()) email = json_text(claims, "preferred_username");
  if (kind != "microsoft") {
    if (iss != expected_issuer) fail("ID token refused: another issuer");
    return {iss, json_text(claims, "sub"), email};
  }
  std::string tid = json_text(claims, "tid"), oid = json_text(claims, "oid");
  if (tid.empty() || oid.empty()) fail("ID token refused: no tenant (tid) or object id (oid)");
  std::string want = expected_issuer;
  if (auto at = want.find("{tenantid}"); at != std::string::npos) want.replace(at, 10, tid);
  if (iss != want) fail("ID token refused: its issuer is not its tenant's");
  return {iss, oid, email};
}
}  // namespace detail

std::optional<PortalUser> user_of_identity(Ctx& ctx, int64_t provider_id, const OidcIdentity& id) {
  Query q(ctx.db,
          "SELECT u.id, u.account_id, u.email, u.role FROM portal_identities i JOIN portal_users u ON "
          "u.tenant_id = i.tenant_id AND u.id = i.user_id WHERE i.tenant_id = ? AND i.provider_id = ? "
          "AND i.issuer = ? AND i.subject = ? AND u.removed_at IS NULL",
          ctx.tenant.id, provider_id, id.issuer, id.subject);
  if (!q.next()) return std::nullopt;
  return PortalUser{q.i64(0), q.i64(1), q.text(2), q.text(3)};
}

void link_identity(Ctx& ctx, int64_t user_id, int64_t provider_id, const OidcIdentity& id) {
  {
    Query q(ctx.db,
            "SELECT user_id FROM portal_identities WHERE tenant_id = ? AND provider_id = ? AND issuer = ? "
            "AND subject = ?",
            ctx.tenant.id, provider_id, id.issuer, id.subject);
    if (q.next()) {
      if (q.i64(0) == user_id) return;
      throw Error(Code::Conflict, "this account of the provider is linked to another login");
    }
  }
  // One identity per provider and login: linking again replaces the earlier one.
  store::exec(ctx.db, "DELETE FROM portal_identities WHERE tenant_id = ? AND user_id = ? AND provider_id = ?",
              ctx.tenant.id, user_id, provider_id);
  store::exec(ctx.db,
              "INSERT INTO portal_identities (tenant_id, provider_id, issuer, subject, user_id, email, "
              "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
              ctx.tenant.id, provider_id, id.issuer, id.subject, user_id, id.email.substr(0, 254),
              format_instant(ctx.now));
  audit(ctx, "portal.identity_linked", "portal_user", user_id, std::to_string(provider_id));
}

std::vector<LinkedIdentity> identities_of(Ctx& ctx, int64_t user_id) {
  std::vector<LinkedIdentity> out;
  Query q(ctx.db,
          "SELECT id, provider_id, email, created_at FROM portal_identities WHERE tenant_id = ? AND "
          "user_id = ? ORDER BY id",
          ctx.tenant.id, user_id);
  while (q.next()) out.push_back({q.i64(0), q.i64(1), q.text(2), q.text(3)});
  return out;
}

void unlink_identity(Ctx& ctx, int64_t user_id, int64_t identity_id) {
  store::exec(ctx.db, "DELETE FROM portal_identities WHERE tenant_id = ? AND user_id = ? AND id = ?",
              ctx.tenant.id, user_id, identity_id);
  audit(ctx, "portal.identity_unlinked", "portal_user", user_id, std::to_string(identity_id));
}

}  // namespace remit::app
