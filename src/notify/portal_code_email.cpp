// The portal's sign-in code (app/portal_codes.h), or a forgotten password's: the code, made
// again from the key at delivery (it is never stored), in the account's language.
#include <boost/json.hpp>

#include "app/accounts.h"
#include "app/portal_codes.h"
#include "notify/email.h"
#include "notify/email_parts.h"
#include "render/i18n.h"

namespace remit::notify::detail {
namespace json = boost::json;

app::OutgoingMail compose_portal_code_email(const app::Env& env, app::Ctx& ctx,
                                            const app::OutboxRec& row) {
  if (!env.code_key) throw Error(Code::Internal, "no key for sign-in codes");
  app::CodeMail m = app::code_mail(ctx, env.code_key(), row.entity_id.value_or(0));
  render::Lang lang = render::lang_of(app::get_account(ctx, m.account_id).language);
  std::vector<std::pair<const char*, std::string>> args{{"code", m.code},
                                                        {"provider", ctx.tenant.name}};
  json::object d = catalog(lang);
  d["subject"] = fill(render::phrase(m.reset ? "mail_reset_subject" : "mail_code_subject", lang), args);
  d["intro"] = fill(render::phrase(m.reset ? "mail_reset_intro" : "mail_code_intro", lang), args);
  d["code"] = m.code;
  return finish(env, ctx, row, d, "portal_code", {});
}

}  // namespace remit::notify::detail
