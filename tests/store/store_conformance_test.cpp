// The storage conformance suite, run on every backend (SQLite, and PostgreSQL with
// REMIT_TEST_BACKEND=postgres): migrations are idempotent, a Tx rolls back unless committed,
// constraint violations come back as the domain's own codes (never the database's), and
// counters taken in a rolled-back transaction leave no gap.
#include <gtest/gtest.h>

#include "app/context.h"
#include "app/fixture.h"
#include "store/db.h"
#include "test_db.h"

namespace remit::store {
namespace {

class StoreConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = open_db(test_db_.url());
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
  test::TestDatabase test_db_{dir_.path()};
  std::unique_ptr<Db> db_;
};

TEST_F(StoreConformance, MigrateIsIdempotent) {
  int v = schema_version(*db_);
  EXPECT_GE(v, 1);
  migrate(*db_);
  migrate(*db_);
  EXPECT_EQ(schema_version(*db_), v);
  EXPECT_EQ(db_->backend(), test::testing_postgres() ? "postgres" : "sqlite");
  // A second connection to the same database sees the schema.
  auto other = open_db(test_db_.url());
  EXPECT_EQ(schema_version(*other), v);
}

TEST_F(StoreConformance, TxRollsBackUnlessCommitted) {
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

// Each violation in its own transaction: on PostgreSQL a failed statement ends the transaction.
TEST_F(StoreConformance, ConstraintViolationsMapToDomainCodes) {
  {
    Tx tx(*db_, true);
    exec(*db_,
         "INSERT INTO accounts (tenant_id, number, name, billing_account_id, created_at) "
         "VALUES (1, 'A-1', 'Acme', 0, 'x')");
    tx.commit();
  }
  auto code_of = [&](const char* sql) {
    Tx tx(*db_, true);
    try {
      exec(*db_, sql);
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).find("SQLITE"), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find("23505"), std::string::npos) << e.what();
      return e.code;
    }
    ADD_FAILURE() << "accepted: " << sql;
    return Code::Internal;
  };
  EXPECT_EQ(
      code_of("INSERT INTO accounts (tenant_id, number, name, billing_account_id, created_at) "
              "VALUES (1, 'A-1', 'Other', 0, 'x')"),
      Code::Conflict);  // duplicate number
  EXPECT_EQ(
      code_of("INSERT INTO accounts (tenant_id, number, name, billing_account_id, created_at) "
              "VALUES (99, 'A-2', 'Nobody', 0, 'x')"),
      Code::Conflict);  // foreign keys are on: no tenant 99
  EXPECT_EQ(code_of("INSERT INTO accounts (tenant_id, number, billing_account_id, created_at) "
                    "VALUES (1, 'A-3', 0, 'x')"),
            Code::InvalidArgument);  // name is NOT NULL
  EXPECT_EQ(code_of("SELECT * FROM no_such_table"), Code::Internal);
}

TEST_F(StoreConformance, QueryBindsOptionalsAndNulls) {
  Tx tx(*db_, true);
  std::optional<int64_t> none, some = 42;
  std::optional<std::string> text = "hello";
  Query q(*db_,
          "SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), "
          "CAST(? AS TEXT)",
          none, some, text, null, std::string_view("sv"));
  ASSERT_TRUE(q.next());
  EXPECT_TRUE(q.null(0));
  EXPECT_EQ(q.opt_i64(0), std::nullopt);
  EXPECT_EQ(q.opt_i64(1), 42);
  EXPECT_EQ(q.opt_text(2), "hello");
  EXPECT_TRUE(q.null(3));
  EXPECT_EQ(q.text(4), "sv");
  EXPECT_FALSE(q.next());
}

TEST_F(StoreConformance, CountersAreGaplessAcrossRollbacks) {
  {
    Tx tx(*db_, true);
    EXPECT_EQ(app::next_counter(*db_, 1, "invoice"), 1);     // created on first use
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

// Bulk writes (COPY on PostgreSQL) keep every value as it was, awkward characters included,
// and reserved ids are fresh and usable.
TEST_F(StoreConformance, InsertRowsAndReservedIdsRoundTrip) {
  Tx tx(*db_, true);
  auto ids = db_->reserve_ids("products", 3);
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);
  const std::string awkward = "tab\there, new\nline, back\\slash, \\N, quote ' and 网络";
  RowSet rows("products", {"id", "tenant_id", "name", "description", "created_at"});
  rows.add(ids[0], int64_t{1}, std::string("plain"), std::string(""), std::string("t"));
  rows.add(ids[1], int64_t{1}, awkward, std::string("\\N"), std::string("t"));
  rows.add(ids[2], int64_t{1}, std::string("x"), std::string("\r\n"), std::string("t"));
  db_->insert_rows(rows);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM products"), 3);
  Query q(*db_, "SELECT name, description FROM products WHERE id = ?", ids[1]);
  ASSERT_TRUE(q.next());
  EXPECT_EQ(q.text(0), awkward);
  EXPECT_EQ(q.text(1), "\\N");  // the text, not NULL
  Query r(*db_, "SELECT description FROM products WHERE id = ?", ids[2]);
  ASSERT_TRUE(r.next());
  EXPECT_EQ(r.text(0), "\r\n");
  // Nulls and the ids that follow.
  RowSet ledger("ledger_entries",
                {"tenant_id", "txn_id", "entry_date", "book", "account_id", "amount"});
  ledger.add(int64_t{1}, int64_t{1}, std::string("2025-01-01"), std::string("revenue"), null,
             int64_t{-250});
  db_->insert_rows(ledger);
  EXPECT_EQ(
      scalar("SELECT COUNT(*) FROM ledger_entries WHERE account_id IS NULL AND amount = -250"), 1);
  tx.commit();
  Tx tx2(*db_, true);
  EXPECT_GT(db_->reserve_ids("products", 1)[0], ids[2]);
}

// set_by_id writes each row's own value, and only the given tenant's rows.
TEST_F(StoreConformance, SetByIdTouchesOnlyTheTenantsRows) {
  Tx tx(*db_, true);
  exec(*db_, "INSERT INTO tenants (name, created_at) VALUES ('Other', 'x')");
  RowSet rows("accounts", {"id", "tenant_id", "number", "name", "billing_account_id", "created_at"});
  auto ids = db_->reserve_ids("accounts", 3);
  for (int i = 0; i < 3; ++i)
    rows.add(ids[i], int64_t{i < 2 ? 1 : 2}, "A-" + std::to_string(i), std::string("n"), ids[i],
             std::string("t"));
  db_->insert_rows(rows);
  db_->set_by_id("accounts", "credit_balance", 1, {{ids[0], 10}, {ids[1], 20}, {ids[2], 30}});
  db_->set_by_id("accounts", "credit_balance", 1, {});  // nothing to do
  std::vector<int64_t> credit;
  Query q(*db_, "SELECT credit_balance FROM accounts ORDER BY id");
  while (q.next()) credit.push_back(q.i64(0));
  EXPECT_EQ(credit, (std::vector<int64_t>{10, 20, 0}));
}

// tenant_id leads every key and index of every tenant-scoped table (tenants itself and
// api_keys, looked up by prefix before the tenant is known, are the reference tables), so
// the schema can be distributed by tenant. On PostgreSQL that includes the primary and
// foreign keys, and a row pointing at another tenant's row is refused.
TEST_F(StoreConformance, TenantIdLeadsEveryKey) {
  auto reference = [](const std::string& table) {
    return table == "tenants" || table == "api_keys" || table == "schema_migrations" ||
           table.starts_with("sandbox_");  // the sandbox processor's books, not a tenant's
  };
  std::vector<std::string> offenders;
  int checked = 0;
  if (!test::testing_postgres()) {
    std::vector<std::string> tables;
    {
      Query q(*db_, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
      while (q.next()) tables.push_back(q.text(0));
    }
    for (auto& t : tables) {
      if (reference(t)) continue;
      std::vector<std::string> indexes;
      {
        Query q(*db_, "SELECT name FROM pragma_index_list(?)", t);
        while (q.next()) indexes.push_back(q.text(0));
      }
      for (auto& i : indexes) {
        Query q(*db_, "SELECT name FROM pragma_index_info(?) WHERE seqno = 0", i);
        ASSERT_TRUE(q.next());
        ++checked;
        if (q.text(0) != "tenant_id") offenders.push_back(t + "." + i);
      }
    }
    EXPECT_GE(checked, 25);
    EXPECT_EQ(offenders, std::vector<std::string>{});
    return;
  }
  {  // Primary, unique and foreign keys, and every index, by their first column.
    Query q(*db_,
            "SELECT c.conrelid::regclass::text, c.conname, a.attname, "
            "CASE WHEN c.contype = 'f' THEN c.confrelid::regclass::text ELSE '' END, "
            "COALESCE(f.attname, '') "
            "FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid "
            "AND a.attnum = c.conkey[1] LEFT JOIN pg_attribute f ON f.attrelid = c.confrelid "
            "AND f.attnum = c.confkey[1] WHERE c.connamespace = current_schema()::regnamespace "
            "AND c.contype IN ('p', 'u', 'f') "
            "UNION ALL SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, a.attname, "
            "'', '' FROM pg_index i JOIN pg_class r ON r.oid = i.indrelid JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
            "WHERE r.relnamespace = current_schema()::regnamespace");
    while (q.next()) {
      if (reference(q.text(0))) continue;
      ++checked;
      bool fk_ok = q.text(3).empty() || q.text(3) == "tenants" || q.text(4) == "tenant_id";
      if (q.text(2) != "tenant_id" || !fk_ok) offenders.push_back(q.text(0) + "." + q.text(1));
    }
  }
  EXPECT_GE(checked, 60);
  EXPECT_EQ(offenders, std::vector<std::string>{});
  {
    Tx tx(*db_, true);
    exec(*db_, "INSERT INTO tenants (name, created_at) VALUES ('Other', 'x')");
    exec(*db_,
         "INSERT INTO accounts (tenant_id, number, name, billing_account_id, created_at) "
         "VALUES (1, 'A-1', 'Acme', 0, 'x')");
    tx.commit();
  }
  Tx tx(*db_, true);
  int64_t account = scalar("SELECT id FROM accounts WHERE tenant_id = 1");
  try {  // tenant 2's charge on tenant 1's account
    exec(*db_,
         "INSERT INTO charges (tenant_id, account_id, stream, charge_date, description, quantity, "
         "unit_amount, created_at) VALUES (2, ?, 'recurring', '2025-01-01', 'x', 1, 1, 'x')",
         account);
    ADD_FAILURE() << "a row of tenant 2 points at tenant 1's account";
  } catch (const Error& e) {
    EXPECT_EQ(e.code, Code::Conflict);
  }
}

}  // namespace
}  // namespace remit::store
