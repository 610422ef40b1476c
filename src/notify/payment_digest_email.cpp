// The evening payment digest (D11) to the tenant's billing inbox, composed at delivery from
// the payments as they are then (app/payment_digest.h).
#include <date/tz.h>

#include <boost/json.hpp>

#include "app/payment_digest.h"
#include "notify/email.h"
#include "notify/email_parts.h"
#include "render/i18n.h"

namespace remit::notify::detail {
namespace json = boost::json;

namespace {
// "Mar 1, 2026 18:00" in the tenant's zone.
std::string local_text(const std::string& instant, const std::string& tz, render::Lang lang) {
  auto t = parse_instant(instant);
  if (!t) return instant;
  date::local_seconds local = tz.empty() || tz == "UTC"
                                  ? date::local_seconds{t->time_since_epoch()}
                                  : date::zoned_seconds{tz, *t}.get_local_time();
  Date day{std::chrono::floor<date::days>(local).time_since_epoch()};
  return render::format_date(format_date(day), lang) + " " + date::format("%H:%M", local);
}

// A phrase of the catalog by key, or `fallback` when there is none (an unknown status).
std::string phrase_or(const std::string& key, render::Lang lang, const std::string& fallback) {
  for (auto& p : render::phrases())
    if (p.key == key) return std::string(lang == render::Lang::ZhCN ? p.zh : p.en);
  return fallback;
}
}  // namespace

app::OutgoingMail compose_digest_email(const app::Env& env, app::Ctx& ctx,
                                       const app::OutboxRec& row) {
  const app::Tenant& tenant = ctx.tenant;
  app::PaymentDigest g = app::load_payment_digest(ctx, row.entity_id.value_or(0));
  render::Lang lang = render::lang_of(tenant.billing_inbox_language);
  auto money = [&](Minor m) { return render::format_money(m, tenant.currency, lang); };
  auto method_name = [&](const std::string& m) { return phrase_or("mail_method_" + m, lang, m); };

  json::object d = catalog(lang);
  d["subject"] = fill(render::phrase("mail_digest_subject", lang),
                      {{"date", render::format_date(g.digest_date, lang)},
                       {"count", std::to_string(g.total.count)},
                       {"total", money(g.total.amount + g.total.fees)}});
  d["intro"] = fill(render::phrase("mail_digest_intro", lang),
                    {{"from", local_text(g.window_start, tenant.time_zone, lang)},
                     {"to", local_text(g.window_end, tenant.time_zone, lang)},
                     {"zone", tenant.time_zone}});
  json::array rows;
  for (auto& l : g.lines)
    rows.push_back(json::object{
        {"time", l.posted_at},
        {"account_number", l.account_number},
        {"payer", l.payer},
        {"amount", money(l.amount)},
        {"fee", l.fee > 0 ? json::value(money(l.fee)) : json::value(nullptr)},
        {"method", l.method_display == l.method ? method_name(l.method) : l.method_display},
        {"confirmation", l.confirmation},
        {"status", phrase_or("mail_status_" + l.status, lang, l.status)}});
  d["rows"] = std::move(rows);
  if (g.payments > static_cast<int64_t>(g.lines.size()))
    d["more"] =
        fill(render::phrase("mail_digest_more", lang),
             {{"count", std::to_string(g.payments - static_cast<int64_t>(g.lines.size()))}});
  auto total_json = [&](const app::DigestTotal& t, const std::string& name) {
    return json::object{{"method", name},
                        {"count", std::to_string(t.count)},
                        {"amount", money(t.amount)},
                        {"fees", money(t.fees)},
                        {"total", money(checked_add(t.amount, t.fees))}};
  };
  json::array totals;
  for (auto& t : g.by_method) totals.push_back(total_json(t, method_name(t.method)));
  d["totals"] = std::move(totals);
  d["total"] = total_json(g.total, std::string(render::phrase("mail_digest_all", lang)));
  d["date"] = render::format_date(g.digest_date, lang);
  return finish(env, ctx, row, d, "payment_digest", {});
}

}  // namespace remit::notify::detail
