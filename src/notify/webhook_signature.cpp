#include "notify/webhook_signature.h"

#include <sodium.h>

#include <cstring>
#include <vector>

#include "core/error.h"

namespace remit::notify {
namespace {

std::string base64(const unsigned char* bin, size_t len) {
  std::string out(sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bin, len, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

}  // namespace

std::string new_webhook_secret() {
  if (sodium_init() < 0) throw Error(Code::Internal, "libsodium could not be initialised");
  unsigned char key[24];
  randombytes_buf(key, sizeof key);
  std::string s = "whsec_" + base64(key, sizeof key);
  sodium_memzero(key, sizeof key);
  return s;
}

std::string sign_webhook(std::string_view secret, std::string_view msg_id, int64_t timestamp,
                         std::string_view body) {
  if (secret.starts_with("whsec_")) secret.remove_prefix(6);
  std::vector<unsigned char> key(secret.size() + 1);
  size_t key_len = 0;
  if (secret.empty() ||
      sodium_base642bin(key.data(), key.size(), secret.data(), secret.size(), nullptr, &key_len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      key_len == 0)
    invalid("secret", "is not a valid webhook secret (whsec_ followed by base64)");

  std::string ts = std::to_string(timestamp);
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.data(), key_len);
  auto feed = [&](std::string_view s) {
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  };
  feed(msg_id);
  feed(".");
  feed(ts);
  feed(".");
  feed(body);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&st, mac);
  sodium_memzero(key.data(), key.size());
  return "v1," + base64(mac, sizeof mac);
}

}  // namespace remit::notify
