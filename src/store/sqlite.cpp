#include "store/sqlite.h"

#include <fmt/format.h>

namespace tend {

namespace {

// A CLI reading while the daemon writes waits this long for the write lock before giving up.
constexpr int kBusyTimeoutMs = 2000;

}  // namespace

Error Statement::error(std::string_view what) const {
  return Error{EIO, fmt::format("unable to {}: {}", what, db_ ? sqlite3_errmsg(db_) : "no statement")};
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_.get(), index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_.get(), index, value.data(), int(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_.get(), index);
  return *this;
}

Result<bool> Statement::step() {
  int r = sqlite3_step(stmt_.get());
  if (r == SQLITE_ROW) return true;
  if (r == SQLITE_DONE) return false;
  return error(fmt::format("run `{}`", sqlite3_sql(stmt_.get())));
}

Status Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) {
      reset();
      return row.error();
    }
    if (!*row) break;
  }
  reset();
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::int64_t Statement::column_int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

double Statement::column_double(int column) const { return sqlite3_column_double(stmt_.get(), column); }

std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_.get(), column);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text), size_t(sqlite3_column_bytes(stmt_.get(), column)));
}

bool Statement::column_is_null(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }

Result<Database> Database::open_with(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int r = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Database db;
  db.db_.reset(raw);  // sqlite3_open_v2 may hand back a handle even on failure; it must be closed
  db.path_ = path;
  if (r != SQLITE_OK)
    return Error{EIO, fmt::format("unable to open {}: {}", path, raw ? sqlite3_errmsg(raw) : sqlite3_errstr(r))};
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  return db;
}

Result<Database> Database::open(const std::string& path) {
  auto db = open_with(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return db;
  if (auto st = db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"); !st)
    return st.error();
  return db;
}

Result<Database> Database::open_read_only(const std::string& path) { return open_with(path, SQLITE_OPEN_READONLY); }

Status Database::exec(const std::string& sql) {
  char* message = nullptr;
  int r = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message);
  if (r == SQLITE_OK) return {};
  Error e{EIO, fmt::format("unable to run SQL on {}: {}", path_, message ? message : sqlite3_errstr(r))};
  sqlite3_free(message);
  return e;
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int r = sqlite3_prepare_v2(db_.get(), sql.data(), int(sql.size()), &stmt, nullptr);
  if (r != SQLITE_OK)
    return Error{EIO, fmt::format("unable to prepare `{}` on {}: {}", sql, path_, sqlite3_errmsg(db_.get()))};
  return Statement(stmt, db_.get());
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }

int Database::changes() const { return sqlite3_changes(db_.get()); }

}  // namespace tend
