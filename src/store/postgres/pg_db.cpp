// PostgreSQL backend of store::Db through libpq: prepared statements cached per connection,
// text-format parameters and results. The portable SQL is translated once per statement:
// `?` placeholders become $1..$n and SQLite's join-order hint `CROSS JOIN ... ON` becomes a
// plain JOIN. SQLSTATEs map to the domain's codes: unique and foreign-key violations are
// Conflict; serialization failures, deadlocks and lost connections are Retryable (the
// connection is re-established at the next transaction).
#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <unordered_map>
#include <vector>

#include "store/db.h"
#include "store/postgres/pg_sql.h"

namespace remit::store {
namespace {

class PgDb;

[[noreturn]] void fail(PGconn* c, const PGresult* r) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string st = state ? state : "";
  std::string msg = r ? PQresultErrorMessage(r) : (c ? PQerrorMessage(c) : "no connection");
  if (st == "23505") throw Error(Code::Conflict, "already exists");
  if (st == "23503")
    throw Error(Code::Conflict, "refers to a record that does not exist or is still in use");
  if (st == "40001" || st == "40P01" || st == "55P03" || st.starts_with("08") || st == "57P01" ||
      (c && PQstatus(c) == CONNECTION_BAD))
    throw Error(Code::Retryable, "database unavailable, retry");
  if (st.starts_with("23")) throw Error(Code::InvalidArgument, "constraint failed");
  throw Error(Code::Internal, "storage error: " + msg);
}

struct Result {
  PGresult* r = nullptr;
  ~Result() { PQclear(r); }
};

class PgStmt final : public Stmt {
 public:
  PgStmt(PGconn*& conn, std::string name, int nparams)
      : conn_(conn), name_(std::move(name)), vals_(nparams), null_(nparams, 1) {}
  ~PgStmt() override { PQclear(res_); }
  void bind_int(int i, int64_t v) override { set(i, std::to_string(v)); }
  void bind_text(int i, std::string_view v) override { set(i, std::string(v)); }
  void bind_null(int i) override { null_.at(i - 1) = 1; }
  bool step() override {
    if (!executed_) execute();
    return ++row_ < PQntuples(res_);
  }
  bool is_null(int c) override { return PQgetisnull(res_, row_, c); }
  bool is_integer(int c) override {
    Oid t = PQftype(res_, c);
    return t == 20 || t == 21 || t == 23;  // int8, int2, int4
  }
  int64_t col_int(int c) override {
    const char* v = PQgetvalue(res_, row_, c);
    return std::strtoll(v, nullptr, 10);  // numeric sums of integers print as integers
  }
  std::string col_text(int c) override {
    return std::string(PQgetvalue(res_, row_, c), PQgetlength(res_, row_, c));
  }
  int64_t changes() override { return executed_ ? std::atoll(PQcmdTuples(res_)) : 0; }
  void reset() override {
    PQclear(res_);
    res_ = nullptr;
    executed_ = false;
    row_ = -1;
    std::fill(null_.begin(), null_.end(), 1);
  }

 private:
  void set(int i, std::string v) {
    vals_.at(i - 1) = std::move(v);
    null_[i - 1] = 0;
  }
  void execute() {
    std::vector<const char*> p(vals_.size());
    for (size_t i = 0; i < vals_.size(); ++i) p[i] = null_[i] ? nullptr : vals_[i].c_str();
    res_ = PQexecPrepared(conn_, name_.c_str(), static_cast<int>(p.size()), p.data(), nullptr,
                          nullptr, 0);
    executed_ = true;
    row_ = -1;
    auto st = PQresultStatus(res_);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
      PGresult* r = res_;
      res_ = nullptr;
      Result guard{r};
      executed_ = false;
      fail(conn_, r);
    }
  }
  PGconn*& conn_;
  std::string name_;
  std::vector<std::string> vals_;
  std::vector<char> null_;
  PGresult* res_ = nullptr;
  bool executed_ = false;
  int row_ = -1;
};

class PgDb final : public Db {
 public:
  explicit PgDb(std::string url) : url_(std::move(url)) { connect(); }
  ~PgDb() override {
    cache_.clear();
    PQfinish(conn_);
  }
  Stmt& prepare(std::string_view sql) override {
    auto it = cache_.find(sql);
    if (it != cache_.end()) {
      it->second->reset();
      return *it->second;
    }
    auto [text, n] = to_postgres(sql);
    std::string name = "s" + std::to_string(cache_.size() + 1);
    Result r{PQprepare(conn_, name.c_str(), text.c_str(), n, nullptr)};
    if (PQresultStatus(r.r) != PGRES_COMMAND_OK) fail(conn_, r.r);
    auto [ins, _] = cache_.emplace(std::string(sql), std::make_unique<PgStmt>(conn_, name, n));
    return *ins->second;
  }
  void exec_script(std::string_view sql) override {
    Result r{PQexec(conn_, std::string(sql).c_str())};
    auto st = PQresultStatus(r.r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(conn_, r.r);
  }
  void begin(bool write) override {
    if (PQstatus(conn_) != CONNECTION_OK) reconnect();
    // Writers: READ COMMITTED plus the row locks of the concurrency rule (store/db.h).
    // Readers: one snapshot, so a page never shows half of a concurrent change.
    run(write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  void commit() override { run("COMMIT"); }
  void rollback() override {
    if (PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) != PQTRANS_IDLE)
      run("ROLLBACK");
  }
  std::string backend() const override { return "postgres"; }
  void set_by_id(std::string_view table, std::string_view column, int64_t tenant_id,
                 const IdValues& pairs) override {
    if (pairs.empty()) return;
    std::string ids = "{", values = "{";
    for (auto [id, value] : pairs) {
      ids += std::to_string(id) + ',';
      values += std::to_string(value) + ',';
    }
    ids.back() = values.back() = '}';
    exec(*this,
         fmt::format("UPDATE {0} SET {1} = b.v FROM unnest(CAST(? AS BIGINT[]), "
                     "CAST(? AS BIGINT[])) AS b(id, v) WHERE {0}.tenant_id = ? AND {0}.id = b.id",
                     table, column),
         ids, values, tenant_id);
  }
  void prefer_index_scans() override {
    // jit off too: the cost penalty of disabled scans would otherwise trigger JIT compiles.
    exec_script("SET LOCAL enable_seqscan = off; SET LOCAL jit = off");
  }

  void insert_rows(const RowSet& rs) override {
    if (rs.rows() == 0) return;
    std::string sql = "COPY " + rs.table + " (";
    for (size_t i = 0; i < rs.columns.size(); ++i) sql += (i ? ", " : "") + rs.columns[i];
    sql += ") FROM STDIN";
    {
      Result r{PQexec(conn_, sql.c_str())};
      if (PQresultStatus(r.r) != PGRES_COPY_IN) fail(conn_, r.r);
    }
    std::string buf;
    size_t n = rs.columns.size();
    for (size_t row = 0; row < rs.rows(); ++row) {
      for (size_t c = 0; c < n; ++c) {
        if (c) buf += '\t';
        const auto& cell = rs.cells[row * n + c];
        if (cell.kind == RowSet::Cell::Int)
          buf += std::to_string(cell.i);
        else if (cell.kind == RowSet::Cell::Text)
          append_copy_text(buf, cell.s);
        else
          buf += "\\N";
      }
      buf += '\n';
      if (buf.size() > (1 << 20)) flush_copy(buf);
    }
    flush_copy(buf);
    if (PQputCopyEnd(conn_, nullptr) != 1) fail(conn_, nullptr);
    Result r{PQgetResult(conn_)};
    if (PQresultStatus(r.r) != PGRES_COMMAND_OK) {
      while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);
      fail(conn_, r.r);
    }
    while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);
  }

  std::vector<int64_t> reserve_ids(std::string_view table, int64_t n) override {
    // The sequence is looked up once per table: resolving it per row costs 7x the nextval.
    auto seq = sequences_.find(table);
    if (seq == sequences_.end()) {
      Query q(*this, "SELECT pg_get_serial_sequence(?, 'id')", std::string(table));
      q.next();
      seq = sequences_.emplace(std::string(table), q.text(0)).first;
    }
    Query q(*this, "SELECT nextval(CAST(? AS regclass)) FROM generate_series(1, ?)", seq->second,
            n);
    std::vector<int64_t> ids;
    ids.reserve(n);
    while (q.next()) ids.push_back(q.i64(0));
    return ids;
  }

 private:
  // Transaction control as a simple query (no parse of a script each time).
  void run(const char* sql) {
    Result r{PQexec(conn_, sql)};
    if (PQresultStatus(r.r) != PGRES_COMMAND_OK) fail(conn_, r.r);
  }
  static void append_copy_text(std::string& buf, const std::string& v) {
    for (char ch : v) {
      switch (ch) {
        case '\\':
          buf += "\\\\";
          break;
        case '\t':
          buf += "\\t";
          break;
        case '\n':
          buf += "\\n";
          break;
        case '\r':
          buf += "\\r";
          break;
        default:
          buf += ch;
      }
    }
  }
  void flush_copy(std::string& buf) {
    if (!buf.empty() && PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) != 1)
      fail(conn_, nullptr);
    buf.clear();
  }
  void connect() {
    conn_ = PQconnectdb(url_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      // The message names host and port, never the password.
      throw Error(Code::Retryable, "cannot connect to PostgreSQL: " + msg);
    }
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
  }
  void reconnect() {
    cache_.clear();  // prepared statements die with the session
    PQfinish(conn_);
    conn_ = nullptr;
    connect();
  }
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::string url_;
  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<PgStmt>, Hash, std::equal_to<>> cache_;
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> sequences_;  // by table
};

}  // namespace

std::unique_ptr<Db> open_postgres(const std::string& url) { return std::make_unique<PgDb>(url); }

}  // namespace remit::store
