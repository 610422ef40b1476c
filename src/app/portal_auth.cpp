#include "app/portal_auth.h"

#include <sodium.h>

#include <algorithm>

#include "app/accounts.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kUserCols = "SELECT id, account_id, email, role FROM portal_users ";
constexpr const char* kInsertUser =
    "INSERT INTO portal_users (tenant_id, account_id, email, role, password_hash, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kUserByEmail =
    "SELECT id, account_id, email, role, password_hash FROM portal_users "
    "WHERE tenant_id = ? AND email = ? AND removed_at IS NULL";
constexpr const char* kInsertSession =
    "INSERT INTO portal_sessions (tenant_id, user_id, token_hash, csrf, created_at, seen_at) "
    "VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* kSession =
    "SELECT s.id, s.csrf, s.created_at, s.seen_at, u.id, u.account_id, u.email, u.role "
    "FROM portal_sessions s JOIN portal_users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id "
    "WHERE s.tenant_id = ? AND s.token_hash = ? AND s.ended_at IS NULL AND u.removed_at IS NULL";

std::string hash_password(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw Error(Code::Internal, "out of memory hashing a password");
  return out;
}

// Checked against when the email is unknown, so that case costs what a wrong password does.
const std::string& decoy_hash() {
  static const std::string h = hash_password("remit decoy password");
  return h;
}
}  // namespace

namespace detail {
std::string base64url(const std::string& bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> unbase64url(std::string_view s) {
  std::string out(s.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), s.data(), s.size(),
                        nullptr, &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return std::nullopt;
  out.resize(len);
  return out;
}

std::string random_token() {
  std::string b(32, '\0');
  randombytes_buf(b.data(), b.size());
  return base64url(b);
}

std::string mac(const std::string& key, const std::string& msg) {
  if (key.size() < 32) throw Error(Code::Internal, "no key for sign-in codes");
  std::string out(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
  crypto_auth_hmacsha256_final(&st, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string token_hash(const std::string& token) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

std::string lower_email(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace detail

std::optional<int64_t> tenant_by_portal_slug(store::Db& db, const std::string& slug) {
  if (slug.empty() || slug.size() > 60) return std::nullopt;
  Query q(db, "SELECT id FROM tenants WHERE portal_slug = ?", slug);
  if (!q.next()) return std::nullopt;
  return q.i64(0);
}

std::string portal_slug(store::Db& db, int64_t tenant_id) {
  Query q(db, "SELECT portal_slug FROM tenants WHERE id = ?", tenant_id);
  if (!q.next() || q.null(0)) return "t" + std::to_string(tenant_id);
  return q.text(0);
}

PortalUser add_portal_user(Ctx& ctx, int64_t account_id, const std::string& email,
                           const std::string& role, const std::string& password) {
  if (sodium_init() < 0) throw Error(Code::Internal, "libsodium failed to initialise");
  get_account(ctx, account_id);
  std::string e = detail::lower_email(email);
  validate_emails({e}, "email");
  if (role != "owner" && role != "billing" && role != "viewer")
    invalid("role", "must be owner, billing or viewer");
  if (!password.empty() && (password.size() < 12 || password.size() > 128))
    invalid("password", "must be 12 to 128 characters");
  {
    Query q(ctx.db, kUserByEmail, ctx.tenant.id, e);
    if (q.next()) throw Error(Code::Conflict, "this email already has a login here", "email");
  }
  int64_t id = store::one_int(ctx.db, kInsertUser, ctx.tenant.id, account_id, e, role,
                              password.empty() ? "" : hash_password(password),
                              format_instant(ctx.now));
  audit(ctx, "portal_user.added", "account", account_id, role);
  return {id, account_id, e, role};
}

void register_portal_user(Ctx& ctx, const std::string& account_number, const std::string& email) {
  if (account_number.empty() || account_number.size() > 40 || email.size() > 254) return;
  std::string e = detail::lower_email(email);
  std::optional<Account> acct;
  {
    Query q(ctx.db, "SELECT id FROM accounts WHERE tenant_id = ? AND number = ?", ctx.tenant.id,
            account_number);
    if (q.next()) {
      int64_t id = q.i64(0);
      while (q.next()) {
      }
      acct = get_account(ctx, id);
    }
  }
  if (!acct) return;
  bool contact = std::any_of(acct->emails.begin(), acct->emails.end(),
                             [&](const std::string& x) { return detail::lower_email(x) == e; });
  if (!contact) return;
  {
    Query q(ctx.db, kUserByEmail, ctx.tenant.id, e);
    if (q.next()) {
      while (q.next()) {
      }
      return;  // a login already: the code signs it in
    }
  }
  bool first = store::one_int(ctx.db,
                              "SELECT COUNT(*) FROM portal_users WHERE tenant_id = ? AND account_id = ? "
                              "AND removed_at IS NULL",
                              ctx.tenant.id, acct->id) == 0;
  add_portal_user(ctx, acct->id, e, first ? "owner" : "viewer", "");
}

void set_password(Ctx& ctx, int64_t user_id, const std::string& password, int64_t keep_session) {
  if (password.size() < 12 || password.size() > 128) invalid("password", "must be 12 to 128 characters");
  store::exec(ctx.db, "UPDATE portal_users SET password_hash = ? WHERE tenant_id = ? AND id = ?",
              hash_password(password), ctx.tenant.id, user_id);
  store::exec(ctx.db,
              "UPDATE portal_sessions SET ended_at = ? WHERE tenant_id = ? AND user_id = ? AND "
              "id <> ? AND ended_at IS NULL",
              format_instant(ctx.now), ctx.tenant.id, user_id, keep_session);
  audit(ctx, "portal.password_set", "portal_user", user_id, "");
}

std::optional<PortalUser> check_password(Ctx& ctx, const std::string& email,
                                         const std::string& password) {
  if (sodium_init() < 0) throw Error(Code::Internal, "libsodium failed to initialise");
  std::optional<PortalUser> user;
  std::string hash;
  if (email.size() <= 254) {
    Query q(ctx.db, kUserByEmail, ctx.tenant.id, detail::lower_email(email));
    if (q.next()) {
      user = PortalUser{q.i64(0), q.i64(1), q.text(2), q.text(3)};
      hash = q.text(4);
    }
  }
  bool ok = crypto_pwhash_str_verify(hash.empty() ? decoy_hash().c_str() : hash.c_str(),
                                     password.data(), password.size()) == 0;
  if (!ok || hash.empty()) return std::nullopt;
  return user;
}

bool sign_in_throttled(Ctx& ctx, const std::string& email, const std::string& client) {
  std::string since = format_instant(ctx.now - std::chrono::minutes(15));
  int64_t by_email = store::one_int(
      ctx.db, "SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND action = 'portal.sign_in_failed' "
              "AND detail = ? AND at > ?",
      ctx.tenant.id, detail::token_hash(detail::lower_email(email)), since);
  if (by_email >= kFailuresPerEmail) return true;
  int64_t by_client = store::one_int(
      ctx.db, "SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND action = 'portal.sign_in_failed' "
              "AND source = ? AND at > ?",
      ctx.tenant.id, client, since);
  return by_client >= kFailuresPerClient;
}

void note_sign_in_failure(Ctx& ctx, const std::string& email) {
  audit(ctx, "portal.sign_in_failed", "portal", std::nullopt,
        detail::token_hash(detail::lower_email(email)));
}

std::string start_session(Ctx& ctx, int64_t user_id) {
  std::string token = detail::random_token(), now = format_instant(ctx.now);
  store::exec(ctx.db, kInsertSession, ctx.tenant.id, user_id, detail::token_hash(token), detail::random_token(),
              now, now);
  return token;
}

std::optional<PortalSession> find_session(Ctx& ctx, const std::string& token) {
  if (token.empty() || token.size() > 100) return std::nullopt;
  Query q(ctx.db, kSession, ctx.tenant.id, detail::token_hash(token));
  if (!q.next()) return std::nullopt;
  PortalSession s{q.i64(0), {q.i64(4), q.i64(5), q.text(6), q.text(7)}, q.text(1)};
  auto created = parse_instant(q.text(2)), seen = parse_instant(q.text(3));
  if (!created || !seen || ctx.now - *seen > kSessionIdle || ctx.now - *created > kSessionMax)
    return std::nullopt;
  s.stale = ctx.now - *seen > std::chrono::minutes(1);
  return s;
}

void note_session_use(Ctx& ctx, int64_t session_id) {
  store::exec(ctx.db, "UPDATE portal_sessions SET seen_at = ? WHERE tenant_id = ? AND id = ?",
              format_instant(ctx.now), ctx.tenant.id, session_id);
}

void end_session(Ctx& ctx, int64_t session_id) {
  store::exec(ctx.db,
              "UPDATE portal_sessions SET ended_at = ? WHERE tenant_id = ? AND id = ? AND "
              "ended_at IS NULL",
              format_instant(ctx.now), ctx.tenant.id, session_id);
}

void end_all_sessions(Ctx& ctx, int64_t user_id) {
  store::exec(ctx.db,
              "UPDATE portal_sessions SET ended_at = ? WHERE tenant_id = ? AND user_id = ? AND "
              "ended_at IS NULL",
              format_instant(ctx.now), ctx.tenant.id, user_id);
  audit(ctx, "portal.signed_out_everywhere", "portal_user", user_id, "");
}

}  // namespace remit::app
