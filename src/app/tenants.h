#pragma once
// Tenants, their policies and streams (A1, B6), API keys (F1) and the test clock (F5).
#include <optional>
#include <string>

#include "app/context.h"

namespace remit::app {

struct Env;  // app/env.h

struct NewTenant {
  std::string name;
  std::string currency = "USD";
  std::string time_zone = "UTC";
  bool test_mode = false;
  bool auto_finalize = true;
  std::string remit_to;
  std::string email;
  std::optional<Instant> clock_start;  // test mode: where the tenant clock starts
  std::vector<Stream> streams;         // empty: one monthly "main" stream, Net 30
};

// Validates and creates the tenant with its streams and counters; returns its id.
int64_t create_tenant(store::Db& db, const Clock& clock, const NewTenant& t);

struct TenantPatch {
  std::optional<std::string> name, time_zone, remit_to, email;
  // The evening payment digest's address ("" unsets it: the digest goes to `email`) and
  // language (en | zh-CN); 400 naming the field when not valid.
  std::optional<std::string> billing_inbox, billing_inbox_language;
  // "#rrggbb" (any case; stored lower case), dark enough for white text on it: a contrast of at
  // least 4.5:1 (WCAG 2.2 AA), else 400 naming brand_color. "" goes back to Remit's colour.
  std::optional<std::string> brand_color;
  std::optional<bool> auto_finalize;
};
Tenant update_tenant(Ctx& ctx, const TenantPatch& p);
// The WCAG contrast ratio of white on "#rrggbb" (1 to 21).
double contrast_with_white(const std::string& hex);

struct StreamPatch {
  std::optional<std::string> name;
  std::optional<domain::Terms> terms;
  std::optional<int> invoice_day;
};
Stream update_stream(Ctx& ctx, const std::string& code, const StreamPatch& p);

// API keys: "rk_<prefix>_<secret>"; only a SHA-256 of the whole key is stored.
// Returns the plaintext key, shown once.
std::string create_api_key(store::Db& db, const Clock& clock, int64_t tenant_id,
                           const std::string& name, const std::string& role = "admin");
struct KeyInfo {
  int64_t key_id = 0;
  int64_t tenant_id = 0;
  std::string role;  // admin | clerk | read_only
};
// nullopt for unknown, malformed or revoked keys (constant-time compare of the hash).
std::optional<KeyInfo> authenticate_key(store::Db& db, std::string_view token);

// Test clock. Moving it forward runs the jobs due on each day passed (bill runs), each in
// its own transactions, so the clock only moves past a day once its jobs are done.
// FailedPrecondition unless the tenant is in test mode. The clock only moves forward, also
// when several advances run at once: an instant it has already passed changes nothing.
// Returns the instant moved to (or the clock's, if that is later).
Instant clock_now(store::Db& db, const Clock& clock, int64_t tenant_id);
// `env`: for the daily jobs' payment steps (app/jobs.h); without it the days only bill.
Instant advance_clock(store::Db& db, const Clock& clock, int64_t tenant_id, Instant to,
                      Env* env = nullptr);

}  // namespace remit::app
