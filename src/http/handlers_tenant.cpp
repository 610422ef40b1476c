// The tenant's own settings and its invoice streams (A1, B6).
#include "app/paper.h"
#include "app/payment_policy.h"
#include "app/tenants.h"
#include "core/error.h"
#include "http/handler_util.h"

namespace remit::http {
namespace {

// The tenant with its policies (the paper fee lives beside the settings the model holds).
json::value tenant_json(app::Ctx& ctx) {
  json::value v = to_json(ctx.tenant);
  v.as_object()["paper_fee"] = app::paper_fee(ctx);
  return v;
}

Response get_tenant(Call& c) { return ok(tenant_json(*c.ctx)); }

Response patch_tenant(Call& c) {
  auto& b = c.body();
  app::TenantPatch p;
  p.name = opt_string(b, "name", 200);
  if (p.name && p.name->find_first_not_of(" \t") == std::string::npos)
    invalid("name", "name must not be empty");
  p.time_zone = opt_string(b, "time_zone", 64);
  if (p.time_zone && !valid_time_zone(*p.time_zone))
    invalid("time_zone", "time_zone must be an IANA time zone such as America/Chicago");
  p.remit_to = opt_string(b, "remit_to", 2000);
  p.email = opt_string(b, "email", 320);
  p.auto_finalize = opt_bool(b, "auto_finalize");
  p.billing_inbox = opt_string(b, "billing_inbox", 254);
  p.billing_inbox_language = opt_enum(b, "billing_inbox_language", {"en", "zh-CN"});
  p.brand_color = opt_string(b, "brand_color", 7);
  auto fee = opt_money(b, "paper_fee", 0, 10000);
  app::update_tenant(*c.ctx, p);
  if (fee) app::set_paper_fee(*c.ctx, *fee);
  return ok(tenant_json(*c.ctx));
}

Response patch_stream(Call& c) {
  auto& b = c.body();
  const std::string& code = c.param("code");
  if (!c.ctx->tenant.stream(code)) not_found("stream " + code);
  app::StreamPatch p;
  p.name = opt_string(b, "name", 200);
  if (auto it = b.find("terms"); it != b.end() && !it->value().is_null()) {
    if (!it->value().is_object()) invalid("terms", "terms must be an object {kind, days}");
    auto& t = it->value().get_object();
    try {
      std::string kind = req_enum(t, "kind", {"net", "eom"});
      auto days = opt_int(t, "days", 0, 365);
      if (kind == "net" && !days) invalid("days", "days is required for net terms");
      domain::Terms terms;
      if (!domain::parse_terms(kind, static_cast<int>(days.value_or(0)), terms))
        invalid("", "invalid terms");
      p.terms = terms;
    } catch (Error& e) {  // name the nested field in full: "terms.days"
      e.field = e.field.empty() ? "terms" : "terms." + e.field;
      throw;
    }
  }
  if (auto d = opt_int(b, "invoice_day", 1, 28)) p.invoice_day = static_cast<int>(*d);
  return ok(to_json(app::update_stream(*c.ctx, code, p)));
}

}  // namespace

namespace {
json::value policy_json(const app::PaymentPolicy& p) {
  return json::object{{"max_digital_amount", p.max_digital_amount},
                      {"max_digital_payments", p.max_digital_payments},
                      {"digital_window_days", p.digital_window_days},
                      {"convenience_fee", p.convenience_fee},
                      {"returned_payment_fee", p.returned_payment_fee},
                      {"micro_deposit_tries", p.micro_deposit_tries},
                      {"micro_deposit_days", p.micro_deposit_days},
                      {"autopay_on", p.autopay_on},
                      {"autopay_retry_days", p.autopay_retry_days},
                      {"receipt_digest_hour", p.receipt_digest_hour},
                      {"refund_run_days", p.refund_run_days},
                      {"require_payment_method", p.require_payment_method}};
}
}  // namespace

void add_tenant_routes(std::vector<Route>& t) {
  t.push_back({.method = "GET", .pattern = "/v1/payment-policy", .access = Access::Read,
               .handler = [](Call& c) { return ok(policy_json(app::load_payment_policy(*c.db, c.tenant_id))); },
               .summary = "The tenant's payment policy: limits, fees, schedules, billing before provisioning",
               .response = "PaymentPolicy"});
  t.push_back({.method = "PATCH", .pattern = "/v1/payment-policy", .access = Access::Admin,
               .handler = [](Call& c) {
                 auto& b = c.body();
                 auto i = [&](std::string_view f) -> std::optional<int> {
                   auto v = opt_int(b, f, -1000000, 1000000);
                   return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
                 };
                 app::PaymentPolicyPatch p;
                 p.max_digital_amount = opt_money(b, "max_digital_amount");
                 p.convenience_fee = opt_money(b, "convenience_fee");
                 p.returned_payment_fee = opt_money(b, "returned_payment_fee");
                 p.max_digital_payments = i("max_digital_payments");
                 p.digital_window_days = i("digital_window_days");
                 p.micro_deposit_tries = i("micro_deposit_tries");
                 p.micro_deposit_days = i("micro_deposit_days");
                 p.receipt_digest_hour = i("receipt_digest_hour");
                 p.autopay_on = opt_string(b, "autopay_on", 20);
                 p.autopay_retry_days = opt_string(b, "autopay_retry_days", 40);
                 p.refund_run_days = opt_string(b, "refund_run_days", 40);
                 p.require_payment_method = opt_bool(b, "require_payment_method");
                 return ok(policy_json(app::update_payment_policy(*c.ctx, p)));
               },
               .summary = "Change the payment policy (each field checked)",
               .request = "PaymentPolicy", .response = "PaymentPolicy"});
  t.push_back({.method = "GET", .pattern = "/v1/tenant", .access = Access::Read,
               .handler = get_tenant, .summary = "The tenant of the API key, with its streams",
               .response = "Tenant"});
  t.push_back({.method = "PATCH", .pattern = "/v1/tenant", .access = Access::Admin,
               .handler = patch_tenant, .summary = "Update the tenant's settings",
               .request = "TenantPatch", .response = "Tenant"});
  t.push_back({.method = "PATCH", .pattern = "/v1/streams/{code}", .access = Access::Admin,
               .handler = patch_stream, .summary = "Update an invoice stream's name, terms or invoice day",
               .request = "StreamPatch", .response = "Stream"});
}

}  // namespace remit::http
