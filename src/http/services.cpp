#include "http/services.h"

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

namespace remit::http {
namespace {

// Resets every statement a transaction used when the transaction ends. The SQLite backend
// caches statements and resets one only when it is prepared again; a statement left
// mid-result (a Query that read its first row) keeps its read snapshot open past COMMIT,
// and once another connection has written, this connection's next BEGIN IMMEDIATE fails
// with SQLITE_BUSY_SNAPSHOT on every retry. A server has several connections, so it must
// not leave statements open. (Belongs in the store; kept here until it moves there.)
class TxScopedDb final : public store::Db {
 public:
  explicit TxScopedDb(std::unique_ptr<store::Db> inner) : inner_(std::move(inner)) {}
  store::Stmt& prepare(std::string_view sql) override {
    store::Stmt& s = inner_->prepare(sql);
    if (std::find(used_.begin(), used_.end(), &s) == used_.end()) used_.push_back(&s);
    return s;
  }
  void exec_script(std::string_view sql) override { inner_->exec_script(sql); }
  void begin(bool write) override {
    release();
    inner_->begin(write);
  }
  void commit() override {
    release();
    inner_->commit();
  }
  void rollback() override {
    release();
    inner_->rollback();
  }
  std::string backend() const override { return inner_->backend(); }

 private:
  void release() {
    for (auto* s : used_) s->reset();
    used_.clear();
  }
  std::unique_ptr<store::Db> inner_;
  std::vector<store::Stmt*> used_;
};

}  // namespace

std::unique_ptr<store::Db> open_server_db(const std::string& url) {
  return std::make_unique<TxScopedDb>(store::open_db(url));
}

store::Db& thread_db(const std::string& url) {
  thread_local std::map<std::string, std::unique_ptr<store::Db>> conns;
  auto& c = conns[url];
  if (!c) c = open_server_db(url);
  return *c;
}

Services make_services(std::string db_url, const Clock& clock) {
  std::string url = db_url;
  return Services{std::move(db_url), clock, [url]() -> store::Db& { return thread_db(url); }};
}

}  // namespace remit::http
