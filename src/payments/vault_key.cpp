#include "payments/vault_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace remit::payments {

VaultKey load_or_create_vault_key(const std::string& path) {
  if (sodium_init() < 0) throw Error(Code::Internal, "libsodium failed to initialise");
  VaultKey key{};
  if (!std::filesystem::exists(path)) {
    randombytes_buf(key.data(), key.size());
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, key.data(), key.size());
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd >= 0) {  // else another process created it first: read theirs
      std::string line = std::string(hex) + "\n";
      bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
      ::close(fd);
      if (!written) invalid("vault-key-file", "cannot be written: " + path);
      return key;
    }
  }
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  size_t len = 0;
  if (line.size() != 64 || sodium_hex2bin(key.data(), key.size(), line.data(), line.size(),
                                          nullptr, &len, nullptr) != 0 || len != key.size())
    invalid("vault-key-file", "must hold 64 hex digits (32 bytes): " + path);
  return key;
}

std::string derive_code_key(const VaultKey& vault) {
  static const char context[] = "remit portal sign-in codes v1";
  std::string out(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(context), sizeof context - 1,
                     vault.data(), vault.size());
  return out;
}

}  // namespace remit::payments
