#pragma once
// Webhook signatures per Standard Webhooks (https://www.standardwebhooks.com/):
// - A secret is "whsec_" + base64 (standard alphabet, padded) of the key bytes.
// - sign_webhook returns "v1," + base64(HMAC-SHA256(key, "<msg_id>.<timestamp>.<body>")),
//   the value of the webhook-signature header (webhook-id = msg_id, webhook-timestamp =
//   timestamp in Unix seconds). The secret may be given with or without the "whsec_"
//   prefix; one that is not valid base64 (or decodes to nothing) throws
//   invalid("secret", ...).
#include <cstdint>
#include <string>
#include <string_view>

namespace remit::notify {

std::string new_webhook_secret();  // "whsec_" + base64 of 24 random bytes
std::string sign_webhook(std::string_view secret, std::string_view msg_id, int64_t timestamp,
                         std::string_view body);

}  // namespace remit::notify
