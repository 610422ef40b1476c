#include "http/router.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/url/parse.hpp>

#include <charconv>
#include <thread>

#include "app/tenants.h"
#include "core/text.h"
#include "http/errors.h"
#include "http/idempotency.h"
#include "http/json_write.h"
#include "http/openapi.h"
#include "http/portal/portal_util.h"

namespace remit::http {
namespace {

constexpr int kAttempts = 3;

std::vector<std::string> split_pattern(std::string_view p) {
  std::vector<std::string> out;
  if (p == "/") return out;  // the root: no segments, as parse_target gives it
  size_t i = 1;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    out.emplace_back(p.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool is_param(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

// "Bearer <token>": the scheme is case-insensitive; "" when absent or another scheme.
std::string bearer_token(std::string_view h) {
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  constexpr std::string_view scheme = "bearer ";
  if (h.size() <= scheme.size()) return {};
  for (size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(h[i])) != scheme[i]) return {};
  h.remove_prefix(scheme.size());
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  while (!h.empty() && h.back() == ' ') h.remove_suffix(1);
  return std::string(h);
}

bool role_allows(const std::string& role, Access need) {
  switch (need) {
    case Access::Public:
    case Access::Read: return role == "admin" || role == "clerk" || role == "read_only";
    case Access::Write: return role == "admin" || role == "clerk";
    case Access::Admin: return role == "admin";
  }
  return false;
}

app::KeyInfo authorize(store::Db& db, const std::string& token, Access need) {
  auto key = app::authenticate_key(db, token);
  if (!key) throw Error(Code::Unauthenticated, "missing or invalid API key");
  if (!role_allows(key->role, need))
    throw Error(Code::PermissionDenied,
                need == Access::Admin ? "this call needs an admin API key"
                                      : fmt::format("the {} role may only read", key->role));
  return *key;
}

std::string actor_of(const app::KeyInfo& k) { return fmt::format("api_key:{}", k.key_id); }

}  // namespace

const char* access_name(Access a) {
  switch (a) {
    case Access::Public: return "public";
    case Access::Open: return "open";
    case Access::Read: return "read";
    case Access::Write: return "write";
    case Access::Admin: return "admin";
  }
  return "?";
}

const json::object& Call::body() {
  if (!body_) body_ = parse_body(req.body);
  return *body_;
}

const std::string& Call::param(std::string_view name) const {
  for (auto& [k, v] : params)
    if (k == name) return v;
  throw Error(Code::Internal, fmt::format("route has no parameter {}", name));
}

int64_t Call::id(std::string_view name) const {
  const std::string& s = param(name);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 1)
    invalid(std::string(name), fmt::format("{} must be a positive integer id", name));
  return v;
}

Response json_reply(int status, const json::value& v) {
  Response r;
  r.status = status;
  r.body = to_text(v);
  return r;
}

Router::Router(Services svc) : svc_(std::move(svc)) {
  add_meta_routes(routes_);
  add_tenant_routes(routes_);
  add_account_routes(routes_);
  add_catalog_routes(routes_);
  add_subscription_routes(routes_);
  add_invoice_routes(routes_);
  add_billing_routes(routes_);
  add_notify_routes(routes_);
  add_view_routes(routes_);
  add_payment_method_routes(routes_);
  add_processor_payment_routes(routes_);
  add_cheque_refund_routes(routes_);
  add_portal_routes(routes_);
  add_portal_pay_routes(routes_);
  add_portal_guest_routes(routes_);
  add_portal_method_routes(routes_);
  add_portal_profile_routes(routes_);
  add_portal_scheduled_routes(routes_);
  add_portal_user_routes(routes_);
  add_portal_oidc_routes(routes_);
  add_portal_settings_routes(routes_);
  add_portal_bank_routes(routes_);
  add_sandbox_form_routes(routes_);
  for (auto& r : routes_) patterns_.push_back(split_pattern(r.pattern));
  openapi_ = to_text(build_openapi(routes_));
}

Router::Match Router::match(std::string_view method,
                            const std::vector<std::string>& segs) const {
  Match m;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const auto& pat = patterns_[i];
    if (pat.size() != segs.size()) continue;
    bool ok = true;
    for (size_t k = 0; k < pat.size() && ok; ++k)
      ok = is_param(pat[k]) ? !segs[k].empty() : pat[k] == segs[k];
    if (!ok) continue;
    if (routes_[i].method != method) {
      m.allowed.push_back(routes_[i].method);
      continue;
    }
    m.route = &routes_[i];
    for (size_t k = 0; k < pat.size(); ++k)
      if (is_param(pat[k])) m.params.emplace_back(pat[k].substr(1, pat[k].size() - 2), segs[k]);
    return m;
  }
  return m;
}

namespace {

struct Target {
  std::vector<std::string> segments;
  QueryParams query;
};

std::optional<Target> parse_target(std::string_view target) {
  auto u = boost::urls::parse_origin_form(target);
  if (!u) return std::nullopt;
  Target t;
  for (auto s : u->segments()) t.segments.push_back(std::string(s));
  if (!t.segments.empty() && t.segments.back().empty()) t.segments.pop_back();  // "/x/" = "/x"
  for (auto p : u->params()) t.query.emplace_back(std::string(p.key), std::string(p.value));
  return t;
}

}  // namespace

bool Router::needs_db(const Request& req) const {
  auto t = parse_target(req.target);
  if (!t) return false;
  auto m = match(req.method, t->segments);
  return m.route && m.route->access != Access::Public;  // Open routes use the database
}

Response Router::handle(const Request& req) const {
  auto t0 = std::chrono::steady_clock::now();
  std::string route = "unmatched";
  bool page = false;
  Response r;
  try {
    r = dispatch(req, route, page);
  } catch (const Error& e) {
    if (e.code == Code::Internal)
      spdlog::error("event=internal_error method={} route={} error=\"{}\"", req.method, route, e.what());
    r = error_response(e);
  } catch (const std::exception& e) {
    spdlog::error("event=internal_error method={} route={} error=\"{}\"", req.method, route, e.what());
    r = error_response(500, "internal", "internal error");
  }
  // A browser asking for a page gets its error as a page, never as the API's JSON.
  if (page && r.status >= 400 && r.content_type.starts_with("application/json"))
    r = portal::error_page(req, r);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  metrics_.record(route, req.method, r.status, secs);
  // The access log names the route pattern, never the target: no ids or query strings.
  spdlog::debug("event=request method={} route={} status={} ms={:.3f} client={}", req.method, route,
                r.status, secs * 1000, req.client_ip);
  return r;
}

Response Router::dispatch(const Request& req, std::string& route_label, bool& page) const {
  std::string_view path(req.target);
  page = path.starts_with("/p/") || path.starts_with("/view/");
  auto target = parse_target(req.target);
  if (!target) invalid("", "malformed request target");
  for (auto& [name, value] : target->query)
    if (!clean_text(name) || !clean_text(value)) invalid(clean_text(name) ? name : "", kUncleanText);
  auto m = match(req.method, target->segments);
  if (m.route) {
    route_label = m.route->pattern;
    page = page || !m.route->api;
  }
  if (!m.route) {
    if (m.allowed.empty()) return error_response(404, "not_found", "no such route");
    Response r = error_response(405, "method_not_allowed",
                                fmt::format("{} is not allowed here", req.method));
    std::string allow;
    for (auto& a : m.allowed) allow += (allow.empty() ? "" : ", ") + a;
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  const Route& route = *m.route;
  Call call{*this, req, svc_, std::move(m.params), std::move(target->query)};
  if (route.access == Access::Public) return route.handler(call);
  if (route.access == Access::Open) {
    call.db = &svc_.db();
    return route.handler(call);
  }

  std::string token = bearer_token(req.authorization);
  if (token.empty()) throw Error(Code::Unauthenticated, "missing or invalid API key");
  if (route.method == "POST" && !req.idempotency_key.empty())
    check_idempotency_key(req.idempotency_key);
  bool keyed = route.method == "POST" && !req.idempotency_key.empty();
  try {
    if (route.own_tx) return run_own_tx(route, call, token);
    for (int attempt = 1;; ++attempt) {
      try {
        return run_in_tx(route, call, token);
      } catch (const Error& e) {
        if (e.code != Code::Retryable || attempt == kAttempts) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
      }
    }
  } catch (const Error& e) {
    // The same key sent twice at once: the later request, refused because the first changed
    // things meanwhile (the invoice is paid now), answers as the first did once it is saved.
    if (!keyed || e.code == Code::Internal) throw;
    if (auto first = saved_answer(req, token)) return *first;
    throw;
  }
}

std::optional<Response> Router::saved_answer(const Request& req, const std::string& token) const {
  store::Db& db = svc_.db();
  store::Tx tx(db, false);
  auto key = app::authenticate_key(db, token);
  if (!key) return std::nullopt;
  auto saved = find_saved_response(db, key->tenant_id, req.idempotency_key);
  if (!saved) return std::nullopt;
  return replay(*saved, request_hash(req));
}

Response Router::run_in_tx(const Route& route, Call& call, const std::string& token) const {
  const Request& req = call.req;
  store::Db& db = svc_.db();
  store::Tx tx(db, route.method != "GET");
  app::KeyInfo key = authorize(db, token, route.access);
  app::Ctx ctx = app::make_ctx(db, svc_.clock, key.tenant_id, actor_of(key), req.client_ip);
  call.db = &db;
  call.ctx = &ctx;
  call.tenant_id = key.tenant_id;
  call.actor = ctx.actor;

  std::string hash;
  if (route.method == "POST" && !req.idempotency_key.empty()) {
    hash = request_hash(req);
    if (auto saved = find_saved_response(db, key.tenant_id, req.idempotency_key))
      return replay(*saved, hash);
  }
  Response r = route.handler(call);
  call.ctx = nullptr;
  // Only finished successes are kept: a rejected request changed nothing, so a corrected retry
  // under the same key must be able to run; a 202 (still processing) is not final, so a retry
  // runs again and reports where the work stands (the use case finds it by the same key).
  if (!hash.empty() && r.status < 400 && r.status != 202) {
    try {
      save_response(db, key.tenant_id, req.idempotency_key, hash, r, ctx.now);
    } catch (const Error& e) {
      // Another request with this key committed first (PostgreSQL lets both run): undo this
      // one and retry, which replays the first one's answer.
      if (e.code == Code::Conflict) throw Error(Code::Retryable, "concurrent idempotent request");
      throw;
    }
  }
  tx.commit();
  return r;
}

Response Router::run_own_tx(const Route& route, Call& call, const std::string& token) const {
  const Request& req = call.req;
  store::Db& db = svc_.db();
  app::KeyInfo key;
  std::string hash;
  {
    store::Tx tx(db, false);
    key = authorize(db, token, route.access);
    if (route.method == "POST" && !req.idempotency_key.empty()) {
      hash = request_hash(req);
      if (auto saved = find_saved_response(db, key.tenant_id, req.idempotency_key))
        return replay(*saved, hash);
    }
    tx.commit();
  }
  call.db = &db;
  call.tenant_id = key.tenant_id;
  call.actor = actor_of(key);
  Response r = route.handler(call);
  if (!hash.empty() && r.status < 400 && r.status != 202) {
    // The use case committed its own work already; these operations are idempotent by
    // themselves, so a crash before this point only costs a repeat of a no-op.
    try {
      store::Tx tx(db, true);
      if (!find_saved_response(db, key.tenant_id, req.idempotency_key)) {
        save_response(db, key.tenant_id, req.idempotency_key, hash, r, svc_.clock.now());
        tx.commit();
      }
    } catch (const std::exception& e) {  // the work is done: report it, not this
      spdlog::warn("{} {}: could not save the idempotent response: {}", req.method, req.target,
                   e.what());
    }
  }
  return r;
}

}  // namespace remit::http
