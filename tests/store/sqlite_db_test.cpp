// The storage seam on SQLite: migrations are idempotent, a Tx rolls back unless committed,
// constraint violations come back as the domain's own codes (never SQLite's), and counters
// taken in a rolled-back transaction leave no gap.
#include "store/db.h"

#include <gtest/gtest.h>

#include "app/context.h"
#include "app/fixture.h"

namespace remit::store {
namespace {

class SqliteDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = open_db((dir_.path() / "store.db").string());
    migrate(*db_);
    Tx tx(*db_, true);
    exec(*db_, "INSERT INTO tenants (name, created_at) VALUES ('T', '2025-01-01T00:00:00Z')");
    tx.commit();
  }
  int64_t scalar(const std::string& sql) {
    Query q(*db_, sql);
    EXPECT_TRUE(q.next());
    return q.i64(0);
  }
  test::TempDir dir_;
  std::unique_ptr<Db> db_;
};

TEST_F(SqliteDbTest, MigrateIsIdempotent) {
  int v = schema_version(*db_);
  EXPECT_GE(v, 1);
  migrate(*db_);
  migrate(*db_);
  EXPECT_EQ(schema_version(*db_), v);
  EXPECT_EQ(db_->backend(), "sqlite");
  // A second connection to the same file sees the schema.
  auto other = open_db("sqlite://" + (dir_.path() / "store.db").string());
  EXPECT_EQ(schema_version(*other), v);
}

TEST_F(SqliteDbTest, TxRollsBackUnlessCommitted) {
  {
    Tx tx(*db_, true);
    exec(*db_, "INSERT INTO tenants (name, created_at) VALUES ('gone', 'x')");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM tenants"), 2);
  }
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM tenants"), 1);
  try {
    Tx tx(*db_, true);
    exec(*db_, "INSERT INTO tenants (name, created_at) VALUES ('gone too', 'x')");
    throw std::runtime_error("use case failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM tenants"), 1);
  {
    Tx tx(*db_, true);
    exec(*db_, "INSERT INTO tenants (name, created_at) VALUES ('kept', 'x')");
    tx.commit();
  }
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM tenants"), 2);
}

TEST_F(SqliteDbTest, ConstraintViolationsMapToDomainCodes) {
  Tx tx(*db_, true);
  exec(*db_, "INSERT INTO accounts (tenant_id, number, name, billing_account_id, created_at) "
             "VALUES (1, 'A-1', 'Acme', 0, 'x')");
  try {
    exec(*db_, "INSERT INTO accounts (tenant_id, number, name, billing_account_id, created_at) "
               "VALUES (1, 'A-1', 'Other', 0, 'x')");
    FAIL() << "duplicate number accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code, Code::Conflict);
  }
  try {  // foreign keys are on
    exec(*db_, "INSERT INTO accounts (tenant_id, number, name, billing_account_id, created_at) "
               "VALUES (99, 'A-2', 'Nobody', 0, 'x')");
    FAIL() << "dangling tenant accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code, Code::Conflict);
  }
  try {
    exec(*db_, "INSERT INTO accounts (tenant_id, number, billing_account_id, created_at) "
               "VALUES (1, 'A-3', 0, 'x')");  // name is NOT NULL
    FAIL() << "NULL name accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code, Code::InvalidArgument);
  }
  try {
    exec(*db_, "SELECT * FROM no_such_table");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code, Code::Internal);
    EXPECT_EQ(std::string(e.what()).find("SQLITE"), std::string::npos);
  }
}

TEST_F(SqliteDbTest, QueryBindsOptionalsAndNulls) {
  Tx tx(*db_, true);
  std::optional<int64_t> none, some = 42;
  std::optional<std::string> text = "hello";
  Query q(*db_, "SELECT ?, ?, ?, ?, ?", none, some, text, null, std::string_view("sv"));
  ASSERT_TRUE(q.next());
  EXPECT_TRUE(q.null(0));
  EXPECT_EQ(q.opt_i64(0), std::nullopt);
  EXPECT_EQ(q.opt_i64(1), 42);
  EXPECT_EQ(q.opt_text(2), "hello");
  EXPECT_TRUE(q.null(3));
  EXPECT_EQ(q.text(4), "sv");
  EXPECT_FALSE(q.next());
}

TEST_F(SqliteDbTest, CountersAreGaplessAcrossRollbacks) {
  {
    Tx tx(*db_, true);
    EXPECT_EQ(app::next_counter(*db_, 1, "invoice"), 1);  // created on first use
    EXPECT_EQ(app::next_counter(*db_, 1, "invoice", 3), 2);  // reserves 2, 3, 4
    tx.commit();
  }
  {
    Tx tx(*db_, true);
    EXPECT_EQ(app::next_counter(*db_, 1, "invoice"), 5);
  }  // rolled back: 5 is handed out again
  Tx tx(*db_, true);
  EXPECT_EQ(app::next_counter(*db_, 1, "invoice"), 5);
  EXPECT_EQ(app::next_counter(*db_, 1, "credit_note"), 1);  // counters are independent
  tx.commit();
}

}  // namespace
}  // namespace remit::store
