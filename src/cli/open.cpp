#include "cli/open.h"

#include <filesystem>

namespace remit::cli {
std::unique_ptr<store::Db> open_migrated(const std::string& url) {
  if (!store::is_postgres_url(url)) {
    auto parent = std::filesystem::path(url).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
  }
  auto db = store::open_db(url);
  store::migrate(*db);
  return db;
}
}  // namespace remit::cli
