#pragma once
// The database a test runs on. By default a SQLite file in the test's temporary folder; with
// REMIT_TEST_BACKEND=postgres, a fresh schema in the PostgreSQL cluster at REMIT_TEST_PG_URL
// (scripts/with-postgres.sh starts one; `make test` runs every suite on both), dropped after.
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "store/db.h"

namespace remit::test {

inline bool testing_postgres() {
  const char* b = std::getenv("REMIT_TEST_BACKEND");
  return b && std::string(b) == "postgres";
}

class TestDatabase {
 public:
  explicit TestDatabase(const std::filesystem::path& dir) {
    if (!testing_postgres()) {
      url_ = (dir / "remit.db").string();
      return;
    }
    const char* base = std::getenv("REMIT_TEST_PG_URL");
    if (!base || !*base)
      throw std::runtime_error(
          "REMIT_TEST_BACKEND=postgres needs REMIT_TEST_PG_URL: run through "
          "scripts/with-postgres.sh (make test does)");
    static std::atomic<int> seq{0};
    schema_ = "t" + std::to_string(getpid()) + "_" + std::to_string(seq++);
    admin_ = store::open_db(base);
    admin_->exec_script("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " + schema_);
    url_ = store::with_schema(base, schema_);
  }
  ~TestDatabase() {
    if (admin_) try {
        admin_->exec_script("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
      } catch (...) {
      }
  }
  const std::string& url() const { return url_; }

  // Opens a transaction on `db` that makes other writers of accounts wait until it ends.
  static void hold_write_lock(store::Db& db) {
    db.begin(true);  // SQLite: BEGIN IMMEDIATE takes the database's write lock
    if (db.backend() == "postgres") db.exec_script("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE");
  }

 private:
  std::string url_, schema_;
  std::unique_ptr<store::Db> admin_;
};

}  // namespace remit::test
