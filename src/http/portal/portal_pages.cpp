// The customer portal (issue 10) at /p/<slug>/ of each tenant: sign-in, the home page
// (balance due, open and paid invoices), an invoice and its PDF, sign-out. Server-rendered
// HTML (web/templates/pages/portal_*.mustache) that works without JavaScript.
//
// Every page runs in its own transaction on the tenant the slug names; a session found for
// another tenant is no session. Errors are pages, not JSON: an unknown tenant, invoice or
// account all answer the same 404 page.
#include <fmt/format.h>

#include <algorithm>

#include "app/accounts.h"
#include "app/billing.h"
#include "app/invoices.h"
#include "app/oidc.h"
#include "app/portal_auth.h"
#include "app/portal_codes.h"
#include "http/handler_util.h"
#include "http/portal/portal_visit.h"
#include "notify/email.h"
#include "render/invoice_pdf.h"

namespace remit::http {
namespace portal {
Response sign_in_form(Call& c, Visit& v, int status, std::string_view error, const std::string& email,
                      const std::string& next) {
  FormToken token = form_token(c.req);
  v.page.title = std::string(render::phrase("portal_sign_in", v.page.lang));
  json::array providers;
  for (auto& p : app::list_oidc_providers(v.ctx))
    providers.push_back(json::object{
        {"name", fill_phrase("portal_oidc_sign_in", v.page.lang, {{"provider", p.name}})},
        {"url", base(v) + "/oidc/" + std::to_string(p.id) + "/start" + (next.empty() ? "" : "?next=" + next)}});
  json::object d{{"form_token", token.value}, {"email", email}, {"next", next}, {"has_providers", !providers.empty()},
                 {"providers", providers}};
  if (!error.empty()) d["error"] = error;
  Response r = html(status, render_page(v.page, "portal_sign_in.html", d));
  keep_form_token(r, token);
  return finish(v, r);
}
}  // namespace portal

namespace {
using namespace portal;  // NOLINT: the portal's own helpers

Response sign_in_page(Call& c) {
  store::Tx tx(*c.db, false);
  auto v = visit(c);
  if (!v) return not_found_page(c);
  if (v->session) return redirect(base(*v) + "/");
  auto* next = query_param(c.query, "next");
  return sign_in_form(c, *v, 200, "", "", next ? *next : "");
}

// A form of the signed-out pages (sign-in, code, registration, forgotten password) posted:
// `handle(visit, tx, form)` answers in a write transaction, at a tenant's portal, once the form
// is known to come from this site with the browser's form token (else the sign-in page says
// the form expired).
template <class F>
Response signed_out_post(Call& c, F handle) {
  auto form = parse_form(c.req);
  store::Tx tx(*c.db, true);
  auto v = visit(c);
  if (!v) return not_found_page(c);
  if (!form_posted(c.req, field(form, "form_token")))
    return sign_in_form(c, *v, 403, render::phrase("portal_form_expired", v->page.lang),
                        field(form, "email"), field(form, "next"));
  return handle(*v, tx, form);
}

Response sign_in(Call& c) {
  return signed_out_post(c, [&](Visit& v, store::Tx& tx, const QueryParams& form) {
    std::string email = field(form, "email"), next = field(form, "next");
    if (app::sign_in_throttled(v.ctx, email, c.req.client_ip))
      return sign_in_form(c, v, 429, render::phrase("portal_sign_in_throttled", v.page.lang), email, next);
    auto user = app::check_password(v.ctx, email, field(form, "password"));
    if (!user) {
      app::note_sign_in_failure(v.ctx, email);
      tx.commit();
      return sign_in_form(c, v, 200, render::phrase("portal_sign_in_failed", v.page.lang), email, next);
    }
    std::string token = app::start_session(v.ctx, user->id);
    app::audit(v.ctx, "portal.signed_in", "portal_user", user->id, "password");
    tx.commit();
    Response r = redirect(safe_next(v, next));
    r.headers.emplace_back("Set-Cookie", set_cookie(kSessionCookie, token));
    return r;
  });
}

constexpr const char* kSignInCookie = "__Host-remit_signin";  // the code request's token

Response code_form(Call& c, Visit& v, int status, std::string_view error, const std::string& email,
                   const std::string& next, const std::string& form_token,
                   const char* sent = "portal_code_sent") {
  v.page.title = std::string(render::phrase("portal_sign_in", v.page.lang));
  json::object d{{"form_token", form_token}, {"next", next}, {"email", email},
                 {"sent", fill_phrase(sent, v.page.lang, {{"email", email}})}};
  if (!error.empty()) d["error"] = error;
  return finish(v, html(status, render_page(v.page, "portal_code_entry.html", d)));
}

// A code was asked for (sign-in, registration, forgotten password): the code-entry page, the
// request's token kept in the browser.
Response code_requested(Call& c, Visit& v, store::Tx& tx, const std::string& email, const std::string& next,
                        const std::string& form_token, const std::string& request_token,
                        const char* sent = "portal_code_sent") {
  tx.commit();
  Response r = code_form(c, v, 200, "", email, next, form_token, sent);
  r.headers.emplace_back("Set-Cookie", set_cookie(kSignInCookie, request_token));
  return r;
}

// "Email me a code": the same page whether or not the email has a login.
Response request_code(Call& c) {
  return signed_out_post(c, [&](Visit& v, store::Tx& tx, const QueryParams& form) {
    std::string email = field(form, "email"), next = field(form, "next");
    if (email.empty() || email.size() > 254)
      return sign_in_form(c, v, 400, render::phrase("portal_code_wrong", v.page.lang), email, next);
    return code_requested(c, v, tx, email, next, field(form, "form_token"),
                          app::request_sign_in_code(v.ctx, c.svc.env.code_key(), email, c.req.client_ip));
  });
}

// Registration: the account number and one of its contact addresses; a code is emailed to
// sign in (the same page whatever matched), then a password can be set on the profile.
Response register_page(Call& c) {
  store::Tx tx(*c.db, false);
  auto v = visit(c);
  if (!v) return not_found_page(c);
  FormToken token = form_token(c.req);
  v->page.title = std::string(render::phrase("portal_register", v->page.lang));
  Response r = html(200, render_page(v->page, "portal_register.html", {{"form_token", token.value}}));
  keep_form_token(r, token);
  return finish(*v, r);
}

Response register_post(Call& c) {
  return signed_out_post(c, [&](Visit& v, store::Tx& tx, const QueryParams& form) {
    std::string email = field(form, "email");
    if (email.empty() || email.size() > 254)
      return sign_in_form(c, v, 400, render::phrase("portal_code_wrong", v.page.lang), email, "");
    app::register_portal_user(v.ctx, field(form, "account_number"), email);
    return code_requested(c, v, tx, email, base(v) + "/profile", field(form, "form_token"),
                          app::request_sign_in_code(v.ctx, c.svc.env.code_key(), email, c.req.client_ip));
  });
}

// A forgotten password: the account number and the login's email; a code is emailed (the
// same page whatever matched) that signs in to the profile, to choose a new password.
Response forgot_form(Visit& v, int status, std::string_view error, const std::string& form_token,
                     const std::string& number, const std::string& email) {
  v.page.title = std::string(render::phrase("portal_forgot", v.page.lang));
  json::object d{{"form_token", form_token}, {"account_number", number}, {"email", email}};
  if (!error.empty()) d["error"] = error;
  return finish(v, html(status, render_page(v.page, "portal_forgot.html", d)));
}

Response forgot_page(Call& c) {
  store::Tx tx(*c.db, false);
  auto v = visit(c);
  if (!v) return not_found_page(c);
  FormToken token = form_token(c.req);
  Response r = forgot_form(*v, 200, "", token.value, "", "");
  keep_form_token(r, token);
  return r;
}

Response forgot_post(Call& c) {
  return signed_out_post(c, [&](Visit& v, store::Tx& tx, const QueryParams& form) {
    std::string email = field(form, "email"), number = field(form, "account_number");
    std::string form_token = field(form, "form_token");
    if (email.empty() || email.size() > 254 || number.empty() || number.size() > 40)
      return forgot_form(v, 400, render::phrase("portal_forgot_intro", v.page.lang), form_token, number, email);
    return code_requested(c, v, tx, email, base(v) + "/profile?reset=1#login", form_token,
                          app::request_sign_in_code(v.ctx, c.svc.env.code_key(), email, c.req.client_ip, number),
                          "portal_forgot_sent");
  });
}

// The code as typed: spaces dropped, full-width digits (a Chinese keyboard's) made ASCII.
std::string typed_code(const std::string& typed) {
  std::string out;
  for (size_t i = 0; i < typed.size(); ++i) {
    if (typed.compare(i, 2, "\xEF\xBC") == 0 && i + 2 < typed.size() &&
        static_cast<unsigned char>(typed[i + 2]) >= 0x90 && static_cast<unsigned char>(typed[i + 2]) <= 0x99) {
      out += static_cast<char>('0' + (static_cast<unsigned char>(typed[i + 2]) - 0x90));
      i += 2;
    } else if (typed[i] != ' ') {
      out += typed[i];
    }
  }
  return out;
}

Response verify_code(Call& c) {
  return signed_out_post(c, [&](Visit& v, store::Tx& tx, const QueryParams& form) {
    std::string next = field(form, "next"), email = field(form, "email");
    std::string code = typed_code(field(form, "code"));
    if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos)  // no try spent
      return code_form(c, v, 400, render::phrase("portal_code_format", v.page.lang), email, next,
                       field(form, "form_token"));
    auto user = app::check_sign_in_code(v.ctx, c.svc.env.code_key(), cookie(c.req, kSignInCookie), code);
    if (!user) {
      tx.commit();  // the try is spent
      return code_form(c, v, 200, render::phrase("portal_code_wrong", v.page.lang), email, next,
                       field(form, "form_token"));
    }
    std::string token = app::start_session(v.ctx, user->id);
    app::audit(v.ctx, "portal.signed_in", "portal_user", user->id, "code");
    tx.commit();
    Response r = redirect(safe_next(v, next));
    r.headers.emplace_back("Set-Cookie", set_cookie(kSessionCookie, token));
    r.headers.emplace_back("Set-Cookie", set_cookie(kSignInCookie, ""));
    return r;
  });
}

Response sign_out(Call& c) {
  auto form = parse_form(c.req);
  return signed_in(c, true, [&](Visit& v) {
    if (!same_origin(c.req) || !equal_tokens(field(form, "csrf"), v.session->csrf))
      return redirect(base(v) + "/");
    if (field(form, "everywhere") == "1")
      app::end_all_sessions(v.ctx, v.session->user.id);
    else
      app::end_session(v.ctx, v.session->id);
    Response r = redirect(base(v) + "/sign-in");
    r.headers.emplace_back("Set-Cookie", set_cookie(kSessionCookie, ""));
    return r;
  });
}

json::object invoice_row(Visit& v, const app::Invoice& i) {
  auto money = [&](Minor m) { return render::format_money(m, v.ctx.tenant.currency, v.page.lang); };
  return {{"number", i.number_text()},
          {"url", base(v) + "/invoices/" + std::to_string(i.id)},
          {"issue_date", render::format_date(i.issue_date, v.page.lang)},
          {"due_date", render::format_date(i.due_date, v.page.lang)},
          {"total", money(i.subtotal)},
          {"amount_due", money(i.amount_due)},
          {"status", render::status_badge(i.status, v.page.lang)}};
}

Response home(Call& c) {
  return signed_in(c, false, [&](Visit& v) {
    auto accounts = visible_accounts(v);
    auto money = [&](Minor m) { return render::format_money(m, v.ctx.tenant.currency, v.page.lang); };
    json::array open, paid, children;
    std::vector<std::pair<std::string, json::object>> open_rows, paid_rows;  // by date
    std::string since = format_date(v.ctx.today - date::days{36 * 31});
    Minor own_due = 0, own_credit = 0;
    for (auto& a : accounts) {
      app::Balance b = app::account_balance(v.ctx, a.id);
      Minor due = b.balance_due;
      if (&a == &accounts[0]) {
        own_due = due;
        own_credit = b.credit_balance;
      } else
        children.push_back(json::object{{"name", a.name}, {"number", a.number}, {"balance_due", money(due)}});
      for (const char* status : {"open", "paid"}) {
        app::InvoiceFilter f;
        f.account_id = a.id;
        f.status = status;
        if (std::string_view(status) == "paid") f.issued_from = since;
        for (auto& i : app::list_invoices(v.ctx, f, {.limit = 100}).items) {
          json::object row = invoice_row(v, i);
          row["account_number"] = a.number;
          bool is_open = std::string_view(status) == "open";
          (is_open ? open_rows : paid_rows).emplace_back(is_open ? i.due_date : i.issue_date, std::move(row));
        }
      }
    }
    // Open invoices by due date, the oldest first; paid ones the latest first.
    std::stable_sort(open_rows.begin(), open_rows.end(), [](auto& a, auto& b) { return a.first < b.first; });
    std::stable_sort(paid_rows.begin(), paid_rows.end(), [](auto& a, auto& b) { return a.first > b.first; });
    for (auto& [k, row] : open_rows) open.push_back(std::move(row));
    for (auto& [k, row] : paid_rows) paid.push_back(std::move(row));
    v.page.title = std::string(render::phrase("portal_home", v.page.lang));
    const app::Account& me = accounts[0];
    // The upcoming invoice of each stream (C4): what the next bill run would charge now.
    json::array upcoming;
    for (auto& st : v.ctx.tenant.streams) {
      app::Invoice u = app::upcoming_invoice(v.ctx, me.id, st.code);
      if (u.lines.empty()) continue;
      json::array lines;
      for (auto& l : u.lines)
        lines.push_back(json::object{{"description", l.description},
                                     {"period", render::format_period(l.period_start, l.period_end, v.page.lang)},
                                     {"amount", money(l.amount)}});
      upcoming.push_back(json::object{{"stream", st.name},
                                      {"issue_date", render::format_date(u.issue_date, v.page.lang)},
                                      {"total", money(u.amount_due)},
                                      {"lines", lines}});
    }
    json::object d{{"upcoming", upcoming},
                   {"account_name", me.name},
                   {"account_number", me.number},
                   {"balance_due", money(own_due)},
                   {"open", open},
                   {"paid", paid},
                   {"children", children},
                   {"has_children", !children.empty()},
                   {"has_open", !open.empty()},
                   {"has_paid", !paid.empty()}};
    if (own_credit > 0) d["credit"] = money(own_credit);
    return html(200, render_page(v.page, "portal_home.html", d));
  });
}

Response invoice_page(Call& c) {
  return signed_in(c, false, [&](Visit& v) {
    auto inv = visible_invoice(v, id_param(c));
    if (!inv) return not_found_page(c);
    auto money = [&](Minor m) { return render::format_money(m, v.ctx.tenant.currency, v.page.lang); };
    json::array lines;
    for (auto& l : inv->lines)
      lines.push_back(json::object{{"description", l.description},
                                   {"period", render::format_period(l.period_start, l.period_end, v.page.lang)},
                                   {"amount", money(l.amount)}});
    json::object d = invoice_row(v, *inv);
    d["lines"] = lines;
    d["subtotal"] = money(inv->subtotal);
    if (inv->credit_applied) d["credit_applied"] = money(-inv->credit_applied);
    if (inv->amount_credited) d["credited"] = money(-inv->amount_credited);
    if (inv->amount_paid) d["paid"] = money(-inv->amount_paid);
    d["pdf_url"] = base(v) + "/invoices/" + std::to_string(inv->id) + "/pdf";
    d["remit_to"] = v.ctx.tenant.remit_to;
    v.page.title = fmt::format(fmt::runtime(render::phrase("page_invoice_title", v.page.lang)),
                               fmt::arg("number", inv->number_text()));
    return html(200, render_page(v.page, "portal_invoice.html", d));
  });
}

Response invoice_pdf(Call& c) {
  return signed_in(c, false, [&](Visit& v) {
    auto inv = visible_invoice(v, id_param(c));
    if (!inv) return not_found_page(c);
    Response r = html(200, render::render_invoice_pdf(v.ctx.tenant, app::get_account(v.ctx, inv->account_id), *inv));
    r.content_type = "application/pdf";
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"" + inv->number_text() + ".pdf\"");
    return r;
  });
}

// "/": the portal of the only tenant (the demo of `make run`), else a page saying there is none.
Response root(Call& c) {
  std::vector<std::string> slugs;
  {
    store::Tx tx(*c.db, false);
    store::Query q(*c.db, "SELECT portal_slug FROM tenants ORDER BY id LIMIT 2");
    while (q.next()) slugs.push_back(q.text(0));
  }
  if (slugs.size() == 1) return redirect("/p/" + slugs[0] + "/");
  return not_found_page(c);
}

// A static file of the portal, compiled in: /portal.css, and /portal.js (its one script: the
// Print buttons of the invoice page and the View & Pay page; the pages work without it).
Handler asset(std::string name, std::string type) {
  return [name, type](Call&) {
    Response r;
    r.content_type = type;
    r.body = notify::render_template(name, std::string("{}"));
    r.headers.emplace_back("Cache-Control", "public, max-age=3600");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return r;
  };
}

// The tenant's colour over the stylesheet's (Tenant::brand_color), as a file: the pages' CSP
// allows no inline style. Each colour has its own URL (?v=), so it may be cached for a day.
Response brand_css(Call& c) {
  std::optional<std::string> color;
  {
    store::Tx tx(*c.db, false);
    store::Query q(*c.db, "SELECT brand_color FROM tenants WHERE portal_slug = ?", c.param("slug"));
    if (q.next()) color = q.text(0);
  }
  if (!color) return not_found_page(c);
  Response r;
  r.content_type = "text/css; charset=utf-8";
  std::string brand = app::Tenant{.brand_color = *color}.brand();
  r.body = ":root{--brand:" + brand + "}\n";
  // Only the current colour's URL is cached: a cache warmed with another v would keep serving
  // the old colour once the tenant picks that one.
  auto* v = query_param(c.query, "v");
  bool current = v && *v == brand.substr(1);
  r.headers.emplace_back("Cache-Control", current ? "public, max-age=86400" : "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace

void add_portal_routes(std::vector<Route>& t) {
  auto page = [&](auto&&... a) { t.push_back(page_route(a...)); };
  page("GET", "/", root, "the portal of the only tenant");
  page("GET", "/portal.css", asset("portal.css", "text/css; charset=utf-8"), "the portal's stylesheet", Access::Public);
  page("GET", "/portal.js", asset("portal.js", "text/javascript; charset=utf-8"), "the portal's script (print buttons)",
       Access::Public);
  page("GET", "/p/{slug}", home, "portal home");
  page("GET", "/p/{slug}/brand.css", brand_css, "the tenant's colour");
  page("GET", "/p/{slug}/sign-in", sign_in_page, "portal sign-in");
  page("POST", "/p/{slug}/sign-in", sign_in, "portal sign-in");
  page("POST", "/p/{slug}/sign-in/code", request_code, "portal: email me a sign-in code");
  page("POST", "/p/{slug}/sign-in/code/verify", verify_code, "portal: sign in with the code");
  page("POST", "/p/{slug}/sign-out", sign_out, "portal sign-out");
  page("GET", "/p/{slug}/register", register_page, "portal: register");
  page("POST", "/p/{slug}/register", register_post, "portal: register");
  page("GET", "/p/{slug}/forgot", forgot_page, "portal: forgotten password");
  page("POST", "/p/{slug}/forgot", forgot_post, "portal: forgotten password");
  page("GET", "/p/{slug}/invoices/{id}", invoice_page, "portal invoice");
  page("GET", "/p/{slug}/invoices/{id}/pdf", invoice_pdf, "portal invoice PDF");
}

}  // namespace remit::http
