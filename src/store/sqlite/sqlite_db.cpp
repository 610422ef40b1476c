// SQLite backend of store::Db: WAL, one connection per thread, cached statements.
#include <sqlite3.h>

#include <chrono>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "store/db.h"

namespace remit::store {
namespace {

[[noreturn]] void fail(sqlite3* h, int rc) {
  int ext = h ? sqlite3_extended_errcode(h) : rc;
  std::string msg = h ? sqlite3_errmsg(h) : sqlite3_errstr(rc);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    throw Error(Code::Retryable, "database busy");
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
      throw Error(Code::Conflict, "already exists");
    if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
      throw Error(Code::Conflict, "refers to a record that does not exist or is still in use");
    throw Error(Code::InvalidArgument, "constraint failed");
  }
  throw Error(Code::Internal, "storage error: " + msg);
}

class SqliteStmt final : public Stmt {
 public:
  SqliteStmt(sqlite3* h, sqlite3_stmt* s) : h_(h), s_(s) {}
  ~SqliteStmt() override { sqlite3_finalize(s_); }
  void bind_int(int i, int64_t v) override { sqlite3_bind_int64(s_, i, v); }
  void bind_text(int i, std::string_view v) override {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind_null(int i) override { sqlite3_bind_null(s_, i); }
  bool step() override {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
      changes_ = sqlite3_changes64(h_);
      return false;
    }
    sqlite3_reset(s_);
    fail(h_, rc);
  }
  bool is_null(int c) override { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  bool is_integer(int c) override { return sqlite3_column_type(s_, c) == SQLITE_INTEGER; }
  int64_t col_int(int c) override { return sqlite3_column_int64(s_, c); }
  std::string col_text(int c) override {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(s_, c));
    return p ? std::string(p, sqlite3_column_bytes(s_, c)) : std::string();
  }
  int64_t changes() override { return changes_; }
  void reset() override {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
    changes_ = 0;
  }

 private:
  sqlite3* h_;
  sqlite3_stmt* s_;
  int64_t changes_ = 0;
};

class SqliteDb final : public Db {
 public:
  explicit SqliteDb(const std::string& path) {
    int rc =
        sqlite3_open_v2(path.c_str(), &h_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = h_ ? sqlite3_errmsg(h_) : "cannot open";
      sqlite3_close(h_);
      throw Error(Code::Internal, "cannot open database " + path + ": " + msg);
    }
    sqlite3_busy_timeout(h_, 10000);
    // Switching a new file to WAL needs a moment alone with it, which the busy handler does
    // not wait for; two processes opening it together (two migrators) retry here.
    for (int attempt = 0;; ++attempt) {
      try {
        exec_script("PRAGMA journal_mode=WAL");
        break;
      } catch (const Error& e) {
        if (e.code != Code::Retryable || attempt == 100) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    exec_script(
        "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536; "
        "PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=8192;");
  }
  ~SqliteDb() override {
    cache_.clear();
    sqlite3_close(h_);
  }
  Stmt& prepare(std::string_view sql) override {
    auto it = cache_.find(sql);
    if (it != cache_.end()) {
      it->second->reset();
      return *it->second;
    }
    // Row locks are PostgreSQL's; SQLite's one writer makes "FOR UPDATE [SKIP LOCKED]" moot.
    std::string_view text = sql.substr(0, sql.find(" FOR UPDATE"));
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v3(h_, text.data(), static_cast<int>(text.size()),
                                SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (rc != SQLITE_OK) fail(h_, rc);
    auto [ins, _] = cache_.emplace(std::string(sql), std::make_unique<SqliteStmt>(h_, s));
    return *ins->second;
  }
  void exec_script(std::string_view sql) override {
    char* err = nullptr;
    int rc = sqlite3_exec(h_, std::string(sql).c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : "";
      sqlite3_free(err);
      if ((rc & 0xff) == SQLITE_BUSY) throw Error(Code::Retryable, "database busy");
      throw Error(Code::Internal, "storage error: " + msg);
    }
  }
  // Transaction control runs as cached statements: no parsing on every request.
  void begin(bool write) override {
    release_statements();
    run(write ? "BEGIN IMMEDIATE" : "BEGIN");
  }
  void commit() override {
    release_statements();
    run("COMMIT");
  }
  void rollback() override {
    release_statements();
    if (!sqlite3_get_autocommit(h_)) run("ROLLBACK");
  }
  std::string backend() const override { return "sqlite"; }

  void set_by_id(std::string_view table, std::string_view column, int64_t tenant_id,
                 const IdValues& pairs) override {
    std::string sql = fmt::format("UPDATE {} SET {} = ? WHERE tenant_id = ? AND id = ?", table,
                                  column);
    for (auto [id, value] : pairs) exec(*this, sql, value, tenant_id, id);
  }

  void insert_rows(const RowSet& rs) override {
    if (rs.rows() == 0) return;
    std::string sql = "INSERT INTO " + rs.table + " (";
    std::string qs;
    for (size_t i = 0; i < rs.columns.size(); ++i) {
      sql += (i ? ", " : "") + rs.columns[i];
      qs += i ? ", ?" : "?";
    }
    sql += ") VALUES (" + qs + ")";
    Stmt& st = prepare(sql);
    size_t n = rs.columns.size();
    for (size_t r = 0; r < rs.rows(); ++r) {
      st.reset();
      for (size_t c = 0; c < n; ++c) {
        const auto& cell = rs.cells[r * n + c];
        int i = static_cast<int>(c) + 1;
        if (cell.kind == RowSet::Cell::Int)
          st.bind_int(i, cell.i);
        else if (cell.kind == RowSet::Cell::Text)
          st.bind_text(i, cell.s);
        else
          st.bind_null(i);
      }
      while (st.step()) {
      }
    }
  }

  // The write transaction holds SQLite's only write lock: ids past the largest are free.
  std::vector<int64_t> reserve_ids(std::string_view table, int64_t n) override {
    int64_t max = one_int(*this, "SELECT COALESCE(MAX(id), 0) FROM " + std::string(table));
    std::vector<int64_t> ids(n);
    for (int64_t i = 0; i < n; ++i) ids[i] = max + 1 + i;
    return ids;
  }

 private:
  // A cached statement left mid-result would keep its read snapshot past the transaction's
  // end; once another connection writes, this one's next BEGIN IMMEDIATE then fails with
  // SQLITE_BUSY_SNAPSHOT every time. So every transaction boundary resets them.
  void run(std::string_view sql) {
    Stmt& s = prepare(sql);
    while (s.step()) {
    }
  }
  void release_statements() {
    for (auto* s = sqlite3_next_stmt(h_, nullptr); s; s = sqlite3_next_stmt(h_, s))
      if (sqlite3_stmt_busy(s)) sqlite3_reset(s);
  }

  sqlite3* h_ = nullptr;
  struct Hash {  // heterogeneous lookup: finding a statement allocates nothing
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::unique_ptr<SqliteStmt>, Hash, std::equal_to<>> cache_;
};

}  // namespace

std::unique_ptr<Db> open_postgres(const std::string& url);

std::unique_ptr<Db> open_db(const std::string& url) {
  if (is_postgres_url(url)) return open_postgres(url);
  std::string path = url.starts_with("sqlite://") ? url.substr(9) : url;
  return std::make_unique<SqliteDb>(path);
}

}  // namespace remit::store
