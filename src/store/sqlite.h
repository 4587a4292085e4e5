#pragma once
// A thin RAII layer over SQLite: one Database per file, prepared Statements with typed binds and reads.
// Errors come back as Result, never exceptions; messages follow "unable to <verb> <object>: <reason>".
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace tend {

class Database;

/// A prepared statement. Binds are 1-based, as in SQLite; columns are 0-based. Move-only.
class Statement {
 public:
  Statement() = default;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind_null(int index);
  Statement& bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  /// Advances one row: true when a row is available, false when done, an Error otherwise.
  Result<bool> step();
  /// Runs to completion (for statements returning no rows).
  Status run();
  /// Clears binds and rewinds, so the statement can be executed again.
  void reset();

  std::int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  bool column_is_null(int column) const;
  std::optional<std::int64_t> column_optional_int(int column) const {
    return column_is_null(column) ? std::nullopt : std::optional(column_int(column));
  }

 private:
  friend class Database;
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  Error error(std::string_view what) const;

  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  sqlite3* db_ = nullptr;
};

/// An open SQLite database. Move-only; closes on destruction.
class Database {
 public:
  Database() = default;

  /// Opens (creating when missing) the file, in WAL mode with synchronous=NORMAL (a crash of the process
  /// loses nothing; an OS crash may lose the last transactions) and a busy timeout so a second reader
  /// (a CLI opening the same file) waits instead of failing.
  static Result<Database> open(const std::string& path);
  /// Opens read-only, for clients that only look (`tend events` with no daemon).
  static Result<Database> open_read_only(const std::string& path);

  /// Runs one or more statements with no results (schema, pragmas, BEGIN/COMMIT).
  Status exec(const std::string& sql);
  Result<Statement> prepare(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  /// Rows changed by the last INSERT/UPDATE/DELETE.
  int changes() const;
  bool is_open() const { return bool(db_); }
  const std::string& path() const { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  static Result<Database> open_with(const std::string& path, int flags);

  std::unique_ptr<sqlite3, Closer> db_;
  std::string path_;
};

}  // namespace tend
