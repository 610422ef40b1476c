#pragma once
// Translation of the portable SQL to PostgreSQL's: `?` -> $1..$n (outside quoted text),
// `CROSS JOIN` (SQLite's join-order hint) -> JOIN. Returns the text and the parameter count.
#include <string>
#include <string_view>
#include <utility>

namespace remit::store {
std::pair<std::string, int> to_postgres(std::string_view sql);
}  // namespace remit::store
