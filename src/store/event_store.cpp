#include "store/event_store.h"

#include <sys/stat.h>

#include <fmt/format.h>

#include <algorithm>

#include "util/clock.h"

namespace tend {
namespace {

constexpr int kSchemaVersion = 1;
// Pruning costs two index lookups; doing it every few hundred rows keeps the overshoot small.
constexpr std::int64_t kPruneEvery = 256;

using nlohmann::json;

/// Cuts text to at most max bytes without splitting a UTF-8 sequence, marking the cut.
std::string truncated_text(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  constexpr std::string_view kMark = "…";
  std::size_t cut = max - kMark.size();
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + std::string(kMark);
}

std::string stored_data(const json& data) {
  // A producer's strings may be invalid UTF-8 (a child's message): replaced rather than thrown on.
  std::string text = data.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() <= kMaxEventDataBytes) return text;
  return json{{"truncated", true}, {"bytes", text.size()}}.dump();
}

}  // namespace

json event_json(const StoredEvent& e) {
  return json{{"id", e.id},
              {"time_ms", e.time_ms},
              {"time", format_rfc3339_ms(e.time_ms)},
              {"kind", e.record.kind},
              {"program", e.record.program.empty() ? json(nullptr) : json(e.record.program)},
              {"instance", e.record.program.empty() || e.record.instance < 0 ? json(nullptr) : json(e.record.instance)},
              {"message", e.record.message},
              {"data", e.record.data}};
}

Result<StoredEvent> event_from_json(const json& j) {
  if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string() || !j.contains("time_ms") ||
      !j["time_ms"].is_number_integer())
    return Error{EINVAL, "unable to read an event: expected an object with kind and time_ms"};
  StoredEvent e;
  e.id = j.value("id", std::int64_t{0});
  e.time_ms = j["time_ms"].get<std::int64_t>();
  e.record.kind = j["kind"].get<std::string>();
  if (j.contains("program") && j["program"].is_string()) e.record.program = j["program"].get<std::string>();
  if (j.contains("instance") && j["instance"].is_number_integer()) e.record.instance = j["instance"].get<int>();
  if (j.contains("message") && j["message"].is_string()) e.record.message = j["message"].get<std::string>();
  if (j.contains("data")) e.record.data = j["data"];
  return e;
}

bool event_matches(const EventQuery& q, const StoredEvent& e) {
  if (!q.program.empty() && e.record.program != q.program) return false;
  if (q.instance >= 0 && e.record.instance != q.instance) return false;
  if (!q.kinds.empty() && std::find(q.kinds.begin(), q.kinds.end(), e.record.kind) == q.kinds.end()) return false;
  return true;
}

Result<EventStore> EventStore::open(const std::string& path, EventStoreLimits limits) {
  auto db = Database::open(path);
  if (!db) return db.error();
  EventStore store(std::move(*db), limits);
  if (auto st = store.create_schema(); !st) return st.error();
  // The WAL file is truncated back to this after checkpoints (it would otherwise stay at its largest), and
  // the page cache is kept small: the daemon appends and looks up through indexes; its memory matters more.
  if (auto st = store.db_.exec("PRAGMA journal_size_limit = 4194304; PRAGMA cache_size = -256"); !st)
    return st.error();
  auto insert = store.db_.prepare(
      "INSERT INTO events (time_ms, kind, program, instance, message, data) VALUES (?, ?, ?, ?, ?, ?)");
  if (!insert) return insert.error();
  store.insert_ = std::move(*insert);
  if (auto st = store.prune(); !st) return st.error();
  return store;
}

Result<EventStore> EventStore::open_read_only(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return errno_error("unable to open " + path);
  auto db = Database::open_read_only(path);
  if (!db) return db.error();
  return EventStore(std::move(*db), {});
}

Status EventStore::create_schema() {
  std::int64_t found = 0;
  {
    auto version = db_.prepare("PRAGMA user_version");
    if (!version) return version.error();
    auto row = version->step();
    if (!row) return row.error();
    found = *row ? version->column_int(0) : 0;
  }  // finalized here: VACUUM below refuses to run beside an unfinished statement
  if (found > kSchemaVersion)
    return Error{EPROTO, fmt::format("unable to use {}: it was written by a newer tend (schema {}, this one "
                                     "knows {})", db_.path(), found, kSchemaVersion)};
  if (found == kSchemaVersion) return {};
  // With auto_vacuum, pruned pages go back to the file system (incremental_vacuum) instead of leaving the
  // file at its largest size forever. The file is already in WAL mode, where a new auto_vacuum setting
  // takes effect only through a VACUUM (instant while the database is empty).
  if (auto st = db_.exec("PRAGMA auto_vacuum = INCREMENTAL; VACUUM;"); !st) return st;
  return db_.exec(fmt::format(
      "CREATE TABLE IF NOT EXISTS events ("
      "  id INTEGER PRIMARY KEY AUTOINCREMENT, time_ms INTEGER NOT NULL, kind TEXT NOT NULL,"
      "  program TEXT, instance INTEGER, message TEXT NOT NULL, data TEXT NOT NULL);"
      "CREATE INDEX IF NOT EXISTS events_by_time ON events (time_ms);"
      "CREATE INDEX IF NOT EXISTS events_by_instance ON events (program, instance, kind, id);"
      "PRAGMA user_version = {};",
      kSchemaVersion));
}

Status EventStore::append(std::vector<StoredEvent>& events) {
  if (events.empty()) return {};
  if (auto st = db_.exec("BEGIN"); !st) return st;
  for (auto& e : events) {
    insert_.bind(1, e.time_ms).bind(2, std::string_view(e.record.kind));
    if (e.record.program.empty()) insert_.bind_null(3).bind_null(4);
    else insert_.bind(3, std::string_view(e.record.program)).bind(4, std::int64_t{e.record.instance});
    e.record.message = truncated_text(e.record.message, kMaxEventMessageBytes);
    std::string data = stored_data(e.record.data);
    insert_.bind(5, std::string_view(e.record.message)).bind(6, std::string_view(data));
    if (auto st = insert_.run(); !st) {
      (void)db_.exec("ROLLBACK");
      return st;
    }
    e.id = db_.last_insert_rowid();
  }
  if (auto st = db_.exec("COMMIT"); !st) {
    (void)db_.exec("ROLLBACK");
    return st;
  }
  appended_since_prune_ += std::int64_t(events.size());
  if (appended_since_prune_ >= kPruneEvery) return prune();
  return {};
}

Result<std::int64_t> EventStore::count() {
  // Ids are contiguous between the oldest and newest rows: only the oldest are ever deleted.
  auto stmt = db_.prepare("SELECT COALESCE(MAX(id) - MIN(id) + 1, 0) FROM events");
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  return stmt->column_int(0);
}

Status EventStore::prune() {
  appended_since_prune_ = 0;
  auto stmt = db_.prepare(
      "SELECT COALESCE(MAX(id) - MIN(id) + 1, 0), COALESCE(MIN(id), 0),"
      " (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()),"
      " (SELECT page_size FROM pragma_page_size()) FROM events");
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  std::int64_t rows = stmt->column_int(0), oldest = stmt->column_int(1);
  std::int64_t bytes = stmt->column_int(2) * stmt->column_int(3);
  std::int64_t excess = std::max<std::int64_t>(0, rows - limits_.max_rows);
  // Over the size bound: keep the share of rows that fits in 90% of it, so pruning is not needed again soon.
  if (bytes > limits_.max_bytes && rows > 0)
    excess = std::max(excess, rows - std::int64_t(double(rows) * 0.9 * double(limits_.max_bytes) / double(bytes)));
  if (excess == 0) return {};
  auto del = db_.prepare("DELETE FROM events WHERE id < ?");
  if (!del) return del.error();
  if (auto st = del->bind(1, oldest + excess).run(); !st) return st;
  return db_.exec("PRAGMA incremental_vacuum");
}

Result<std::vector<StoredEvent>> EventStore::query(const EventQuery& q) {
  std::string where = "id > ?";
  if (q.since_ms) where += " AND time_ms >= ?";
  if (!q.program.empty()) where += " AND program = ?";
  if (q.instance >= 0) where += " AND instance = ?";
  if (!q.kinds.empty()) {
    where += " AND kind IN (?";
    for (std::size_t i = 1; i < q.kinds.size(); ++i) where += ", ?";
    where += ")";
  }
  std::string columns = "id, time_ms, kind, program, instance, message, data";
  std::string sql = fmt::format("SELECT {} FROM events WHERE {} ORDER BY id", columns, where);
  if (q.limit > 0 && q.newest)
    sql = fmt::format("SELECT * FROM (SELECT {} FROM events WHERE {} ORDER BY id DESC LIMIT {}) ORDER BY id",
                      columns, where, q.limit);
  else if (q.limit > 0)
    sql += fmt::format(" LIMIT {}", q.limit);
  auto stmt = db_.prepare(sql);
  if (!stmt) return stmt.error();
  int bind = 1;
  stmt->bind(bind++, q.after_id);
  if (q.since_ms) stmt->bind(bind++, *q.since_ms);
  if (!q.program.empty()) stmt->bind(bind++, std::string_view(q.program));
  if (q.instance >= 0) stmt->bind(bind++, std::int64_t{q.instance});
  for (const auto& kind : q.kinds) stmt->bind(bind++, std::string_view(kind));
  std::vector<StoredEvent> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    StoredEvent e;
    e.id = stmt->column_int(0);
    e.time_ms = stmt->column_int(1);
    e.record.kind = stmt->column_text(2);
    e.record.program = stmt->column_text(3);
    e.record.instance = stmt->column_is_null(4) ? -1 : int(stmt->column_int(4));
    e.record.message = stmt->column_text(5);
    e.record.data = json::parse(stmt->column_text(6), nullptr, false);
    if (e.record.data.is_discarded()) e.record.data = json::object();
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace tend
