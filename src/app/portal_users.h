#pragma once
// An account's portal logins, managed by its owners (A4): invite an email with a role, change
// a login's role, remove a login (its sessions end), revoke an invitation. The account always
// keeps an owner.
//
// An invitation is emailed as a link (topic portal_invitation) that works once, for 7 days:
// the link's token is "<id>.<HMAC(code key, tenant:id:nonce)>", made again when the email is
// written and checked on use, so the database never holds it. Accepting makes the login
// (with a password, or none: it signs in by emailed code) and signs it in.
//
// Inviting says nothing about the address: an email that already has a login at this tenant
// (perhaps on another customer's account) is invited alike; only the invitee, following the
// link, learns it must sign in instead.
#include <optional>
#include <string>
#include <vector>

#include "app/portal_auth.h"

namespace remit::app {

inline constexpr auto kInvitationLife = std::chrono::days(7);
inline constexpr int kPendingInvitations = 20;  // per account

struct AccountLogin {
  int64_t id = 0;
  std::string email, role, created_at;
};
struct PendingInvitation {
  int64_t id = 0;
  std::string email, role, expires_at;
};

// The account's logins and its invitations not yet accepted, revoked or expired.
std::vector<AccountLogin> account_logins(Ctx& ctx, int64_t account_id);
std::vector<PendingInvitation> pending_invitations(Ctx& ctx, int64_t account_id);

// By an owner, for the owner's own account. Each refuses (Forbidden) a user who is not an
// owner, and (NotFound) a login or invitation of another account.
int64_t invite_portal_user(Ctx& ctx, const PortalUser& by, const std::string& email,
                           const std::string& role);
void revoke_invitation(Ctx& ctx, const PortalUser& by, int64_t invitation_id);
void change_role(Ctx& ctx, const PortalUser& by, int64_t user_id, const std::string& role);
void remove_portal_user(Ctx& ctx, const PortalUser& by, int64_t user_id);

// A live invitation (its token right, not accepted, revoked or expired).
struct Invitation {
  int64_t id = 0, account_id = 0;
  std::string email, role, account_name;
};
std::optional<Invitation> find_invitation(Ctx& ctx, const std::string& code_key,
                                          const std::string& token);
// Makes the invited login (Conflict when the email has a login here already) and uses the
// invitation; the caller starts its session.
PortalUser accept_invitation(Ctx& ctx, const std::string& code_key, const std::string& token,
                             const std::string& password);

// For the email: the invitation, its link's token and who sent it.
struct InvitationMail {
  Invitation invitation;
  std::string token, invited_by, expires_at;
};
InvitationMail invitation_mail(Ctx& ctx, const std::string& code_key, int64_t id);

}  // namespace remit::app
