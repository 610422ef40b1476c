#include "app/tenants.h"

#include <fmt/format.h>
#include <sodium.h>

#include <cmath>
#include <regex>

#include "app/accounts.h"
#include "app/billing.h"
#include "app/jobs.h"
#include "app/internal.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kInsertTenant =
    "INSERT INTO tenants (name, currency, time_zone, test_mode, clock_now, auto_finalize, "
    "remit_to, email, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kInsertStream =
    "INSERT INTO streams (tenant_id, code, name, cadence, invoice_day, anchor_date, terms_kind, "
    "terms_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kUpdateTenant =
    "UPDATE tenants SET name = ?, time_zone = ?, remit_to = ?, email = ?, auto_finalize = ?, "
    "billing_inbox = ?, billing_inbox_language = ?, brand_color = ? WHERE id = ?";
constexpr const char* kUpdateStream =
    "UPDATE streams SET name = ?, invoice_day = ?, terms_kind = ?, terms_days = ? "
    "WHERE tenant_id = ? AND code = ?";
constexpr const char* kInsertKey =
    "INSERT INTO api_keys (tenant_id, prefix, secret_hash, name, role, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* kFindKey =
    "SELECT id, tenant_id, secret_hash, role FROM api_keys WHERE prefix = ? AND revoked_at IS NULL";
// Forward only: two advances at once never move the clock back (instants compare as text).
constexpr const char* kSetClock =
    "UPDATE tenants SET clock_now = ? WHERE id = ? AND (clock_now IS NULL OR clock_now < ?)";
constexpr const char* kStreamHasRun =
    "SELECT 1 FROM bill_runs WHERE tenant_id = ? AND stream = ? LIMIT 1";

std::string to_hex(const unsigned char* p, size_t n) {
  std::string s(n * 2 + 1, '\0');
  sodium_bin2hex(s.data(), s.size(), p, n);
  s.pop_back();
  return s;
}

std::string random_hex(size_t bytes) {
  std::vector<unsigned char> b(bytes);
  randombytes_buf(b.data(), b.size());
  return to_hex(b.data(), b.size());
}

std::string sha256_hex(std::string_view s) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  return to_hex(h, sizeof h);
}

void validate_stream(const Stream& s, const std::string& f) {
  static const std::regex code_re("[a-z0-9_-]{1,32}");
  if (!std::regex_match(s.code, code_re)) invalid(f + ".code", "must be 1-32 of a-z 0-9 _ -");
  if (s.schedule.invoice_day < 1 || s.schedule.invoice_day > 28)
    invalid(f + ".invoice_day", "must be 1..28");
}

std::string valid_brand_color(std::string c) {
  static const std::regex hex_re("#[0-9a-fA-F]{6}");
  if (c.empty()) return c;
  if (!std::regex_match(c, hex_re)) invalid("brand_color", "must be a colour like #0b5cad, or \"\"");
  for (char& ch : c) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (double ratio = contrast_with_white(c); ratio < 4.5)
    invalid("brand_color", fmt::format("white text on {} has a contrast of {:.2f}:1; it must be at "
                                       "least 4.5:1, so choose a darker colour", c, ratio));
  return c;
}

}  // namespace

double contrast_with_white(const std::string& hex) {
  double lum = 0;
  const double weight[] = {0.2126, 0.7152, 0.0722};
  for (int i = 0; i < 3; ++i) {
    double v = std::stoi(hex.substr(1 + 2 * i, 2), nullptr, 16) / 255.0;
    v = v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    lum += weight[i] * v;
  }
  return 1.05 / (lum + 0.05);
}

int64_t create_tenant(store::Db& db, const Clock& clock, const NewTenant& t) {
  if (sodium_init() < 0) throw Error(Code::Internal, "libsodium failed to initialise");
  if (t.name.empty() || t.name.size() > 200) invalid("name", "must be 1-200 characters");
  static const std::regex cur_re("[A-Z]{3}");
  if (!std::regex_match(t.currency, cur_re)) invalid("currency", "must be an ISO 4217 code like USD");
  if (!valid_time_zone(t.time_zone)) invalid("time_zone", "unknown IANA time zone");
  if (t.clock_start && !t.test_mode) invalid("clock_start", "only tenants in test mode have a clock");
  Instant now = t.clock_start ? *t.clock_start : clock.now();
  Date today = local_date(now, t.time_zone);
  std::vector<Stream> streams = t.streams;
  if (streams.empty()) {
    Stream s;
    s.code = "main";
    s.name = "Invoices";
    streams.push_back(s);
  }
  for (size_t i = 0; i < streams.size(); ++i) {
    validate_stream(streams[i], "streams[" + std::to_string(i) + "]");
    for (size_t j = 0; j < i; ++j)
      if (streams[j].code == streams[i].code)
        invalid("streams[" + std::to_string(i) + "].code", "duplicate stream code");
  }
  int64_t id = store::one_int(db, kInsertTenant, t.name, t.currency, t.time_zone, t.test_mode,
                              t.test_mode ? std::optional(format_instant(now)) : std::nullopt,
                              t.auto_finalize, t.remit_to, t.email, format_instant(now));
  // Its customer portal is at /p/t<id>/ (a demo or a PATCH may name it otherwise).
  store::exec(db, "UPDATE tenants SET portal_slug = 't' || CAST(id AS TEXT) WHERE id = ?", id);
  for (auto& s : streams) {
    Date anchor = s.schedule.cadence == domain::Cadence::Biweekly && s.schedule.anchor != Date{}
                      ? s.schedule.anchor
                      : today;
    store::exec(db, kInsertStream, id, s.code, s.name.empty() ? s.code : s.name,
                domain::cadence_name(s.schedule.cadence), s.schedule.invoice_day,
                format_date(anchor), s.terms.kind == domain::Terms::EndOfMonth ? "eom" : "net",
                s.terms.days);
  }
  for (const char* c : {"invoice", "credit_note", "ledger_txn", "cheque_number", "ach_trace"})
    store::exec(db, "INSERT INTO counters (tenant_id, name, value) VALUES (?, ?, 0)", id, c);
  store::exec(db, "INSERT INTO counters (tenant_id, name, value) VALUES (?, 'account_number', 100000)",
              id);
  return id;
}

Tenant update_tenant(Ctx& ctx, const TenantPatch& p) {
  Tenant t = ctx.tenant;
  if (p.name) {
    if (p.name->empty() || p.name->size() > 200) invalid("name", "must be 1-200 characters");
    t.name = *p.name;
  }
  if (p.time_zone) {
    if (!valid_time_zone(*p.time_zone)) invalid("time_zone", "unknown IANA time zone");
    t.time_zone = *p.time_zone;
  }
  if (p.remit_to) t.remit_to = *p.remit_to;
  if (p.email) t.email = *p.email;
  if (p.auto_finalize) t.auto_finalize = *p.auto_finalize;
  if (p.billing_inbox) {
    if (!p.billing_inbox->empty()) validate_emails({*p.billing_inbox}, "billing_inbox");
    t.billing_inbox = *p.billing_inbox;
  }
  if (p.billing_inbox_language) {
    if (*p.billing_inbox_language != "en" && *p.billing_inbox_language != "zh-CN")
      invalid("billing_inbox_language", "must be en or zh-CN");
    t.billing_inbox_language = *p.billing_inbox_language;
  }
  if (p.brand_color) t.brand_color = valid_brand_color(*p.brand_color);
  store::exec(ctx.db, kUpdateTenant, t.name, t.time_zone, t.remit_to, t.email, t.auto_finalize,
              t.billing_inbox, t.billing_inbox_language, t.brand_color, t.id);
  audit(ctx, "tenant.updated", "tenant", t.id);
  ctx.tenant = t;
  return t;
}

Stream update_stream(Ctx& ctx, const std::string& code, const StreamPatch& p) {
  const Stream* cur = ctx.tenant.stream(code);
  if (!cur) not_found("stream");
  Stream s = *cur;
  if (p.name) s.name = *p.name;
  if (p.terms) s.terms = *p.terms;
  if (p.invoice_day) {
    if (s.schedule.cadence != domain::Cadence::Monthly)
      invalid("invoice_day", "only monthly streams have an invoice day");
    // Periods are keyed by their start: moving the boundaries after a run would bill
    // part of an invoiced period again, and the last run would stop being a billing date.
    if (*p.invoice_day != s.schedule.invoice_day) {
      Query q(ctx.db, kStreamHasRun, ctx.tenant.id, code);
      if (q.next()) precondition("the invoice day cannot change once the stream has had a bill run");
    }
    s.schedule.invoice_day = *p.invoice_day;
  }
  validate_stream(s, "stream");
  store::exec(ctx.db, kUpdateStream, s.name, s.schedule.invoice_day,
              s.terms.kind == domain::Terms::EndOfMonth ? "eom" : "net", s.terms.days,
              ctx.tenant.id, code);
  audit(ctx, "stream.updated", "stream", std::nullopt, code);
  return s;
}

std::string create_api_key(store::Db& db, const Clock& clock, int64_t tenant_id,
                           const std::string& name, const std::string& role) {
  if (sodium_init() < 0) throw Error(Code::Internal, "libsodium failed to initialise");
  if (role != "admin" && role != "clerk" && role != "read_only")
    invalid("role", "must be admin, clerk or read_only");
  std::string prefix = random_hex(6);
  std::string token = "rk_" + prefix + "_" + random_hex(16);
  store::exec(db, kInsertKey, tenant_id, prefix, sha256_hex(token), name, role,
              format_instant(clock.now()));
  return token;
}

std::optional<KeyInfo> authenticate_key(store::Db& db, std::string_view token) {
  if (token.size() != 3 + 12 + 1 + 32 || !token.starts_with("rk_") || token[15] != '_')
    return std::nullopt;
  Query q(db, kFindKey, token.substr(3, 12));
  if (!q.next()) return std::nullopt;
  std::string want = q.text(2), got = sha256_hex(token);
  if (want.size() != got.size() || sodium_memcmp(want.data(), got.data(), got.size()) != 0)
    return std::nullopt;
  return KeyInfo{q.i64(0), q.i64(1), q.text(3)};
}

Instant clock_now(store::Db& db, const Clock& clock, int64_t tenant_id) {
  store::Tx tx(db, false);
  Ctx ctx = make_ctx(db, clock, tenant_id, "system");
  return ctx.now;
}

Instant advance_clock(store::Db& db, const Clock& clock, int64_t tenant_id, Instant to, Env* env) {
  Date day;
  std::string tz;
  {
    store::Tx tx(db, true);
    Ctx ctx = make_ctx(db, clock, tenant_id, "system");
    if (!ctx.tenant.test_mode) precondition("only tenants in test mode have a movable clock");
    if (to <= ctx.now) return ctx.now;  // already there (another advance may have passed it)
    audit(ctx, "clock.advanced", "tenant", tenant_id, format_instant(to));
    tx.commit();
    day = ctx.today;
    tz = ctx.tenant.time_zone;
  }
  auto set = [&](Instant t) {
    store::Tx tx(db, true);
    store::exec(db, kSetClock, format_instant(t), tenant_id, format_instant(t));
    tx.commit();
  };
  // Each day's jobs run, through the scheduler, before the clock moves past that day.
  for (;;) {
    schedule_days(db, clock, tenant_id);
    finish_days(db, clock, tenant_id, day, "clock", env);
    Instant next = local_midnight(day + date::days{1}, tz);
    if (next > to) break;
    set(next);
    day += date::days{1};
  }
  set(to);
  // A move within the day may pass the hour of its evening digest (app/payment_digest.h).
  schedule_days(db, clock, tenant_id);
  finish_days(db, clock, tenant_id, day, "clock", env);
  return to;
}

}  // namespace remit::app
