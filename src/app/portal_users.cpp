#include "app/portal_users.h"

#include <fmt/format.h>
#include <sodium.h>

#include "app/accounts.h"
#include "app/outbox.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kLogin =
    "SELECT id, email, role, created_at FROM portal_users WHERE tenant_id = ? AND account_id = ? "
    "AND removed_at IS NULL";
constexpr const char* kInvitation =
    "SELECT i.id, i.account_id, i.email, i.role, i.nonce, i.expires_at, i.accepted_at, "
    "i.revoked_at, a.name, u.email FROM portal_invitations i JOIN accounts a ON a.tenant_id = "
    "i.tenant_id AND a.id = i.account_id JOIN portal_users u ON u.tenant_id = i.tenant_id AND "
    "u.id = i.invited_by WHERE i.tenant_id = ? AND i.id = ?";

void check_role(const std::string& role) {
  if (role != "owner" && role != "billing" && role != "viewer")
    invalid("role", "must be owner, billing or viewer");
}

void owner_only(const PortalUser& by) {
  if (!by.is_owner()) throw Error(Code::PermissionDenied, "only an owner manages the account's logins");
}

std::string token_of(const std::string& key, int64_t tenant, int64_t id, const std::string& nonce) {
  return fmt::format("{}.{}", id, detail::base64url(detail::mac(key, fmt::format("invite:{}:{}:{}", tenant, id, nonce))));
}

// The login `user_id` of the owner's account (NotFound for any other), with its role.
std::string role_of(Ctx& ctx, const PortalUser& by, int64_t user_id) {
  Query q(ctx.db, "SELECT role FROM portal_users WHERE tenant_id = ? AND id = ? AND account_id = ? AND removed_at IS NULL",
          ctx.tenant.id, user_id, by.account_id);
  if (!q.next()) not_found("login");
  return q.text(0);
}

// An owner's change must leave the account another owner.
void keep_an_owner(Ctx& ctx, const PortalUser& by, int64_t user_id) {
  if (role_of(ctx, by, user_id) != "owner") return;
  int64_t owners = store::one_int(ctx.db,
                                  "SELECT COUNT(*) FROM portal_users WHERE tenant_id = ? AND account_id = ? "
                                  "AND role = 'owner' AND removed_at IS NULL",
                                  ctx.tenant.id, by.account_id);
  if (owners <= 1) precondition("the account must keep an owner: make another login an owner first");
}

// The invitation `id` (nullopt: none), live or not.
struct Row {
  Invitation inv;
  std::string nonce, expires_at, invited_by;
  bool live = false;
};
std::optional<Row> invitation_row(Ctx& ctx, int64_t id) {
  Query q(ctx.db, kInvitation, ctx.tenant.id, id);
  if (!q.next()) return std::nullopt;
  Row r{{q.i64(0), q.i64(1), q.text(2), q.text(3), q.text(8)}, q.text(4), q.text(5), q.text(9)};
  r.live = q.null(6) && q.null(7) && format_instant(ctx.now) < r.expires_at;
  return r;
}
}  // namespace

std::vector<AccountLogin> account_logins(Ctx& ctx, int64_t account_id) {
  std::vector<AccountLogin> out;
  Query q(ctx.db, std::string(kLogin) + " ORDER BY id", ctx.tenant.id, account_id);
  while (q.next()) out.push_back({q.i64(0), q.text(1), q.text(2), q.text(3)});
  return out;
}

std::vector<PendingInvitation> pending_invitations(Ctx& ctx, int64_t account_id) {
  std::vector<PendingInvitation> out;
  Query q(ctx.db,
          "SELECT id, email, role, expires_at FROM portal_invitations WHERE tenant_id = ? AND "
          "account_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY id",
          ctx.tenant.id, account_id, format_instant(ctx.now));
  while (q.next()) out.push_back({q.i64(0), q.text(1), q.text(2), q.text(3)});
  return out;
}

int64_t invite_portal_user(Ctx& ctx, const PortalUser& by, const std::string& email,
                           const std::string& role) {
  owner_only(by);
  std::string e = detail::lower_email(email);
  if (e.empty()) invalid("email", "give the address to invite");
  validate_emails({e}, "email");
  check_role(role);
  if (pending_invitations(ctx, by.account_id).size() >= kPendingInvitations)
    precondition(fmt::format("at most {} invitations can wait at once: revoke one first", kPendingInvitations));
  // A new invitation to the same address replaces the one waiting.
  store::exec(ctx.db,
              "UPDATE portal_invitations SET revoked_at = ? WHERE tenant_id = ? AND account_id = ? AND "
              "email = ? AND accepted_at IS NULL AND revoked_at IS NULL",
              format_instant(ctx.now), ctx.tenant.id, by.account_id, e);
  int64_t id = store::one_int(
      ctx.db,
      "INSERT INTO portal_invitations (tenant_id, account_id, email, role, nonce, invited_by, "
      "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      ctx.tenant.id, by.account_id, e, role, detail::random_token(), by.id, format_instant(ctx.now),
      format_instant(ctx.now + kInvitationLife));
  Notices n(ctx);
  n.email("portal_invitation", id, e);
  n.write();
  audit(ctx, "portal.user_invited", "portal_invitation", id, role);
  return id;
}

void revoke_invitation(Ctx& ctx, const PortalUser& by, int64_t invitation_id) {
  owner_only(by);
  int64_t n = store::one_int(
      ctx.db,
      "SELECT COUNT(*) FROM portal_invitations WHERE tenant_id = ? AND id = ? AND account_id = ?",
      ctx.tenant.id, invitation_id, by.account_id);
  if (n == 0) not_found("invitation");
  store::exec(ctx.db,
              "UPDATE portal_invitations SET revoked_at = ? WHERE tenant_id = ? AND id = ? AND "
              "accepted_at IS NULL AND revoked_at IS NULL",
              format_instant(ctx.now), ctx.tenant.id, invitation_id);
  audit(ctx, "portal.invitation_revoked", "portal_invitation", invitation_id, "");
}

void change_role(Ctx& ctx, const PortalUser& by, int64_t user_id, const std::string& role) {
  owner_only(by);
  check_role(role);
  if (role != "owner") keep_an_owner(ctx, by, user_id);
  else role_of(ctx, by, user_id);
  store::exec(ctx.db, "UPDATE portal_users SET role = ? WHERE tenant_id = ? AND id = ?", role,
              ctx.tenant.id, user_id);
  audit(ctx, "portal.role_changed", "portal_user", user_id, role);
}

void remove_portal_user(Ctx& ctx, const PortalUser& by, int64_t user_id) {
  owner_only(by);
  keep_an_owner(ctx, by, user_id);
  store::exec(ctx.db, "UPDATE portal_users SET removed_at = ? WHERE tenant_id = ? AND id = ?",
              format_instant(ctx.now), ctx.tenant.id, user_id);
  end_all_sessions(ctx, user_id);
  audit(ctx, "portal.user_removed", "portal_user", user_id, "");
}

std::optional<Invitation> find_invitation(Ctx& ctx, const std::string& code_key,
                                          const std::string& token) {
  auto dot = token.find('.');
  if (token.size() > 100 || dot == std::string::npos || dot == 0 || dot > 18) return std::nullopt;
  int64_t id = 0;
  for (char ch : token.substr(0, dot)) {
    if (ch < '0' || ch > '9') return std::nullopt;
    id = id * 10 + (ch - '0');
  }
  auto r = invitation_row(ctx, id);
  if (!r) return std::nullopt;
  std::string expected = token_of(code_key, ctx.tenant.id, id, r->nonce);
  bool right = expected.size() == token.size() &&
               sodium_memcmp(expected.data(), token.data(), token.size()) == 0;
  if (!right || !r->live) return std::nullopt;
  return r->inv;
}

PortalUser accept_invitation(Ctx& ctx, const std::string& code_key, const std::string& token,
                             const std::string& password) {
  auto inv = find_invitation(ctx, code_key, token);
  if (!inv) not_found("invitation");
  PortalUser u = add_portal_user(ctx, inv->account_id, inv->email, inv->role, password);
  store::exec(ctx.db, "UPDATE portal_invitations SET accepted_at = ? WHERE tenant_id = ? AND id = ?",
              format_instant(ctx.now), ctx.tenant.id, inv->id);
  audit(ctx, "portal.invitation_accepted", "portal_invitation", inv->id, "");
  return u;
}

InvitationMail invitation_mail(Ctx& ctx, const std::string& code_key, int64_t id) {
  auto r = invitation_row(ctx, id);
  if (!r) not_found("invitation");
  return {r->inv, token_of(code_key, ctx.tenant.id, id, r->nonce), r->invited_by, r->expires_at};
}

}  // namespace remit::app
