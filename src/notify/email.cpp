#include "notify/email.h"

#include <fmt/args.h>
#include <fmt/format.h>

#include <boost/json.hpp>
#include <kainjow/mustache.hpp>

#include "app/accounts.h"
#include "app/invoices.h"
#include "app/view_links.h"
#include "domain/instruments.h"
#include "notify/email_parts.h"
#include "notify/mime.h"
#include "render/i18n.h"
#include "render/invoice_pdf.h"

namespace remit::notify {
namespace json = boost::json;
namespace mu = kainjow::mustache;

namespace {

struct Template {
  std::string_view name, body;
};
constexpr Template kTemplates[] = {
#include "email_templates.inc"
};

mu::data to_data(const json::value& v) {
  switch (v.kind()) {
    case json::kind::object: {
      mu::data d{mu::data::type::object};
      for (auto& [k, x] : v.get_object()) d.set(std::string(k), to_data(x));
      return d;
    }
    case json::kind::array: {
      mu::data d{mu::data::type::list};
      for (auto& x : v.get_array()) d.push_back(to_data(x));
      return d;
    }
    case json::kind::string: return mu::data{std::string(v.get_string())};
    case json::kind::bool_: return v.get_bool() ? mu::data{mu::data::type::bool_true}
                                                : mu::data{mu::data::type::bool_false};
    case json::kind::null: return mu::data{mu::data::type::bool_false};
    default: return mu::data{json::serialize(v)};
  }
}

std::string host_of(const std::string& url) {
  auto s = url.find("://");
  std::string h = s == std::string::npos ? url : url.substr(s + 3);
  h = h.substr(0, h.find_first_of("/:?#"));
  return h.empty() ? "remit.invalid" : h;
}

}  // namespace

static json::object build_catalog(render::Lang lang) {
  json::object t, l;
  for (auto& p : render::phrases()) t[p.key] = lang == render::Lang::ZhCN ? p.zh : p.en;
  render::for_each_label(lang, [&](std::string_view k, std::string_view v) { l[k] = v; });
  return {{"t", t}, {"l", l}, {"lang", lang == render::Lang::ZhCN ? "zh-CN" : "en"}};
}

std::string render_template(std::string_view name, const json::value& data) {
  for (auto& t : kTemplates)
    if (t.name == name) {
      mu::mustache m{std::string(t.body)};
      if (!name.ends_with(".html")) m.set_custom_escape([](const std::string& s) { return s; });
      std::string out = m.render(to_data(data));
      if (!m.is_valid()) throw Error(Code::Internal, "template " + std::string(name) + ": " + m.error_message());
      return out;
    }
  throw Error(Code::Internal, "no template " + std::string(name));
}

std::string render_template(std::string_view name, const std::string& data_json) {
  return render_template(name, json::parse(data_json));
}

json::object catalog(render::Lang lang) {
  // Built once per language: pages and emails copy it.
  static const json::object en = build_catalog(render::Lang::En), zh = build_catalog(render::Lang::ZhCN);
  return lang == render::Lang::ZhCN ? zh : en;
}

std::string message_id(const app::NotifySettings& s, int64_t tenant_id, int64_t outbox_id) {
  return fmt::format("t{}.o{}@{}", tenant_id, outbox_id, host_of(s.public_url));
}

namespace detail {
std::string fill(std::string_view pattern,
                 const std::vector<std::pair<const char*, std::string>>& args) {
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (auto& [k, v] : args) store.push_back(fmt::arg(k, v));
  return fmt::vformat(pattern, store);
}

app::OutgoingMail finish(const app::Env& env, const app::Ctx& ctx, const app::OutboxRec& row,
                         json::object& d, std::string_view name,
                         std::vector<Attachment> attachments) {
  const app::Tenant& tenant = ctx.tenant;
  d["provider"] = tenant.name;
  d["brand"] = tenant.brand();
  d["remit_to"] = tenant.remit_to;
  d["test_mode"] = tenant.test_mode;
  std::string data = json::serialize(d);
  MailContent m;
  m.from_name = tenant.name;
  m.from_addr = tenant.email.empty() ? env.notify.mail_from : tenant.email;
  m.to = app::split_emails(row.recipients);
  m.subject = std::string(d["subject"].as_string());
  m.text = render_template(std::string(name) + ".txt", data);
  m.html = render_template(std::string(name) + ".html", data);
  m.attachments = std::move(attachments);
  m.message_id = message_id(env.notify, tenant.id, row.id);
  m.date = ctx.now;  // the tenant's business time (its test clock in test mode)
  return app::OutgoingMail{m.from_addr, m.to, m.message_id, build_mime(m)};
}
}  // namespace detail

namespace {
using detail::fill;
using detail::finish;

// A receipt (D11), a failed automatic payment's notice (D8) or a returned payment's (D10).
app::OutgoingMail compose_payment_email(const app::Env& env, app::Ctx& ctx,
                                        const app::OutboxRec& row) {
  const app::Tenant& tenant = ctx.tenant;
  app::Payment p = app::get_payment(ctx, row.entity_id.value_or(0));
  app::Account acct = app::get_account(ctx, p.account_id);
  render::Lang lang = render::lang_of(acct.language);
  auto money = [&](Minor m) { return render::format_money(m, tenant.currency, lang); };
  std::string reason = !p.return_code.empty() ? p.return_code : p.failure_code;
  std::vector<std::pair<const char*, std::string>> args{
      {"amount", money(p.amount + p.fee)}, {"confirmation", p.confirmation}, {"reason", reason}};
  bool automatic = p.channel == "autopay" || p.channel == "scheduled";
  std::string kind = row.topic.substr(std::string_view("payment_").size());
  std::string intro_key = kind == "receipt" ? (automatic ? "mail_receipt_auto_intro" : "mail_receipt_intro")
                                            : "mail_" + row.topic + "_intro";
  json::object d = catalog(lang);
  d["subject"] = fill(render::phrase("mail_" + (kind == "receipt" ? std::string("receipt") : row.topic) + "_subject", lang), args);
  d["intro"] = fill(render::phrase(intro_key, lang), args);
  d["name"] = acct.name;
  d["account_number"] = acct.number;
  std::string numbers;
  std::optional<app::Invoice> first;
  for (auto& a : p.applications) {
    app::Invoice inv = app::get_invoice(ctx, a.invoice_id);
    numbers += (numbers.empty() ? "" : ", ") + inv.number_text();
    if (!first) first = inv;
  }
  if (!numbers.empty()) d["invoices"] = numbers;
  d["amount"] = money(p.amount);
  if (p.fee > 0) {
    d["fee"] = money(p.fee);
    d["total"] = money(p.amount + p.fee);
  }
  d["method"] = p.method_last4.empty() ? p.method : p.method_brand + " " + domain::masked(p.method_last4);
  d["confirmation"] = p.confirmation;
  d["date"] = render::format_date(p.received_date, lang);
  std::vector<Attachment> pdf;
  if (kind == "receipt" && automatic && first)  // a copy of the invoice with automatic payments
    pdf.push_back({first->number_text() + ".pdf", "application/pdf",
                   render::render_invoice_pdf(tenant, acct, *first)});
  return finish(env, ctx, row, d, "payment", std::move(pdf));
}
}  // namespace

app::OutgoingMail compose_email(store::Db& db, const app::Env& env, const app::OutboxRec& row) {
  store::Tx tx(db, false);
  app::Ctx ctx = app::make_ctx(db, env.clock, row.tenant_id, "system");
  if (row.topic == "payment_digest") return detail::compose_digest_email(env, ctx, row);
  if (row.topic == "cheque_refund") return detail::compose_cheque_refund_email(env, ctx, row);
  if (row.topic == "portal_code") return detail::compose_portal_code_email(env, ctx, row);
  if (row.topic == "portal_invitation") return detail::compose_portal_invitation_email(env, ctx, row);
  if (row.topic.starts_with("payment_")) return compose_payment_email(env, ctx, row);
  const app::Tenant& tenant = ctx.tenant;
  std::optional<app::CreditNote> note;
  int64_t invoice_id = row.entity_id.value_or(0);
  if (row.topic == "credit_note") {
    note = app::get_credit_note(ctx, invoice_id);
    invoice_id = note->invoice_id;
  } else if (row.topic != "invoice") {
    throw Error(Code::Internal, "no email for topic " + row.topic);
  }
  app::Invoice inv = app::get_invoice(ctx, invoice_id);
  app::Account acct = app::get_account(ctx, inv.account_id);
  render::Lang lang = render::lang_of(acct.language);
  Instant expires = ctx.now + date::days{app::kViewLinkDays};
  std::string link = env.notify.public_url + "/view/" +
                     app::make_view_token(db, tenant.id, inv.id, expires);
  auto money = [&](Minor m) { return render::format_money(m, tenant.currency, lang); };
  auto day = [&](const std::string& d) { return render::format_date(d, lang); };

  json::object d = catalog(lang);
  std::string number = inv.number_text(), due = day(inv.due_date);
  std::vector<std::pair<const char*, std::string>> args{
      {"number", number}, {"provider", tenant.name}, {"amount", money(inv.amount_due)},
      {"due", due}};
  std::string subject, intro;
  if (note) {
    args.push_back({"note", fmt::format("CN-{:06}", note->number)});
    args[2].second = money(note->amount);
    subject = fill(render::phrase("mail_credit_note_subject", lang), args);
    intro = fill(render::phrase("mail_credit_note_intro", lang), args);
    d["note_number"] = args.back().second;
    d["amount"] = money(note->amount);
    d["reason"] = note->reason;
  } else {
    subject = fill(render::phrase("mail_invoice_subject", lang), args);
    intro = fill(render::phrase(inv.amount_due == 0 && inv.status == "paid"
                                    ? "mail_invoice_paid_intro"
                                    : "mail_invoice_intro",
                                lang),
                 args);
  }
  d["subject"] = subject;
  d["intro"] = intro;
  d["name"] = acct.name;
  d["number"] = number;
  d["issue_date"] = day(inv.issue_date);
  d["due_date"] = due;
  d["amount_due"] = money(inv.amount_due);
  if (inv.cycle_start && inv.cycle_end)
    d["period"] = render::format_period(*inv.cycle_start, *inv.cycle_end, lang);
  d["link"] = link;
  d["link_expires"] = render::format_date(format_date(local_date(expires, tenant.time_zone)), lang);
  std::vector<Attachment> pdf;
  if (!note)
    pdf.push_back({number + ".pdf", "application/pdf", render::render_invoice_pdf(tenant, acct, inv)});
  return finish(env, ctx, row, d, note ? "credit_note" : "invoice", std::move(pdf));
}

}  // namespace remit::notify
