#include "store/sqlite.h"

#include <gtest/gtest.h>

#include "../log/temp_dir.h"

namespace tend {
namespace {

TEST(SqliteTest, StoresAndReadsTypedValues) {
  testing::TempDir dir;
  auto db = Database::open(dir.path() + "/t.db");
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE(db->exec("CREATE TABLE t (i INTEGER, d REAL, s TEXT, n INTEGER)"));
  auto insert = db->prepare("INSERT INTO t VALUES (?, ?, ?, ?)");
  ASSERT_TRUE(insert);
  ASSERT_TRUE(insert->bind(1, std::int64_t{1} << 40).bind(2, 2.5).bind(3, std::string_view("a'b\0c", 5)).bind_null(4).run());
  EXPECT_EQ(db->last_insert_rowid(), 1);
  auto select = db->prepare("SELECT i, d, s, n FROM t");
  ASSERT_TRUE(select);
  auto row = select->step();
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(select->column_int(0), std::int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(select->column_double(1), 2.5);
  EXPECT_EQ(select->column_text(2), std::string("a'b\0c", 5));
  EXPECT_TRUE(select->column_is_null(3));
  EXPECT_EQ(select->column_optional_int(3), std::nullopt);
  row = select->step();
  ASSERT_TRUE(row);
  EXPECT_FALSE(*row);
}

TEST(SqliteTest, ReportsBadSqlWithTheFile) {
  testing::TempDir dir;
  auto db = Database::open(dir.path() + "/t.db");
  ASSERT_TRUE(db);
  auto bad = db->prepare("SELEC 1");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("unable to prepare `SELEC 1`"), std::string::npos) << bad.error().message;
  auto st = db->exec("CREATE TABLE t (x); CREATE TABLE t (x);");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("already exists"), std::string::npos) << st.error().message;
}

TEST(SqliteTest, ConstraintViolationIsAnErrorAndTheStatementIsReusable) {
  testing::TempDir dir;
  auto db = Database::open(dir.path() + "/t.db");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("CREATE TABLE t (k TEXT PRIMARY KEY)"));
  auto insert = db->prepare("INSERT INTO t VALUES (?)");
  ASSERT_TRUE(insert);
  ASSERT_TRUE(insert->bind(1, std::string_view("x")).run());
  EXPECT_FALSE(insert->bind(1, std::string_view("x")).run());
  EXPECT_TRUE(insert->bind(1, std::string_view("y")).run());
  EXPECT_EQ(db->changes(), 1);
}

TEST(SqliteTest, UsesWalAndReadOnlyOpenSeesCommittedRows) {
  testing::TempDir dir;
  std::string path = dir.path() + "/t.db";
  auto db = Database::open(path);
  ASSERT_TRUE(db);
  {
    // A statement that has not run to its end keeps the connection's transaction open: scoped.
    auto mode = db->prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode && *mode->step());
    EXPECT_EQ(mode->column_text(0), "wal");
  }
  ASSERT_TRUE(db->exec("CREATE TABLE t (x); INSERT INTO t VALUES (7);"));
  auto reader = Database::open_read_only(path);
  ASSERT_TRUE(reader) << reader.error().message;
  auto select = reader->prepare("SELECT x FROM t");
  ASSERT_TRUE(select) << select.error().message;
  auto row = select->step();
  ASSERT_TRUE(row) << row.error().message;
  ASSERT_TRUE(*row);
  EXPECT_EQ(select->column_int(0), 7);
  EXPECT_FALSE(reader->exec("INSERT INTO t VALUES (8)"));
}

TEST(SqliteTest, MissingFileCannotBeOpenedReadOnly) {
  testing::TempDir dir;
  auto db = Database::open_read_only(dir.path() + "/none.db");
  ASSERT_FALSE(db);
  EXPECT_NE(db.error().message.find("unable to open"), std::string::npos);
}

}  // namespace
}  // namespace tend
