// The JSON view of payment methods: the last 4 digits and a masked form only.
#include "domain/instruments.h"
#include "http/json_map.h"
#include "http/json_write.h"

namespace remit::http {

json::value to_json(const app::PaymentMethod& m) {
  json::object o{{"id", m.id},
                 {"account_id", m.account_id},
                 {"kind", m.kind},
                 {"brand", m.brand},
                 {"last4", m.last4},
                 {"display", m.brand + " " + domain::masked(m.last4)},
                 {"status", m.status},
                 {"preferred", m.preferred},
                 {"shared_with_children", m.shared_with_children},
                 {"inherited", m.inherited},
                 {"created_at", m.created_at}};
  if (m.kind == "card") {
    o["exp_month"] = m.exp_month;
    o["exp_year"] = m.exp_year;
  }
  if (m.kind == "bank") {
    o["holder_name"] = m.holder_name;
    o["routing_number"] = m.routing;
    o["account_type"] = m.account_type;
    o["mandate"] = json::object{{"text", m.mandate_text},
                                {"channel", m.mandate_channel},
                                {"address", m.mandate_address},
                                {"accepted_at", m.mandate_at ? json::value(*m.mandate_at) : nullptr}};
    if (m.status == "pending_verification") {
      o["micro_deposit_tries_left"] = m.micro_tries_left;
      o["micro_deposits_expire_at"] = m.micro_expires_at ? json::value(*m.micro_expires_at) : nullptr;
    }
  }
  return o;
}

json::value to_json(const app::ChequeRefund& c) {
  json::array lines;
  for (auto& l : c.address_lines) lines.push_back(json::value(l));
  auto opt = [](const std::optional<std::string>& s) { return s ? json::value(*s) : nullptr; };
  return json::object{{"id", c.id},
                      {"account_id", c.account_id},
                      {"account_number", c.account_number},
                      {"cheque_number", c.cheque_number},
                      {"amount", c.amount},
                      {"payee", c.payee},
                      {"address_lines", lines},
                      {"run_date", c.run_date},
                      {"status", c.status},
                      {"created_at", c.created_at},
                      {"issued_at", opt(c.issued_at)},
                      {"voided_at", opt(c.voided_at)},
                      {"void_reason", c.void_reason}};
}

}  // namespace remit::http
