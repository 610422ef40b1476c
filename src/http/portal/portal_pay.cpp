// Paying in the portal (D4-D7): GET /p/<slug>/pay chooses the invoices (or an amount) and
// the method: a saved one, or a new card from the processor's hosted form (which comes back
// with ?token=); POST /pay shows the convenience fee and total before anything is charged;
// POST /pay/confirm pays (app::pay, the Idempotency key made with the review page, so a
// second click pays once) and shows the confirmation number. A refusal is shown on the pay
// page and changes nothing. Owners and billing users pay; viewers see a page saying so.
// "Split the payment" pays an amount with the chosen method and the rest with a second saved
// one: the API's parts[] (authorized together, captured only when all are), each part and its
// fee on the review page, each part's confirmation number on the last.
#include <fmt/format.h>

#include <regex>

#include "app/accounts.h"
#include "app/invoices.h"
#include "app/payment_methods.h"
#include "app/processor.h"
#include "app/processor_payments.h"
#include "core/int_list.h"
#include "domain/instruments.h"
#include "http/portal/portal_methods.h"

namespace remit::http {
namespace {
using namespace portal;  // NOLINT: the portal's own helpers

// Who pays: the signed-in user's account, or a guest's (/guest/pay: a new card only, the
// receipt to the guest's address as well).
bool guest_route(const Call& c) { return c.req.target.find("/guest/pay") != std::string::npos; }
int64_t payer(const Visit& v) { return v.guest ? v.guest->account_id : v.session->user.account_id; }
std::string pay_path(const Visit& v) { return base(v) + (v.guest ? "/guest/pay" : "/pay"); }
std::string pay_csrf(const Call& c, const Visit& v) {
  return v.guest ? cookie(c.req, kFormCookie) : v.session->csrf;
}

std::string money(const Visit& v, Minor m) {
  return render::format_money(m, v.ctx.tenant.currency, v.page.lang);
}

// What the customer chose, as the forms carry it.
struct Choice {
  std::vector<int64_t> invoices;
  std::string amount;  // "" or a decimal
  std::string method;  // m:<id> | t:<token>
  bool save = false;
  std::string split_amount;  // "" or a decimal: paid with `method`, the rest with split_method
  std::string split_method;  // "" (no split) or m:<id>
  std::string error;   // shown on the pay page
  bool unreadable = false;  // an invoice field that is not an id
};

Choice read_choice(const QueryParams& form) {
  Choice ch;
  for (auto& [k, val] : form) {
    if (k != "invoice") continue;
    if (val.empty() || val.size() > 18 || val.find_first_not_of("0123456789") != std::string::npos)
      ch.unreadable = true;  // never skipped quietly: the payment would cover less than asked
    else
      ch.invoices.push_back(std::stoll(val));
  }
  ch.amount = field(form, "amount");
  ch.method = field(form, "method");
  ch.save = field(form, "save") == "1";
  ch.split_amount = field(form, "split_amount");
  ch.split_method = field(form, "split_method");
  return ch;
}

// The request for app::quote_payment / app::pay; an unreadable amount or method is an error.
app::PaymentRequest request_of(Call& c, const Visit& v, const Choice& ch, std::string& error) {
  app::PaymentRequest r;
  r.account_id = payer(v);
  r.invoice_ids = ch.invoices;
  r.channel = v.guest ? "guest" : "portal";
  r.at_most_due = true;
  if (v.guest) r.receipt_email = v.guest->email;
  if (!ch.amount.empty()) {
    Minor m = 0;
    // As the pages print amounts ("$1,616.70"): commas only between groups of three digits,
    // never a decimal comma ("1,00" is not read as 100).
    static const std::regex kTyped(R"(\$?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?)");
    std::string typed = ch.amount;
    bool readable = std::regex_match(typed, kTyped);
    std::erase(typed, ',');
    if (typed.starts_with('$')) typed.erase(0, 1);
    if (!readable || !parse_decimal_minor(typed, m) || m <= 0 || m > kMaxAmount)
      error = std::string(render::phrase("portal_pay_bad_amount", v.page.lang));
    else
      r.amount = m;
  }
  if (!v.guest && ch.method.starts_with("m:") && ch.method.size() < 21 &&
      ch.method.find_first_not_of("0123456789", 2) == std::string::npos && ch.method.size() > 2) {
    r.method_id = std::stoll(ch.method.substr(2));
  } else if (ch.method.starts_with("t:") && card_of(c, ch.method.substr(2))) {
    r.token = ch.method.substr(2);
    r.save_method = ch.save;
  } else if (error.empty()) {
    error = std::string(render::phrase("portal_pay_choose_method", v.page.lang));
  }
  if ((ch.unreadable || (ch.invoices.empty() && ch.amount.empty())) && error.empty())
    error = std::string(render::phrase("portal_pay_choose_invoice", v.page.lang));
  return r;
}

// A saved method's id from "m:<id>"; 0 when it is not one.
int64_t saved_id(const std::string& value) {
  if (!value.starts_with("m:") || value.size() < 3 || value.size() > 20 ||
      value.find_first_not_of("0123456789", 2) != std::string::npos)
    return 0;
  return std::stoll(value.substr(2));
}

// "Split the payment": the amount on the chosen method, the rest of the request's total
// (its amount, else app::payment_amount) on the second, as parts[] with the total as the
// amount. An unreadable
// split is an error; a refusal (an invoice no longer open) is thrown as quote_payment would.
// Returns the total when split.
std::optional<Minor> split(app::Caller& caller, const Visit& v, Choice& ch, app::PaymentRequest& r) {
  if (ch.split_method.empty() || !ch.error.empty() || v.guest) return std::nullopt;
  int64_t second = saved_id(ch.split_method);
  Minor first = 0;
  if (second == 0 || (r.method_id && *r.method_id == second)) {
    ch.error = std::string(render::phrase("portal_split_same", v.page.lang));
    return std::nullopt;
  }
  // The review carries the total on as the amount, so a repeated confirmation (an invoice
  // paid by the first) splits the same total and finds the first payment (app::pay).
  Minor total = r.amount ? *r.amount : app::payment_amount(caller, r);
  if (!parse_decimal_minor(ch.split_amount, first) || first <= 0 || first >= total) {
    ch.error = std::string(render::phrase("portal_split_bad_amount", v.page.lang));
    return std::nullopt;
  }
  r.parts = {{r.method_id.value_or(0), first, r.token}, {second, total - first}};
  r.method_id.reset();
  r.token.clear();
  r.save_method = false;  // a new card in a split is used for this payment only
  r.amount = total;
  return total;
}

std::string error_text(const Visit& v, const Error& e) {
  if (e.code == Code::PaymentDeclined)
    return fmt::format(fmt::runtime(render::phrase("portal_pay_declined", v.page.lang)),
                       fmt::arg("reason", e.what()));
  return e.what();
}

// A new card from the hosted form (`?token=`): what the processor says it is.
std::optional<app::Tokenized> new_card(Call& c) {
  auto* token = query_param(c.query, "token");
  return token ? card_of(c, *token) : std::nullopt;
}

Response cannot_pay(Call& c, Visit& v) {
  json::object d{{"message", render::phrase("portal_pay_not_allowed", v.page.lang)}};
  v.page.title = std::string(render::phrase("portal_pay", v.page.lang));
  return html(403, render_page(v.page, "portal_message.html", d));
}

// The pay page: the account's open invoices (chosen ones ticked), its usable methods and any
// new card, and the error of the last try.
Response pay_page(Call& c, Visit& v, const Choice& ch, const std::optional<app::Tokenized>& card) {
  if (!v.guest && !v.session->user.can_pay()) return cannot_pay(c, v);
  json::array invoices, methods;
  app::InvoiceFilter f;
  f.account_id = payer(v);
  f.status = "open";
  auto open = app::list_invoices(v.ctx, f, {.limit = 100}).items;
  std::sort(open.begin(), open.end(), [](auto& a, auto& b) { return a.due_date < b.due_date; });
  for (auto& i : open) {
    bool ticked = ch.invoices.empty() ? ch.amount.empty()
                                      : std::find(ch.invoices.begin(), ch.invoices.end(), i.id) != ch.invoices.end();
    invoices.push_back(json::object{{"id", i.id}, {"number", i.number_text()},
                                    {"due_date", render::format_date(i.due_date, v.page.lang)},
                                    {"amount_due", money(v, i.amount_due)}, {"checked", ticked}});
  }
  std::string chosen = ch.method;
  if (card) {
    if (chosen.empty()) chosen = "t:" + card->token;
    methods.push_back(json::object{
        {"value", "t:" + card->token},
        {"display", fmt::format(fmt::runtime(render::phrase("portal_pay_new_card", v.page.lang)),
                                fmt::arg("card", card->brand + " " + domain::masked(card->last4)))},
        {"new", true}});
  }
  json::array rest{json::object{{"value", ""}, {"display", render::phrase("portal_split_none", v.page.lang)},
                                 {"selected", ch.split_method.empty()}}};
  for (auto& m : v.guest ? std::vector<app::PaymentMethod>{}
                         : app::list_payment_methods(v.ctx, payer(v))) {
    if (m.status != "active" || app::expired(m, v.ctx.today)) continue;
    std::string value = "m:" + std::to_string(m.id);
    if (chosen.empty() && m.preferred) chosen = value;
    methods.push_back(json::object{{"value", value}, {"display", method_display(v, m)}});
    rest.push_back(json::object{{"value", value}, {"display", method_display(v, m)},
                                {"selected", ch.split_method == value}});
  }
  if (chosen.empty() && !methods.empty()) chosen = std::string(methods[0].at("value").as_string());
  for (auto& m : methods) m.as_object()["checked"] = m.at("value").as_string() == chosen;
  std::string here = pay_path(v);
  json::object d{{"invoices", invoices}, {"has_invoices", !invoices.empty()},
                 {"methods", methods}, {"has_methods", !methods.empty()},
                 {"amount", ch.amount}, {"save", ch.save}, {"guest", v.guest.has_value()},
                 {"can_split", !v.guest && rest.size() > 1 && methods.size() > 1},
                 {"split_methods", rest}, {"split_amount", ch.split_amount},
                 {"pay_path", here}, {"pay_csrf", pay_csrf(c, v)},
                 {"card_form", "/sandbox/v1/card-form?return=" + here + "&lang=" +
                                   (v.page.lang == render::Lang::ZhCN ? "zh-CN" : "en")}};
  if (!ch.error.empty()) d["error"] = ch.error;
  v.page.title = std::string(render::phrase("portal_pay", v.page.lang));
  return html(ch.error.empty() ? 200 : 400, render_page(v.page, "portal_pay.html", d));
}

Response pay_get(Call& c) {
  auto card = new_card(c);
  if (guest_route(c)) {
    store::Tx tx(*c.db, false);
    auto v = visit(c);
    if (!v) return not_found_page(c);
    v->guest = guest_of(c, *v);
    if (!v->guest) return redirect(base(*v) + "/guest");
    return finish(*v, pay_page(c, *v, {}, card));
  }
  return signed_in(c, false, [&](Visit& v) { return pay_page(c, v, {}, card); });
}

// The signed-in visit for a POST, its form checked against the session's CSRF token.
struct Posted {
  std::optional<Visit> v;
  std::optional<Response> answer;  // when the visit cannot go on
};
Posted posted(Call& c, const QueryParams& form) {
  store::Tx tx(*c.db, false);
  Posted p{visit(c), std::nullopt};
  if (!p.v) {
    p.answer = not_found_page(c);
  } else if (guest_route(c)) {
    p.v->guest = guest_of(c, *p.v);
    if (!p.v->guest || !form_posted(c.req, field(form, "csrf")))
      p.answer = redirect(base(*p.v) + "/guest");
  } else if (!p.v->session) {
    p.answer = redirect(base(*p.v) + "/sign-in?next=" + base(*p.v) + "/pay");
  } else if (auto refused = refuse_form(c, *p.v, form, true)) {
    p.answer = std::move(refused);
  } else if (!p.v->session->user.can_pay()) {
    p.answer = cannot_pay(c, *p.v);
  }
  return p;
}

// The pay page again, with the error (in a read transaction of its own).
Response again(Call& c, Visit& v, Choice ch) {
  std::optional<app::Tokenized> card;
  if (ch.method.starts_with("t:")) card = card_of(c, ch.method.substr(2));
  store::Tx tx(*c.db, false);
  return finish(v, pay_page(c, v, ch, card));
}

app::Caller caller_of(Call& c, Visit& v) {
  return {c.svc.env, *c.db, v.ctx.tenant.id, v.ctx.actor, c.req.client_ip};
}

Response review(Call& c) {
  auto form = parse_form(c.req);
  auto p = posted(c, form);
  if (p.answer) return *p.answer;
  Visit& v = *p.v;
  Choice ch = read_choice(form);
  auto req = request_of(c, v, ch, ch.error);
  if (!ch.error.empty()) return again(c, v, ch);
  app::Caller caller = caller_of(c, v);
  app::PaymentQuote q;
  std::optional<Minor> total;
  try {
    total = split(caller, v, ch, req);
    if (!ch.error.empty()) return again(c, v, ch);
    q = app::quote_payment(caller, req);
  } catch (const Error& e) {
    if (!is_refusal(e)) throw;
    ch.error = error_text(v, e);
    return again(c, v, ch);
  }
  json::array invoices;
  for (int64_t id : ch.invoices) invoices.push_back(json::object{{"id", id}});
  json::object d{{"amount", money(v, q.amount)}, {"fees", money(v, q.fees)},
                 {"total", money(v, q.total)},   {"has_fee", q.fees > 0},
                 {"invoices", invoices},
                 {"amount_field", total ? minor_to_decimal(*total) : ch.amount},
                 {"method", ch.method},          {"save", ch.save && !total},
                 {"split_amount", total ? ch.split_amount : ""},
                 {"split_method", total ? ch.split_method : ""},
                 {"key", random_token()},        {"pay_path", pay_path(v)},
                 {"pay_csrf", pay_csrf(c, v)}};
  std::string numbers;
  {
    store::Tx tx(*c.db, false);
    json::array parts;  // a split: each part, its method and fee
    for (size_t i = 0; total && i < q.parts.size(); ++i) {
      auto& part = q.parts[i];
      std::string display;
      if (part.method_id) {
        display = method_display(v, app::get_payment_method(v.ctx, part.method_id));
      } else if (auto t = c.svc.env.processor()->describe(part.token); t.ok) {
        display = t.brand + " " + domain::masked(t.last4);
      }
      parts.push_back(json::object{{"display", display}, {"amount", money(v, part.amount)},
                                   {"fee", money(v, q.part_fees.at(i))}});
    }
    d["parts"] = parts;
    d["split"] = total.has_value();
    for (int64_t id : ch.invoices) {
      if (v.guest) {
        try {
          auto i = app::get_invoice(v.ctx, id);
          if (i.account_id == v.guest->account_id) numbers += (numbers.empty() ? "" : ", ") + i.number_text();
        } catch (const Error&) {
        }
        continue;
      }
      auto inv = visible_invoice(v, id);
      if (inv) numbers += (numbers.empty() ? "" : ", ") + inv->number_text();
    }
  }
  d["numbers"] = numbers;
  v.page.title = std::string(render::phrase("portal_pay_review", v.page.lang));
  return finish(v, html(200, render_page(v.page, "portal_pay_review.html", d)));
}

Response confirm(Call& c) {
  auto form = parse_form(c.req);
  auto p = posted(c, form);
  if (p.answer) return *p.answer;
  Visit& v = *p.v;
  Choice ch = read_choice(form);
  auto req = request_of(c, v, ch, ch.error);
  std::string key = field(form, "key");
  if (key.size() != 43) ch.error = std::string(render::phrase("portal_form_expired", v.page.lang));
  if (!ch.error.empty()) return again(c, v, ch);
  req.request_key = "portal-" + key;
  app::Caller caller = caller_of(c, v);
  app::PaymentOutcome o;
  try {
    split(caller, v, ch, req);
    if (!ch.error.empty()) return again(c, v, ch);
    o = app::pay(caller, req);
  } catch (const Error& e) {
    if (!is_refusal(e)) throw;
    ch.error = error_text(v, e);
    return again(c, v, ch);
  }
  json::object d{{"confirmation", o.confirmation},
                 {"amount", money(v, o.amount)},
                 {"fees", money(v, o.fees)},
                 {"total", money(v, o.amount + o.fees)},
                 {"has_fee", o.fees > 0},
                 {"status", render::phrase("portal_pay_status_" + o.status, v.page.lang)}};
  json::array parts;
  for (auto& part : o.parts)
    parts.push_back(json::object{{"display", part.method_brand + " " + domain::masked(part.method_last4)},
                                 {"amount", money(v, part.amount + part.fee)},
                                 {"confirmation", part.confirmation}});
  d["parts"] = parts;
  d["split"] = parts.size() > 1;
  v.page.title = std::string(render::phrase("portal_paid", v.page.lang));
  return finish(v, html(200, render_page(v.page, "portal_paid.html", d)));
}

}  // namespace

void add_portal_pay_routes(std::vector<Route>& t) {
  auto page = [&](auto&&... a) { t.push_back(portal::page_route(a...)); };
  page("GET", "/p/{slug}/pay", pay_get, "portal: pay");
  page("POST", "/p/{slug}/pay", review, "portal: review a payment");
  page("POST", "/p/{slug}/pay/confirm", confirm, "portal: pay");
  page("GET", "/p/{slug}/guest/pay", pay_get, "portal: guest pay");
  page("POST", "/p/{slug}/guest/pay", review, "portal: guest pay, review");
  page("POST", "/p/{slug}/guest/pay/confirm", confirm, "portal: guest pay");
}

}  // namespace remit::http
