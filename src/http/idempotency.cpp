#include "http/idempotency.h"

#include <sodium.h>

#include "core/error.h"

namespace remit::http {
namespace {

constexpr const char* kFind =
    "SELECT request_hash, status, body FROM idempotency_keys WHERE tenant_id = ? AND key = ?";
constexpr const char* kSave =
    "INSERT INTO idempotency_keys (tenant_id, key, request_hash, status, body, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)";

}  // namespace

void check_idempotency_key(std::string_view key) {
  bool ok = !key.empty() && key.size() <= 255;
  for (char c : key)
    if (c < 0x21 || c > 0x7e) ok = false;
  if (!ok)
    invalid("Idempotency-Key", "Idempotency-Key must be 1 to 255 printable ASCII characters");
}

std::string request_hash(const Request& req) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  auto add = [&](std::string_view s) {
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(s.data()), s.size());
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>("\n"), 1);
  };
  add(req.method);
  add(req.target);
  add(req.body);
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::optional<SavedResponse> find_saved_response(store::Db& db, int64_t tenant_id,
                                                 std::string_view key) {
  store::Query q(db, kFind, tenant_id, key);
  if (!q.next()) return std::nullopt;
  return SavedResponse{q.text(0), static_cast<int>(q.i64(1)), q.text(2)};
}

void save_response(store::Db& db, int64_t tenant_id, std::string_view key,
                   std::string_view hash, const Response& r, Instant now) {
  store::exec(db, kSave, tenant_id, key, hash, r.status, r.body, format_instant(now));
}

Response replay(const SavedResponse& saved, std::string_view hash) {
  if (saved.request_hash != hash)
    throw Error(Code::Conflict,
                "this Idempotency-Key was already used with a different request",
                "Idempotency-Key");
  Response r;
  r.status = saved.status;
  r.body = saved.body;
  r.headers.emplace_back("Idempotent-Replayed", "true");
  return r;
}

}  // namespace remit::http
