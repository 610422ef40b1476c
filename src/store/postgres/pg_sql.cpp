#include "store/postgres/pg_sql.h"

namespace remit::store {

std::pair<std::string, int> to_postgres(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool quoted = false;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (!quoted && c == '?') {
      out += '$' + std::to_string(++n);
    } else if (!quoted && sql.compare(i, 11, "CROSS JOIN ") == 0) {
      out += "JOIN ";
      i += 10;
    } else {
      out += c;
    }
  }
  return {out, n};
}

}  // namespace remit::store
