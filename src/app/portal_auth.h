#pragma once
// The customer portal's users and sessions (A4, A5). A user is one email on one account of a
// tenant (a parent account's users see its children), with a role: owner (also manages
// users), billing (also pays and manages payment methods), viewer. Passwords are argon2id
// (libsodium crypto_pwhash_str). A session is a 256-bit random token the browser keeps in a
// cookie; only its BLAKE2b hash is stored. Sessions end after 30 minutes idle or 12 hours
// in all, on the tenant's clock (so a test clock moves them too).
//
// Nothing here says whether an email exists: check_password spends the same argon2id work
// for an unknown email as for a wrong password.
#include <optional>
#include <string>

#include "app/context.h"

namespace remit::app {

inline constexpr auto kSessionIdle = std::chrono::minutes(30);
inline constexpr auto kSessionMax = std::chrono::hours(12);

struct PortalUser {
  int64_t id = 0, account_id = 0;
  std::string email, role;  // owner | billing | viewer
  bool can_pay() const { return role == "owner" || role == "billing"; }
  bool is_owner() const { return role == "owner"; }
};

// The tenant whose portal is at /p/<slug>/ (none: no such portal).
std::optional<int64_t> tenant_by_portal_slug(store::Db& db, const std::string& slug);
std::string portal_slug(store::Db& db, int64_t tenant_id);

// Adds a user (email lowercased; 409 when the email already has a login at this tenant).
// An empty password: the user signs in by emailed code or OpenID Connect only.
PortalUser add_portal_user(Ctx& ctx, int64_t account_id, const std::string& email,
                           const std::string& role, const std::string& password);

// Sets the user's password (12 to 128 characters) and ends its other sessions.
void set_password(Ctx& ctx, int64_t user_id, const std::string& password, int64_t keep_session);

// Registration (A5): makes a login for `email` when it is one of the contacts of the account
// numbered `account_number` and has no login here yet: the account's first login is its
// owner, later ones viewers (an owner changes roles). Says nothing either way: the caller
// then sends a sign-in code, which only a login's address receives.
void register_portal_user(Ctx& ctx, const std::string& account_number, const std::string& email);

// The user when the email and password match; nullopt otherwise, after the same work.
std::optional<PortalUser> check_password(Ctx& ctx, const std::string& email,
                                         const std::string& password);

// Password guessing is stopped: after 10 failed sign-ins for one email, or 30 from one client
// address, in 15 minutes, no password is checked there until the window has passed (a code
// by email still works). The email is kept hashed in the audit log.
inline constexpr int kFailuresPerEmail = 10, kFailuresPerClient = 30;
bool sign_in_throttled(Ctx& ctx, const std::string& email, const std::string& client);
void note_sign_in_failure(Ctx& ctx, const std::string& email);

struct PortalSession {
  int64_t id = 0;
  PortalUser user;
  std::string csrf;  // the token every state-changing form of this session carries
  bool stale = false;  // last noted more than a minute ago: note_session_use()
};
// A new session for the user: returns the token for the cookie (a new one at each sign-in).
std::string start_session(Ctx& ctx, int64_t user_id);
// The live session of this token at this tenant; nullopt when unknown, ended, idle too long
// or too old. Reads only (pages run in read transactions).
std::optional<PortalSession> find_session(Ctx& ctx, const std::string& token);
// Notes the session's use now (the idle timeout counts from it); in a write transaction.
void note_session_use(Ctx& ctx, int64_t session_id);
void end_session(Ctx& ctx, int64_t session_id);
// Signs the user out everywhere (all its sessions).
void end_all_sessions(Ctx& ctx, int64_t user_id);

namespace detail {
std::string random_token();                        // 256 bits, base64url
std::string token_hash(const std::string& token);  // BLAKE2b, hex
std::string lower_email(std::string s);
// HMAC-SHA256 of `msg` under `key` (at least 32 bytes: the code key), raw bytes.
std::string mac(const std::string& key, const std::string& msg);
std::string base64url(const std::string& bytes);
std::optional<std::string> unbase64url(std::string_view s);  // nullopt: not base64url
}  // namespace detail

}  // namespace remit::app
