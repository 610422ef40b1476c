// Scheduled payments in the portal (D9): set a payment of chosen open invoices with a saved
// method for a day on or before their due date; change its day or cancel it until then; see
// what ran. Owners and billing users; viewers see the list.
#include <fmt/format.h>

#include "app/invoices.h"
#include "app/payment_methods.h"
#include "app/scheduled_payments.h"
#include "core/int_list.h"
#include "http/portal/portal_methods.h"

namespace remit::http {
namespace {
using namespace portal;  // NOLINT: the portal's own helpers

std::string path_of(const Visit& v) { return base(v) + "/scheduled"; }

Response scheduled_page(Visit& v, std::string_view error) {
  int64_t account = v.session->user.account_id;
  auto money = [&](Minor m) { return render::format_money(m, v.ctx.tenant.currency, v.page.lang); };
  json::array rows, invoices, methods;
  for (auto& s : app::list_scheduled_payments(v.ctx, account))
    rows.push_back(json::object{{"id", s.id},
                                {"run_on", s.run_on},
                                {"run_on_text", render::format_date(s.run_on, v.page.lang)},
                                {"amount", money(s.amount)},
                                {"status", render::phrase("portal_scheduled_" + s.status, v.page.lang)},
                                {"open", s.status == "scheduled"}});
  app::InvoiceFilter f;
  f.account_id = account;
  f.status = "open";
  for (auto& i : app::list_invoices(v.ctx, f, {.limit = 100}).items)
    invoices.push_back(json::object{{"id", i.id}, {"number", i.number_text()},
                                    {"due_date", render::format_date(i.due_date, v.page.lang)},
                                    {"amount_due", money(i.amount_due)}});
  for (auto& m : app::list_payment_methods(v.ctx, account))
    if (m.status == "active" && !app::expired(m, v.ctx.today))
      methods.push_back(json::object{{"id", m.id}, {"display", method_display(v, m)},
                                     {"preferred", m.preferred}});
  json::object d{{"rows", rows},           {"has_rows", !rows.empty()},
                 {"invoices", invoices},   {"methods", methods},
                 {"can_change", v.session->user.can_pay()},
                 {"can_schedule", v.session->user.can_pay() && !invoices.empty() && !methods.empty()},
                 {"today", format_date(v.ctx.today)}};
  if (!error.empty()) d["error"] = error;
  v.page.title = std::string(render::phrase("portal_scheduled", v.page.lang));
  return html(error.empty() ? 200 : 400, render_page(v.page, "portal_scheduled.html", d));
}

Response scheduled_get(Call& c) {
  return signed_in(c, false, [&](Visit& v) { return scheduled_page(v, ""); });
}

// A change from this page (form_change: CSRF, role, back to the page or its error).
template <class F>
Response change(Call& c, F act) {
  return form_change(c, path_of, act,
                     [&](Visit& v, std::string_view error) { return scheduled_page(v, error); });
}

// The scheduled payment, when it is the user's account's (else the same error as none).
int64_t own(Visit& v, Call& c) {
  int64_t id = id_param(c);
  if (id == 0 || app::get_scheduled_payment(v.ctx, id).account_id != v.session->user.account_id)
    not_found("scheduled payment");
  return id;
}

int64_t form_id(const QueryParams& form, std::string_view name) {
  std::string v = field(form, name);
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
    invalid(std::string(name), "choose one");
  return std::stoll(v);
}

Response schedule(Call& c) {
  return change(c, [&](Visit& v, const QueryParams& form) {
    app::NewScheduledPayment s;
    s.account_id = v.session->user.account_id;
    s.method_id = form_id(form, "method_id");
    for (auto& [k, val] : form) {
      if (k != "invoice") continue;
      if (val.empty() || val.size() > 18 || val.find_first_not_of("0123456789") != std::string::npos)
        invalid("invoice", "not an invoice of this account");  // never skipped quietly
      s.invoice_ids.push_back(std::stoll(val));
    }
    if (s.invoice_ids.empty()) invalid("invoice", "choose the invoices to pay");
    s.run_on = field(form, "run_on");
    app::schedule_payment(v.ctx, s);
  });
}

Response move_day(Call& c) {
  return change(c, [&](Visit& v, const QueryParams& form) {
    app::update_scheduled_payment(v.ctx, own(v, c), {.run_on = field(form, "run_on")});
  });
}

Response cancel(Call& c) {
  return change(c, [&](Visit& v, const QueryParams&) { app::cancel_scheduled_payment(v.ctx, own(v, c)); });
}

}  // namespace

void add_portal_scheduled_routes(std::vector<Route>& t) {
  auto page = [&](auto&&... a) { t.push_back(portal::page_route(a...)); };
  page("GET", "/p/{slug}/scheduled", scheduled_get, "portal: scheduled payments");
  page("POST", "/p/{slug}/scheduled", schedule, "portal: schedule a payment");
  page("POST", "/p/{slug}/scheduled/{id}", move_day, "portal: change a scheduled payment's day");
  page("POST", "/p/{slug}/scheduled/{id}/cancel", cancel, "portal: cancel a scheduled payment");
}

}  // namespace remit::http
