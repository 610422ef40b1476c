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

Services make_services(app::Env& env) {
  std::string url = env.db_url;
  return Services{env, env.clock, url, [url]() -> store::Db& { return thread_db(url); }};
}

}  // namespace remit::http
