#pragma once
// The storage seam: a connection that runs portable SQL with `?` placeholders, on SQLite
// (sqlite/) or PostgreSQL (postgres/, which translates `?` to `$n`). SQL text lives in named
// constants beside the code that runs it.
//
// A Db is used by one thread at a time (REQUIRES: external synchronisation); open one
// per worker thread. Errors are remit::Error: a unique or foreign-key violation is
// Code::Conflict; a busy database, a serialization failure, a deadlock or a lost connection
// is Code::Retryable (roll back and run the whole transaction again); nothing leaks a
// backend's codes.
//
// THE CONCURRENCY RULE (docs/decisions/0004-concurrency.md). Write transactions run at READ
// COMMITTED on PostgreSQL and as SQLite's single writer (BEGIN IMMEDIATE). A write that moves
// money, or changes what an account will be billed, first locks the row of the billing
// account it concerns with `UPDATE accounts SET version = version + 1 ...` (app/internal.h:
// lock_account, lock_billing_account; the version keys the upcoming-invoice cache); a bill-run
// chunk locks its accounts in id order with `SELECT ... FOR UPDATE`), and
// reads what it will write only after that: each later statement then sees every change
// committed by whoever held the lock before. Balances are written as relative updates
// (`credit_balance = credit_balance + ?`). Locks are taken in one order: billing accounts
// (ascending id), then the tenant's counter rows. On SQLite the lock is implied (one writer
// at a time; `FOR UPDATE` is dropped from the SQL) and the rule costs one row update.
// Read transactions see one snapshot: REPEATABLE READ, READ ONLY on PostgreSQL, a deferred
// transaction in WAL mode on SQLite.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace remit::store {

struct Null {};
inline constexpr Null null{};

// Rows for one table, collected in memory and written in one go by Db::insert_rows.
struct RowSet {
  struct Cell {
    enum Kind : uint8_t { Null, Int, Text } kind = Null;
    int64_t i = 0;
    std::string s;
  };
  RowSet(std::string t, std::vector<std::string> cols)
      : table(std::move(t)), columns(std::move(cols)) {}
  template <class... A>
  void add(const A&... v) {
    static_assert(sizeof...(A) > 0);
    (push(v), ...);
  }
  size_t rows() const { return columns.empty() ? 0 : cells.size() / columns.size(); }
  void clear() { cells.clear(); }

  std::string table;
  std::vector<std::string> columns;
  std::vector<Cell> cells;  // row-major

 private:
  void push(int64_t v) { cells.push_back({Cell::Int, v, {}}); }
  void push(int v) { push(static_cast<int64_t>(v)); }
  void push(bool v) { push(static_cast<int64_t>(v)); }
  void push(std::string v) { cells.push_back({Cell::Text, 0, std::move(v)}); }
  void push(const char* v) { push(std::string(v)); }
  void push(std::string_view v) { push(std::string(v)); }
  void push(Null) { cells.push_back({}); }
  template <class T>
  void push(const std::optional<T>& v) {
    if (v)
      push(*v);
    else
      push(Null{});
  }
};

class Stmt {
 public:
  virtual ~Stmt() = default;
  virtual void bind_int(int i, int64_t v) = 0;  // 1-based
  virtual void bind_text(int i, std::string_view v) = 0;
  virtual void bind_null(int i) = 0;
  virtual bool step() = 0;            // true while a row is available
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
  // A write transaction, or a read-only one that sees one snapshot (see the rule above).
  virtual void begin(bool write) = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual std::string backend() const = 0;  // "sqlite" | "postgres"

  // For a transaction of index lookups on tables that grow while it runs (a bill-run chunk):
  // PostgreSQL's statistics lag behind such tables and may pick sequential scans, so it is
  // told not to for this transaction. No-op on SQLite.
  virtual void prefer_index_scans() {}
  // Sets `column` of the tenant's rows of `table` from (id, value) pairs: on PostgreSQL one
  // UPDATE joined to the pairs sent as two arrays, on SQLite one prepared UPDATE per row.
  using IdValues = std::vector<std::pair<int64_t, int64_t>>;
  virtual void set_by_id(std::string_view table, std::string_view column, int64_t tenant_id,
                         const IdValues& pairs) = 0;

  // Bulk writes, used by bill runs (and their benchmark floor): one prepared INSERT per row
  // on SQLite, COPY on PostgreSQL. In the caller's transaction.
  virtual void insert_rows(const RowSet& rows) = 0;
  // `n` fresh ids for `table`'s integer primary key, for rows inserted with explicit ids in
  // this transaction (REQUIRES: inside a write transaction).
  virtual std::vector<int64_t> reserve_ids(std::string_view table, int64_t n) = 0;
};

// Opens "path/to/file.db" (SQLite) or "postgresql://..." (PostgreSQL).
std::unique_ptr<Db> open_db(const std::string& url);
inline bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}
// The URL with any password replaced by ***, for logs and messages.
inline std::string redact_url(std::string url) {
  auto scheme = url.find("://");
  auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon != std::string::npos && colon < at) url.replace(colon + 1, at - colon - 1, "***");
  return url;
}
// A PostgreSQL URL whose connections work in `schema` (search_path), for tests and benches.
inline std::string with_schema(const std::string& url, const std::string& schema) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

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
    while (st_.step()) {
    }
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
    if (v)
      bind(i, *v);
    else
      st_.bind_null(i);
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
  while (q.next()) {
  }
  return v;
}

// A unit of work: commits only when commit() is called; rolls back otherwise.
class Tx {
 public:
  Tx(Db& db, bool write) : db_(db) { db_.begin(write); }
  ~Tx() {
    if (!done_) try {
        db_.rollback();
      } catch (...) {
      }
  }
  void commit() {
    db_.commit();
    done_ = true;
  }
  Db& db() { return db_; }
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

 private:
  Db& db_;
  bool done_ = false;
};

// Runs the schema migrations not yet applied (up to version `up_to`: tests upgrade from an
// older schema); safe to run twice.
void migrate(Db& db, int up_to = 1 << 30);
int schema_version(Db& db);

}  // namespace remit::store
