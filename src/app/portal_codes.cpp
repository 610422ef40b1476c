#include "app/portal_codes.h"

#include <fmt/format.h>
#include <sodium.h>

#include "app/outbox.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kInsert =
    "INSERT INTO portal_codes (tenant_id, request_hash, email, user_id, nonce, client, created_at, "
    "expires_at, purpose) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kUser =
    "SELECT u.id, a.number FROM portal_users u JOIN accounts a ON a.tenant_id = u.tenant_id AND "
    "a.id = u.account_id WHERE u.tenant_id = ? AND u.email = ? AND u.removed_at IS NULL";
constexpr const char* kSentToEmail =
    "SELECT COUNT(*) FROM portal_codes WHERE tenant_id = ? AND email = ? AND created_at > ?";
constexpr const char* kSentToClient =
    "SELECT COUNT(*) FROM portal_codes WHERE tenant_id = ? AND client = ? AND created_at > ?";
constexpr const char* kRequest =
    "SELECT c.id, c.user_id, c.nonce, c.expires_at, c.tries, c.used_at, u.account_id, u.email, "
    "u.role FROM portal_codes c LEFT JOIN portal_users u ON u.tenant_id = c.tenant_id AND "
    "u.id = c.user_id AND u.removed_at IS NULL WHERE c.tenant_id = ? AND c.request_hash = ?";

std::string code_of(const std::string& key, int64_t tenant, int64_t id, const std::string& nonce) {
  std::string m = detail::mac(key, fmt::format("{}:{}:{}", tenant, id, nonce));
  auto b = [&](int i) { return uint32_t(static_cast<unsigned char>(m[i])); };
  uint32_t n = (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
  return fmt::format("{:06}", n % 1'000'000);
}
}  // namespace

std::string request_sign_in_code(Ctx& ctx, const std::string& code_key, const std::string& email,
                                 const std::string& client,
                                 const std::optional<std::string>& account_number) {
  if (sodium_init() < 0) throw Error(Code::Internal, "libsodium failed to initialise");
  std::string e = detail::lower_email(email.substr(0, 254));
  std::string since = format_instant(ctx.now - kCodeWindow);
  int64_t to_email = store::one_int(ctx.db, kSentToEmail, ctx.tenant.id, e, since);
  int64_t from_client = store::one_int(ctx.db, kSentToClient, ctx.tenant.id, client, since);
  std::optional<int64_t> user;
  {
    Query q(ctx.db, kUser, ctx.tenant.id, e);
    if (q.next() && (!account_number || q.text(1) == *account_number)) user = q.i64(0);
  }
  std::string token = detail::random_token(), nonce = detail::random_token();
  int64_t id = store::one_int(ctx.db, kInsert, ctx.tenant.id, detail::token_hash(token), e, user,
                              nonce, client, format_instant(ctx.now),
                              format_instant(ctx.now + kCodeLife), account_number ? "reset" : "sign_in");
  if (user && to_email < kCodesPerEmail && from_client < kCodesPerClient) {
    Notices n(ctx);
    n.email("portal_code", id, e);
    n.write();
  }
  audit(ctx, "portal.code_requested", "portal_code", id, "");
  return token;
}

std::optional<PortalUser> check_sign_in_code(Ctx& ctx, const std::string& code_key,
                                             const std::string& request_token,
                                             const std::string& code) {
  if (request_token.empty() || request_token.size() > 100) return std::nullopt;
  Query q(ctx.db, kRequest, ctx.tenant.id, detail::token_hash(request_token));
  if (!q.next()) return std::nullopt;
  int64_t id = q.i64(0);
  bool live = !q.null(1) && q.null(5) && q.i64(4) < kCodeTries && format_instant(ctx.now) < q.text(3);
  std::optional<PortalUser> user;
  if (!q.null(6)) user = PortalUser{q.i64(1), q.i64(6), q.text(7), q.text(8)};
  std::string expected = code_of(code_key, ctx.tenant.id, id, q.text(2));
  while (q.next()) {
  }
  bool right = code.size() == 6 && sodium_memcmp(code.data(), expected.data(), 6) == 0;
  if (!live || !right || !user) {
    store::exec(ctx.db, "UPDATE portal_codes SET tries = tries + 1 WHERE tenant_id = ? AND id = ?",
                ctx.tenant.id, id);
    return std::nullopt;
  }
  store::exec(ctx.db, "UPDATE portal_codes SET used_at = ?, tries = tries + 1 WHERE tenant_id = ? AND id = ?",
              format_instant(ctx.now), ctx.tenant.id, id);
  return user;
}

CodeMail code_mail(Ctx& ctx, const std::string& code_key, int64_t id) {
  Query q(ctx.db,
          "SELECT c.email, c.nonce, u.account_id, c.purpose FROM portal_codes c JOIN portal_users u ON "
          "u.tenant_id = c.tenant_id AND u.id = c.user_id WHERE c.tenant_id = ? AND c.id = ?",
          ctx.tenant.id, id);
  if (!q.next()) not_found("sign-in code");
  return {q.text(0), code_of(code_key, ctx.tenant.id, id, q.text(1)), q.i64(2), q.text(3) == "reset"};
}

}  // namespace remit::app
