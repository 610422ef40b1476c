// An owner's invitation to the portal (app/portal_users.h): the link with its token, made
// again from the key at delivery (never stored), in the account's language.
#include <boost/json.hpp>

#include "app/accounts.h"
#include "app/portal_users.h"
#include "notify/email.h"
#include "notify/email_parts.h"
#include "render/i18n.h"

namespace remit::notify::detail {
namespace json = boost::json;

app::OutgoingMail compose_portal_invitation_email(const app::Env& env, app::Ctx& ctx,
                                                  const app::OutboxRec& row) {
  if (!env.code_key) throw Error(Code::Internal, "no key for invitations");
  app::InvitationMail m = app::invitation_mail(ctx, env.code_key(), row.entity_id.value_or(0));
  render::Lang lang = render::lang_of(app::get_account(ctx, m.invitation.account_id).language);
  std::string role(render::phrase("portal_role_" + m.invitation.role, lang));
  std::vector<std::pair<const char*, std::string>> args{
      {"inviter", m.invited_by},
      {"provider", ctx.tenant.name},
      {"account", m.invitation.account_name},
      {"role", role},
      {"date", render::format_date(m.expires_at.substr(0, 10), lang)}};
  json::object d = catalog(lang);
  d["subject"] = fill(render::phrase("mail_invite_subject", lang), args);
  d["intro"] = fill(render::phrase("mail_invite_intro", lang), args);
  d["note"] = fill(render::phrase("mail_invite_note", lang), args);
  d["link"] = env.notify.public_url + "/p/" + app::portal_slug(ctx.db, ctx.tenant.id) + "/invite/" + m.token;
  return finish(env, ctx, row, d, "portal_invitation", {});
}

}  // namespace remit::notify::detail
