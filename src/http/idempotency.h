#pragma once
// Idempotency-Key on POST (F1). A response is saved under (tenant, key) in the same
// transaction as the change it reports, so either both are committed or neither; a retry
// with the same key and request replays it, the same key with another request is a 409.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/dates.h"
#include "http/message.h"
#include "store/db.h"

namespace remit::http {

struct SavedResponse {
  std::string request_hash;
  int status = 0;
  std::string body;
};

// 400 (field "Idempotency-Key") unless 1..255 printable ASCII characters.
void check_idempotency_key(std::string_view key);
// Hex SHA-256 of method, target (path and query) and body.
std::string request_hash(const Request& req);
std::optional<SavedResponse> find_saved_response(store::Db& db, int64_t tenant_id,
                                                 std::string_view key);
void save_response(store::Db& db, int64_t tenant_id, std::string_view key,
                   std::string_view hash, const Response& r, Instant now);
// The saved response, or a 409 Conflict when `hash` differs from the saved request's.
Response replay(const SavedResponse& saved, std::string_view hash);

}  // namespace remit::http
