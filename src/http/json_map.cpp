#include "http/json_map.h"

#include "domain/instruments.h"

#include "domain/schedule.h"
#include "domain/terms.h"

namespace remit::http {
namespace {

json::value opt(const std::optional<int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}
json::value opt(const std::optional<std::string>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::value terms_json(const domain::Terms& t) {
  json::object o;
  o["kind"] = t.kind == domain::Terms::EndOfMonth ? "eom" : "net";
  o["days"] = t.kind == domain::Terms::Net ? json::value(t.days) : json::value(nullptr);
  o["label"] = domain::terms_label(t);
  return o;
}

}  // namespace

json::value quantity_json(int64_t h) {
  if (h % 100 == 0) return json::value(h / 100);
  return json::value(static_cast<double>(h) / 100.0);
}

json::value to_json(const app::Stream& s) {
  json::object o;
  o["code"] = s.code;
  o["name"] = s.name;
  o["cadence"] = domain::cadence_name(s.schedule.cadence);
  if (s.schedule.cadence == domain::Cadence::Monthly) {
    o["invoice_day"] = s.schedule.invoice_day;
    o["anchor_date"] = nullptr;
  } else {
    o["invoice_day"] = nullptr;
    o["anchor_date"] = format_date(s.schedule.anchor);
  }
  o["terms"] = terms_json(s.terms);
  return o;
}

json::value to_json(const app::Tenant& t) {
  json::object o;
  o["id"] = t.id;
  o["name"] = t.name;
  o["currency"] = t.currency;
  o["time_zone"] = t.time_zone;
  o["test_mode"] = t.test_mode;
  o["auto_finalize"] = t.auto_finalize;
  o["remit_to"] = t.remit_to;
  o["email"] = t.email;
  o["billing_inbox"] = t.billing_inbox;
  o["billing_inbox_language"] = t.billing_inbox_language;
  o["brand_color"] = t.brand();
  json::array streams;
  for (auto& s : t.streams) streams.push_back(to_json(s));
  o["streams"] = std::move(streams);
  return o;
}

json::value to_json(const app::Account& a) {
  json::object o;
  o["id"] = a.id;
  o["number"] = a.number;
  o["name"] = a.name;
  o["last_name"] = a.last_name;
  o["company"] = a.company;
  json::array emails;
  for (auto& e : a.emails) emails.push_back(json::value(e));
  o["emails"] = std::move(emails);
  o["address"] = a.address;
  o["language"] = a.language;
  o["status"] = a.status;
  o["parent_id"] = opt(a.parent_id);
  o["bill_to_parent"] = a.bill_to_parent;
  o["billing_account_id"] = a.billing_account_id;
  o["credit_balance"] = a.credit_balance;
  o["paperless"] = a.paperless;
  o["invoice_terms"] = a.invoice_terms;
  o["created_at"] = a.created_at;
  return o;
}

json::value to_json(const app::Product& p) {
  json::object o;
  o["id"] = p.id;
  o["name"] = p.name;
  o["description"] = p.description;
  return o;
}

json::value to_json(const app::PriceRec& p) {
  json::object o;
  o["id"] = p.id;
  o["product_id"] = p.product_id;
  o["product_name"] = p.product_name;
  o["kind"] = p.kind;
  o["timing"] = p.timing;
  o["interval"] = p.interval.empty() ? json::value(nullptr) : json::value(p.interval);
  o["unit_amount"] = p.unit_amount;
  o["stream"] = p.stream;
  o["active"] = p.active;
  return o;
}

json::value to_json(const app::SubscriptionRec& s) {
  json::object o;
  o["id"] = s.id;
  o["account_id"] = s.account_id;
  o["price_id"] = s.price_id;
  o["stream"] = s.stream;
  o["start_date"] = s.start_date;
  o["end_date"] = opt(s.end_date);
  o["status"] = s.status;
  o["quantity"] = quantity_json(s.quantity);
  json::array phases;
  for (auto& p : s.phases) {
    json::object ph;
    ph["start_date"] = p.start_date;
    ph["end_date"] = opt(p.end_date);
    ph["quantity"] = quantity_json(p.quantity);
    ph["price_id"] = p.price_id;
    phases.push_back(std::move(ph));
  }
  o["phases"] = std::move(phases);
  return o;
}

json::value to_json(const app::WorkEntry& w) {
  json::object o;
  o["id"] = w.id;
  o["account_id"] = w.account_id;
  o["stream"] = w.stream;
  o["date"] = w.date;
  o["who"] = w.who;
  o["hours"] = quantity_json(w.hours);
  o["rate"] = w.rate;
  o["ticket"] = w.ticket;
  o["description"] = w.description;
  o["invoice_id"] = opt(w.invoice_id);
  return o;
}

json::value to_json(const app::Charge& c) {
  json::object o;
  o["id"] = c.id;
  o["account_id"] = c.account_id;
  o["stream"] = c.stream;
  o["date"] = c.date;
  o["description"] = c.description;
  o["quantity"] = quantity_json(c.quantity);
  o["unit_amount"] = c.unit_amount;
  o["invoice_id"] = opt(c.invoice_id);
  return o;
}

json::value to_json(const app::InvoiceLine& l) {
  json::object o;
  o["id"] = l.id;
  o["account_id"] = l.account_id;
  o["kind"] = l.kind;
  o["subscription_id"] = opt(l.subscription_id);
  o["description"] = l.description;
  o["period_start"] = l.period_start;
  o["period_end"] = l.period_end;
  o["quantity"] = quantity_json(l.quantity);
  o["unit_amount"] = l.unit_amount;
  o["amount"] = l.amount;
  return o;
}

json::value to_json(const app::Invoice& i) {
  json::object o;
  o["id"] = i.id;
  o["account_id"] = i.account_id;
  o["stream"] = i.stream;
  o["number"] = i.number ? json::value(i.number_text()) : json::value(nullptr);
  o["status"] = i.status;
  o["cycle_start"] = opt(i.cycle_start);
  o["cycle_end"] = opt(i.cycle_end);
  o["issue_date"] = i.issue_date;
  o["due_date"] = i.due_date;
  o["terms"] = i.terms;
  o["subtotal"] = i.subtotal;
  o["credit_applied"] = i.credit_applied;
  o["amount_paid"] = i.amount_paid;
  o["amount_credited"] = i.amount_credited;
  o["written_off"] = i.written_off;
  o["amount_due"] = i.amount_due;
  o["created_at"] = i.created_at;
  o["finalized_at"] = opt(i.finalized_at);
  json::array lines;
  for (auto& l : i.lines) lines.push_back(to_json(l));
  o["lines"] = std::move(lines);
  return o;
}

json::value to_json(const app::CreditNote& c) {
  json::object o;
  o["id"] = c.id;
  o["number"] = c.number;
  o["invoice_id"] = c.invoice_id;
  o["account_id"] = c.account_id;
  o["amount"] = c.amount;
  o["reason"] = c.reason;
  o["created_at"] = c.created_at;
  return o;
}

json::value to_json(const app::Payment& p) {
  json::object o;
  o["id"] = p.id;
  o["account_id"] = p.account_id;
  o["method"] = p.method;
  o["reference"] = p.reference;
  o["amount"] = p.amount;
  o["received_date"] = p.received_date;
  o["status"] = p.status;
  o["confirmation"] = p.confirmation;
  o["created_at"] = p.created_at;
  o["fee"] = p.fee;
  o["channel"] = p.channel;
  if (!p.method_last4.empty()) {
    o["payment_method"] = json::object{
        {"id", p.method_id ? json::value(*p.method_id) : nullptr},
        {"brand", p.method_brand},
        {"last4", p.method_last4},
        {"display", p.method_brand + " " + domain::masked(p.method_last4)}};
  }
  if (p.group_id) o["split_of"] = *p.group_id;
  if (!p.failure_code.empty()) o["failure_code"] = p.failure_code;
  if (!p.return_code.empty()) o["return_code"] = p.return_code;
  o["refunded"] = p.refunded;
  o["settled_at"] = p.settled_at ? json::value(*p.settled_at) : nullptr;
  o["returned_at"] = p.returned_at ? json::value(*p.returned_at) : nullptr;
  json::array apps;
  for (auto& a : p.applications) {
    json::object ao;
    ao["invoice_id"] = a.invoice_id;
    ao["amount"] = a.amount;
    apps.push_back(std::move(ao));
  }
  o["applications"] = std::move(apps);
  o["unapplied"] = p.unapplied;
  o["reversed_at"] = opt(p.reversed_at);
  return o;
}

json::value to_json(const app::UsageRecord& u) {
  json::object o;
  o["id"] = u.id;
  o["account_id"] = u.account_id;
  o["subscription_id"] = u.subscription_id;
  o["date"] = u.date;
  o["quantity"] = quantity_json(u.quantity);
  o["invoice_id"] = u.invoice_id ? json::value(*u.invoice_id) : json::value(nullptr);
  o["created_at"] = u.created_at;
  return o;
}

json::value to_json(const app::Balance& b) {
  json::object o;
  o["balance_due"] = b.balance_due;
  o["credit_balance"] = b.credit_balance;
  o["open_invoices"] = b.open_invoices;
  o["past_due"] = b.past_due;
  return o;
}

json::value to_json(const app::BillRun& r) {
  json::object o;
  o["id"] = r.id;
  o["stream"] = r.stream;
  o["cycle_end"] = r.cycle_end;
  o["status"] = r.status;
  o["invoices"] = r.invoices;
  o["started_at"] = r.started_at;
  o["finished_at"] = opt(r.finished_at);
  return o;
}

json::value to_json(const app::BillRunResult& r) {
  json::object o;
  o["run_id"] = r.run_id;
  o["stream"] = r.stream;
  o["cycle_end"] = format_date(r.cycle_end);
  o["invoices"] = r.invoices;
  o["was_done"] = r.was_done;
  return o;
}

json::value to_json(const app::AuditEntry& e) {
  json::object o;
  o["id"] = e.id;
  o["at"] = e.at;
  o["actor"] = e.actor;
  o["source"] = e.source;
  o["action"] = e.action;
  o["entity"] = e.entity;
  o["entity_id"] = opt(e.entity_id);
  o["detail"] = e.detail;
  return o;
}

json::value to_json(const app::LedgerEntry& e) {
  json::object o;
  o["id"] = e.id;
  o["txn_id"] = e.txn_id;
  o["date"] = e.date;
  o["book"] = e.book;
  o["account_id"] = opt(e.account_id);
  o["invoice_id"] = opt(e.invoice_id);
  o["payment_id"] = opt(e.payment_id);
  o["amount"] = e.amount;
  return o;
}

}  // namespace remit::http
