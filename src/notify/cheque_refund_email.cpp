// The notice of a cheque refund (D12) to the closed account's contacts: the amount, the
// cheque's number and payee, and the address it is mailed to (app/cheque_refunds.h).
#include <boost/json.hpp>

#include "app/accounts.h"
#include "app/cheque_refunds.h"
#include "notify/email.h"
#include "notify/email_parts.h"
#include "render/i18n.h"

namespace remit::notify::detail {
namespace json = boost::json;

app::OutgoingMail compose_cheque_refund_email(const app::Env& env, app::Ctx& ctx,
                                              const app::OutboxRec& row) {
  app::ChequeRefund c = app::get_cheque_refund(ctx, row.entity_id.value_or(0));
  app::Account acct = app::get_account(ctx, c.account_id);
  render::Lang lang = render::lang_of(acct.language);
  std::string amount = render::format_money(c.amount, ctx.tenant.currency, lang);
  std::vector<std::pair<const char*, std::string>> args{{"amount", amount},
                                                        {"account", acct.number}};
  json::object d = catalog(lang);
  d["subject"] = fill(render::phrase("mail_cheque_refund_subject", lang), args);
  d["intro"] = fill(render::phrase("mail_cheque_refund_intro", lang), args);
  d["name"] = acct.name;
  d["account_number"] = acct.number;
  d["amount"] = amount;
  d["cheque_number"] = std::to_string(c.cheque_number);
  d["payee"] = c.payee;
  json::array lines;
  for (auto& l : c.address_lines) lines.push_back(json::object{{"line", l}});
  d["address"] = std::move(lines);
  d["run_date"] = render::format_date(c.run_date, lang);
  return finish(env, ctx, row, d, "cheque_refund", {});
}

}  // namespace remit::notify::detail
