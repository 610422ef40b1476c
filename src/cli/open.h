#pragma once
#include <memory>
#include <string>

#include "store/db.h"

namespace remit::cli {
// Opens the database (creating its folder for a SQLite file) and brings the schema up to date.
std::unique_ptr<store::Db> open_migrated(const std::string& url);
}  // namespace remit::cli
