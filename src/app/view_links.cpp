#include "app/view_links.h"

#include <fmt/format.h>
#include <sodium.h>

#include <charconv>

#include "app/accounts.h"
#include "app/invoices.h"
#include "app/outbox.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kSecret = "SELECT link_secret FROM tenants WHERE id = ?";
constexpr const char* kSetSecret =
    "UPDATE tenants SET link_secret = ? WHERE id = ? AND link_secret = ''";

std::string tenant_key(store::Db& db, int64_t tenant_id) {
  Query q(db, kSecret, tenant_id);
  return q.next() ? q.text(0) : "";
}

std::string mac(const std::string& key, std::string_view msg) {
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
  crypto_auth_hmacsha256_final(&st, out);
  char b64[sodium_base64_ENCODED_LEN(sizeof out, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, out, sizeof out, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return b64;
}

bool parse_i64(std::string_view s, int64_t& v) {
  if (s.empty() || s.size() > 19) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() && v >= 0;
}
}  // namespace

void ensure_view_key(store::Db& db, int64_t tenant_id) {
  {
    store::Tx look(db, false);
    if (!tenant_key(db, tenant_id).empty()) return;
  }
  if (sodium_init() < 0) throw Error(Code::Internal, "libsodium failed to initialise");
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  store::Tx tx(db, true);
  store::exec(db, kSetSecret, std::string(hex), tenant_id);  // unless a concurrent writer did
  tx.commit();
}

std::string make_view_token(store::Db& db, int64_t tenant_id, int64_t invoice_id,
                            Instant expires) {
  std::string key = tenant_key(db, tenant_id);
  if (key.empty()) throw Error(Code::Internal, "the tenant has no link key yet");
  std::string body = fmt::format("v1.{}.{}.{}", tenant_id, invoice_id,
                                 expires.time_since_epoch().count());
  return body + "." + mac(key, body);
}

std::optional<ViewTarget> verify_view_token(store::Db& db, const Clock& clock,
                                            std::string_view token) {
  if (token.size() > 200 || !token.starts_with("v1.")) return std::nullopt;
  size_t dots[4], n = 0;
  for (size_t i = 0; i < token.size() && n < 4; ++i)
    if (token[i] == '.') dots[n++] = i;
  if (n != 4) return std::nullopt;
  int64_t tenant, invoice, expiry;
  if (!parse_i64(token.substr(dots[0] + 1, dots[1] - dots[0] - 1), tenant) ||
      !parse_i64(token.substr(dots[1] + 1, dots[2] - dots[1] - 1), invoice) ||
      !parse_i64(token.substr(dots[2] + 1, dots[3] - dots[2] - 1), expiry))
    return std::nullopt;
  if (sodium_init() < 0) throw Error(Code::Internal, "libsodium failed to initialise");
  std::string key = tenant_key(db, tenant);
  if (key.empty()) return std::nullopt;
  std::string want = mac(key, token.substr(0, dots[3]));
  std::string_view got = token.substr(dots[3] + 1);
  if (got.size() != want.size() || sodium_memcmp(got.data(), want.data(), want.size()) != 0)
    return std::nullopt;
  Ctx ctx = make_ctx(db, clock, tenant, "view_link");
  Instant exp{std::chrono::seconds(expiry)};
  return ViewTarget{tenant, invoice, exp, ctx.now >= exp};
}

bool send_fresh_view_link(Ctx& ctx, int64_t invoice_id) {
  Invoice inv = get_invoice(ctx, invoice_id);
  if (inv.status != "open" || inv.amount_due <= 0) return false;
  std::string to = join_emails(get_account(ctx, inv.account_id).emails);
  if (to.empty()) return false;
  Notices n(ctx);
  n.email("invoice", inv.id, to);
  n.write();
  return true;
}

}  // namespace remit::app
