#pragma once
// The API's JSON view of every model: ids and money as integers (minor units), quantities
// and hours as decimal numbers (hundredths / 100), dates as "YYYY-MM-DD" strings.
#include <boost/json/value.hpp>

#include "app/billing.h"
#include "app/cheque_refunds.h"
#include "app/invoices.h"
#include "app/jobs.h"
#include "app/models.h"
#include "app/outbox.h"
#include "app/paper.h"
#include "app/payment_methods.h"
#include "app/webhooks.h"

namespace remit::http {
namespace json = boost::json;

// 125 -> 1.25, 300 -> 3 (an integer when whole).
json::value quantity_json(int64_t hundredths);

json::value to_json(const app::Stream& s);
json::value to_json(const app::Tenant& t);
json::value to_json(const app::Account& a);
json::value to_json(const app::Product& p);
json::value to_json(const app::PriceRec& p);
json::value to_json(const app::SubscriptionRec& s);
json::value to_json(const app::WorkEntry& w);
json::value to_json(const app::Charge& c);
json::value to_json(const app::UsageRecord& u);
json::value to_json(const app::InvoiceLine& l);
json::value to_json(const app::Invoice& i);  // with lines when loaded
json::value to_json(const app::CreditNote& c);
json::value to_json(const app::Payment& p);
json::value to_json(const app::Balance& b);
json::value to_json(const app::BillRun& r);
json::value to_json(const app::BillRunResult& r);
json::value to_json(const app::AuditEntry& e);
json::value to_json(const app::LedgerEntry& e);
json::value to_json(const app::Job& j);
json::value to_json(const app::EventRec& e);
json::value to_json(const app::OutboxRec& m);
json::value to_json(const app::PaymentMethod& m);
json::value to_json(const app::WebhookEndpoint& w);  // with "secret" only when just created
json::value to_json(const app::PaperStatement& p);
json::value to_json(const app::ChequeRefund& c);

// {"data":[...],"has_more":bool,"next_cursor":id|null}
template <class T>
json::value page_json(const app::Page<T>& page) {
  json::array data;
  data.reserve(page.items.size());
  for (auto& item : page.items) data.push_back(to_json(item));
  json::object o;
  o["data"] = std::move(data);
  o["has_more"] = page.next.has_value();
  o["next_cursor"] = page.next ? json::value(*page.next) : json::value(nullptr);
  return o;
}

}  // namespace remit::http
