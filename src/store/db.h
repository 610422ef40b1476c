#pragma once
// The storage seam: a connection that runs portable SQL with `?` placeholders.
// SQLite implements it now (sqlite/); PostgreSQL will translate `?` to `$n`.
// SQL text lives in named constants beside the code that runs it.
//
// A Db is used by one thread at a time (REQUIRES: external synchronisation); open one
// per worker thread. Errors are remit::Error: a unique or foreign-key violation is
// Code::Conflict, a busy/locked database Code::Retryable; nothing leaks SQLite codes.
#include "core/error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace remit::store {

struct Null {};
inline constexpr Null null{};

class Stmt {
 public:
  virtual ~Stmt() = default;
  virtual void bind_int(int i, int64_t v) = 0;  // 1-based
  virtual void bind_text(int i, std::string_view v) = 0;
  virtual void bind_null(int i) = 0;
  virtual bool step() = 0;  // true while a row is available
  virtual bool is_null(int col) = 0;  // 0-based
  virtual bool is_integer(int col) = 0;
  virtual int64_t col_int(int col) = 0;
  virtual std::string col_text(int col) = 0;
  virtual int64_t changes() = 0;
  virtual void reset() = 0;
};

class Db {
 public:
  virtual ~Db() = default;
  // A cached prepared statement, reset and ready to bind.
  virtual Stmt& prepare(std::string_view sql) = 0;
  virtual void exec_script(std::string_view sql) = 0;  // DDL, no parameters
  virtual void begin(bool write) = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual std::string backend() const = 0;  // "sqlite"
};

// Opens "path/to/file.db" (SQLite); later "postgresql://..." too.
std::unique_ptr<Db> open_db(const std::string& url);

// Binds arguments in order: integers, strings, optionals, `null`.
class Query {
 public:
  template <class... A>
  Query(Db& db, std::string_view sql, const A&... args) : st_(db.prepare(sql)) {
    int i = 1;
    (bind(i++, args), ...);
  }
  bool next() { return st_.step(); }
  int64_t i64(int c) { return st_.col_int(c); }
  std::string text(int c) { return st_.col_text(c); }
  bool null(int c) { return st_.is_null(c); }
  std::optional<int64_t> opt_i64(int c) { return null(c) ? std::nullopt : std::optional(i64(c)); }
  std::optional<std::string> opt_text(int c) {
    return null(c) ? std::nullopt : std::optional(text(c));
  }
  // Runs a statement with no result rows; returns the rows changed.
  int64_t run() {
    while (st_.step()) {}
    return st_.changes();
  }
  Stmt& stmt() { return st_; }

 private:
  void bind(int i, int64_t v) { st_.bind_int(i, v); }
  void bind(int i, int v) { st_.bind_int(i, v); }
  void bind(int i, unsigned v) { st_.bind_int(i, v); }
  void bind(int i, bool v) { st_.bind_int(i, v ? 1 : 0); }
  void bind(int i, std::string_view v) { st_.bind_text(i, v); }
  void bind(int i, const std::string& v) { st_.bind_text(i, v); }
  void bind(int i, const char* v) { st_.bind_text(i, v); }
  void bind(int i, Null) { st_.bind_null(i); }
  template <class T>
  void bind(int i, const std::optional<T>& v) {
    if (v) bind(i, *v); else st_.bind_null(i);
  }
  Stmt& st_;
};

template <class... A>
int64_t exec(Db& db, std::string_view sql, const A&... args) {
  return Query(db, sql, args...).run();
}

// The first column of the first row: for INSERT ... RETURNING id and single-value queries.
// Internal error when there is no row.
template <class... A>
int64_t one_int(Db& db, std::string_view sql, const A&... args) {
  Query q(db, sql, args...);
  if (!q.next()) throw Error(Code::Internal, "statement returned no row");
  int64_t v = q.i64(0);
  while (q.next()) {}
  return v;
}

// A unit of work: commits only when commit() is called; rolls back otherwise.
class Tx {
 public:
  Tx(Db& db, bool write) : db_(db) { db_.begin(write); }
  ~Tx() {
    if (!done_) try { db_.rollback(); } catch (...) {}
  }
  void commit() { db_.commit(); done_ = true; }
  Db& db() { return db_; }
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

 private:
  Db& db_;
  bool done_ = false;
};

// Runs the schema migrations not yet applied; safe to run twice.
void migrate(Db& db);
int schema_version(Db& db);

}  // namespace remit::store
