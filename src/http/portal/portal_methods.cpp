// Payment methods and AutoPay in the portal (D1, D3, D8, A3): the account's saved methods
// (masked) and those its parent shares with it (usable, not changed here), adding a card
// through the processor's hosted form (verified by the processor when saved), the star (the
// preferred method), removing one, sharing one with the child accounts (a parent's page);
// AutoPay per invoice stream, on (the preferred method) or off. Owners and billing users
// change them; viewers see them. Bank accounts are added and verified in portal_bank.cpp.
#include <fmt/format.h>

#include "app/autopay.h"
#include "app/payment_methods.h"
#include "domain/instruments.h"
#include "http/portal/portal_methods.h"

namespace remit::http {
namespace portal {
std::optional<app::Tokenized> card_of(Call& c, const std::string& token) {
  if (token.empty() || token.size() > 200) return std::nullopt;
  auto t = c.svc.env.processor()->describe(token);
  if (!t.ok || t.kind == "bank") return std::nullopt;
  return t;
}

std::optional<Visit> methods_post(Call& c, const QueryParams& form, Response& answer) {
  auto v = [&] {
    store::Tx tx(*c.db, false);
    return visit(c);
  }();
  if (!v) {
    answer = not_found_page(c);
  } else if (!v->session) {
    answer = redirect(base(*v) + "/sign-in?next=" + methods_path(*v));
  } else if (auto refused = refuse_form(c, *v, form, v->session->user.can_pay())) {
    answer = std::move(*refused);
  } else {
    return v;
  }
  return std::nullopt;
}

std::string method_display(const Visit& v, const app::PaymentMethod& m) {
  if (m.kind != "bank") return m.brand + " " + domain::masked(m.last4);
  std::string s = std::string(render::phrase("portal_bank_account", v.page.lang)) + " " + domain::masked(m.last4);
  if (!m.account_type.empty())
    s += " (" + std::string(render::phrase("portal_bank_" + m.account_type, v.page.lang)) + ")";
  return s;
}
}  // namespace portal

namespace {
using namespace portal;  // NOLINT: the portal's own helpers

// What the page says after a change that went well (?done=...), from a fixed list.
std::string notice_of(Call& c, const Visit& v) {
  auto* done = query_param(c.query, "done");
  if (done && *done == "bank") return std::string(render::phrase("portal_bank_added", v.page.lang));
  if (done && *done == "verified") return std::string(render::phrase("portal_bank_verified", v.page.lang));
  return "";
}

Response methods_page(Call& c, Visit& v, std::string_view error) {
  int64_t account = v.session->user.account_id;
  bool parent = visible_accounts(v).size() > 1;  // sharing is for a parent's children
  json::array methods, streams;
  for (auto& m : app::list_payment_methods(v.ctx, account)) {
    std::string status;
    if (m.status == "pending_verification") status = render::phrase("portal_method_unverified", v.page.lang);
    if (m.status == "verification_failed") status = render::phrase("portal_bank_failed", v.page.lang);
    if (app::expired(m, v.ctx.today)) status = std::string(render::phrase("portal_method_expired", v.page.lang));
    methods.push_back(json::object{{"id", m.id},
                                   {"display", method_display(v, m)},
                                   {"expiry", m.kind == "card" ? fmt::format("{:02}/{}", m.exp_month, m.exp_year) : ""},
                                   {"status", status},
                                   {"active", m.status == "active"},
                                   {"verify", m.status == "pending_verification" && !m.inherited},
                                   {"preferred", m.preferred},
                                   {"own", !m.inherited},
                                   {"can_share", parent && !m.inherited},
                                   {"shared", m.shared_with_children}});
  }
  auto enrolled = app::list_autopay(v.ctx, account);
  for (auto& s : v.ctx.tenant.streams) {
    bool on = std::any_of(enrolled.begin(), enrolled.end(), [&](auto& a) { return a.stream == s.code; });
    streams.push_back(json::object{{"code", s.code}, {"name", s.name}, {"on", on}});
  }
  json::object d{{"methods", methods}, {"has_methods", !methods.empty()}, {"streams", streams},
                 {"can_change", v.session->user.can_pay()},
                 {"card_form", "/sandbox/v1/card-form?return=" + methods_path(v) + "/add&lang=" +
                                   (v.page.lang == render::Lang::ZhCN ? "zh-CN" : "en")}};
  if (!error.empty()) d["error"] = error;
  if (std::string notice = notice_of(c, v); error.empty() && !notice.empty()) d["notice"] = notice;
  v.page.title = std::string(render::phrase("portal_methods", v.page.lang));
  return html(error.empty() ? 200 : 400, render_page(v.page, "portal_methods.html", d));
}

Response methods_get(Call& c) {
  return signed_in(c, false, [&](Visit& v) { return methods_page(c, v, ""); });
}

// A change from this page (form_change: CSRF, role, back to the page or its error).
template <class F>
Response change(Call& c, F act) {
  return form_change(c, methods_path, act,
                     [&](Visit& v, std::string_view error) { return methods_page(c, v, error); });
}

// The method, when it is the user's account's own (else the same error as none).
int64_t own_method(Visit& v, Call& c) {
  int64_t id = id_param(c);
  if (id == 0) not_found("payment method");
  auto m = app::get_payment_method(v.ctx, id);
  if (m.account_id != v.session->user.account_id) not_found("payment method");
  return id;
}

Response star(Call& c) {
  return change(c, [&](Visit& v, const QueryParams&) {
    app::update_payment_method(v.ctx, own_method(v, c), {.preferred = true});
  });
}

Response remove(Call& c) {
  return change(c, [&](Visit& v, const QueryParams&) {
    app::delete_payment_method(v.ctx, own_method(v, c));
  });
}

// Shares an own method with the account's child accounts, or stops sharing it.
Response share(Call& c) {
  return change(c, [&](Visit& v, const QueryParams& form) {
    app::update_payment_method(v.ctx, own_method(v, c), {.shared_with_children = field(form, "on") == "1"});
  });
}

Response autopay(Call& c) {
  return change(c, [&](Visit& v, const QueryParams& form) {
    std::string stream = field(form, "stream");
    if (field(form, "on") == "1")
      app::enroll_autopay(v.ctx, v.session->user.account_id, stream, std::nullopt);
    else
      app::cancel_autopay(v.ctx, v.session->user.account_id, stream);
  });
}

// Back from the hosted form with a card token: a page asking to save it, whose form (with the
// session's CSRF token) saves it. A GET changes nothing: a link carrying someone's token could
// otherwise save a card on the account of whoever follows it.
Response add_card(Call& c) {
  auto* token = query_param(c.query, "token");
  auto card = token ? card_of(c, *token) : std::nullopt;
  return signed_in(c, false, [&](Visit& v) {
    if (!v.session->user.can_pay() || !card) return redirect(methods_path(v));
    v.page.title = std::string(render::phrase("portal_card_save_title", v.page.lang));
    json::object d{{"card", card->brand + " " + domain::masked(card->last4)},
                   {"token", card->token}, {"csrf", v.session->csrf}};
    return finish(v, html(200, render_page(v.page, "portal_card_save.html", d)));
  });
}

// Saves the card (verified by the processor) on the account, outside any transaction.
Response save_card(Call& c) {
  auto form = parse_form(c.req);
  Response answer;
  auto v = methods_post(c, form, answer);
  if (!v) return answer;
  app::Caller caller{c.svc.env, *c.db, v->ctx.tenant.id, v->ctx.actor, c.req.client_ip};
  app::NewPaymentMethod m;
  m.account_id = v->session->user.account_id;
  m.token = field(form, "token");
  std::string error;
  try {
    app::add_payment_method(caller, m);
  } catch (const Error& e) {
    if (!is_refusal(e)) throw;
    if (e.code != Code::Conflict) error = e.what();  // posted twice: saved already
  }
  store::Tx tx(*c.db, false);
  return finish(*v, error.empty() ? redirect(methods_path(*v)) : methods_page(c, *v, error));
}

}  // namespace

void add_portal_method_routes(std::vector<Route>& t) {
  auto page = [&](auto&&... a) { t.push_back(portal::page_route(a...)); };
  page("GET", "/p/{slug}/methods", methods_get, "portal: payment methods and AutoPay");
  page("GET", "/p/{slug}/methods/add", add_card, "portal: the card from the hosted form, to save");
  page("POST", "/p/{slug}/methods/add", save_card, "portal: save the card from the hosted form");
  page("POST", "/p/{slug}/methods/{id}/star", star, "portal: make a method the preferred one");
  page("POST", "/p/{slug}/methods/{id}/delete", remove, "portal: remove a method");
  page("POST", "/p/{slug}/methods/{id}/share", share, "portal: share a method with child accounts, or stop");
  page("POST", "/p/{slug}/autopay", autopay, "portal: AutoPay on or off for a stream");
}

}  // namespace remit::http
