#include "http/openapi.h"

#include <cctype>

#include "http/router.h"

namespace remit::http {
namespace {

json::value schema_ref(std::string_view schema) {
  return json::object{{"$ref", "#/components/schemas/" + std::string(schema)}};
}

json::value json_content(json::value schema) {
  return json::object{{"application/json", json::object{{"schema", std::move(schema)}}}};
}

json::value param(std::string_view name, std::string_view in, std::string_view type,
                  std::string_view description, bool required) {
  json::object p{{"name", name}, {"in", in}, {"required", required},
                 {"schema", json::object{{"type", type}}}};
  if (!description.empty()) p["description"] = description;
  return p;
}

json::value list_schema(std::string_view item) {
  return json::object{
      {"type", "object"},
      {"required", json::array{"data", "has_more", "next_cursor"}},
      {"properties",
       json::object{{"data", json::object{{"type", "array"}, {"items", schema_ref(item)}}},
                    {"has_more", json::object{{"type", "boolean"}}},
                    {"next_cursor", json::object{{"type", "integer"}, {"nullable", true},
                                                 {"description", "pass as starting_after"}}}}}};
}

// "POST /v1/invoices/{id}/mark-uncollectible" -> "post_v1_invoices_id_mark_uncollectible"
std::string operation_id(const Route& r) {
  std::string id;
  for (char ch : r.method) id += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (char ch : r.pattern) {
    if (std::isalnum(static_cast<unsigned char>(ch))) id += ch;
    else if (ch == '/' || ch == '-' || ch == '.') id += '_';
  }
  return id;
}

// PATCH bodies and the bodies of cancel, apply-credit and bill runs have no required field.
bool body_required(const Route& r) {
  return r.method == "POST" && r.request != "Cancellation" && r.request != "BillRunRequest" &&
         r.request != "ApplyCredit";
}

json::value operation(const Route& r) {
  json::object op;
  op["operationId"] = operation_id(r);
  op["summary"] = r.summary;
  op["tags"] = json::array{r.pattern.size() > 4 && r.pattern.starts_with("/v1/")
                               ? r.pattern.substr(4, r.pattern.find('/', 4) - 4)
                               : std::string("meta")};
  json::array params;
  for (size_t i = r.pattern.find('{'); i != std::string::npos; i = r.pattern.find('{', i + 1)) {
    std::string name = r.pattern.substr(i + 1, r.pattern.find('}', i) - i - 1);
    params.push_back(param(name, "path", name == "id" ? "integer" : "string", "", true));
  }
  if (r.list) {
    params.push_back(param("limit", "query", "integer", "1..200, default 50", false));
    params.push_back(
        param("starting_after", "query", "integer", "next_cursor of the previous page", false));
  }
  for (auto& q : r.query) params.push_back(param(q.name, "query", q.type, q.description, false));
  if (r.method == "POST" && r.access != Access::Public && r.access != Access::Open)
    params.push_back(param("Idempotency-Key", "header", "string",
                           "replays the saved response on retry; see docs/api.md", false));
  if (!params.empty()) op["parameters"] = std::move(params);
  if (!r.request.empty())
    op["requestBody"] = json::object{{"required", body_required(r)},
                                     {"content", json_content(schema_ref(r.request))}};
  json::object ok{{"description", "success"}};
  if (r.content_type == "application/pdf")
    ok["content"] = json::object{
        {"application/pdf",
         json::object{{"schema", json::object{{"type", "string"}, {"format", "binary"}}}}}};
  else if (!r.response.empty())
    ok["content"] = json_content(r.list ? list_schema(r.response) : schema_ref(r.response));
  json::object responses{{std::to_string(r.status), std::move(ok)}};
  responses["default"] = json::object{{"description", "error"},
                                      {"content", json_content(schema_ref("Error"))}};
  op["responses"] = std::move(responses);
  if (r.access == Access::Public || r.access == Access::Open) op["security"] = json::array{};
  else op["x-remit-role"] = access_name(r.access);
  return op;
}

}  // namespace

json::value build_openapi(const std::vector<Route>& routes) {
  json::object paths;
  for (auto& r : routes) {
    if (!r.api) continue;
    std::string method;
    for (char ch : r.method) method += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    json::value& path = paths[r.pattern];
    if (!path.is_object()) path.emplace_object();
    path.get_object()[method] = operation(r);
  }
  json::object doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = json::object{
      {"title", "Remit API"},
      {"version", "1"},
      {"description",
       "Billing, invoicing and payments. Money is in integer minor units of the tenant's "
       "currency; quantities are decimals with at most 2 places; dates are YYYY-MM-DD. "
       "See docs/api.md for conventions."}};
  doc["servers"] = json::array{json::object{{"url", "/"}}};
  doc["security"] = json::array{json::object{{"bearer", json::array{}}}};
  doc["paths"] = std::move(paths);
  doc["components"] = json::object{
      {"securitySchemes",
       json::object{{"bearer", json::object{{"type", "http"}, {"scheme", "bearer"},
                                            {"description", "a tenant API key rk_..."}}}}},
      {"schemas", openapi_schemas()}};
  return doc;
}

}  // namespace remit::http
