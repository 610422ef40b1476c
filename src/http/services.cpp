#include "http/services.h"

#include <map>
#include <memory>

namespace remit::http {

store::Db& thread_db(const std::string& url) {
  thread_local std::map<std::string, std::unique_ptr<store::Db>> conns;
  auto& c = conns[url];
  if (!c) c = store::open_db(url);
  return *c;
}

Services make_services(std::string db_url, const Clock& clock) {
  std::string url = db_url;
  return Services{std::move(db_url), clock, [url]() -> store::Db& { return thread_db(url); }};
}

}  // namespace remit::http
