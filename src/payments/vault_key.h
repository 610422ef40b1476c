#pragma once
// The vault key that seals stored bank account numbers (payments/sandbox_processor.h). It
// lives in a file outside the database (0600, 64 hex digits), so a copy of the database
// alone reveals no account number. Every server of one database must be given the same file.
#include <string>

#include "payments/sandbox_processor.h"

namespace remit::payments {

// Reads the key at `path`, creating the file with a fresh random key when it does not exist.
// InvalidArgument (field vault-key-file) when it exists but is not 64 hex digits.
VaultKey load_or_create_vault_key(const std::string& path);

// The key the portal's one-time sign-in codes are made with, derived from the vault key
// (BLAKE2b keyed by it, over a fixed context), so it too stays outside the database.
std::string derive_code_key(const VaultKey& vault);

}  // namespace remit::payments
