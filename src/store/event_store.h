#pragma once
// The durable history behind `tend events` (and the exits and transitions `tend inspect` shows): an SQLite
// table in WAL mode, bounded in rows and bytes, the oldest rows pruned automatically. Any kind is accepted.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/event_sink.h"
#include "store/sqlite.h"
#include "util/result.h"

namespace tend {

/// One event as stored: the record, its id (increasing, never reused) and the wall time it was recorded.
struct StoredEvent {
  std::int64_t id = 0;
  std::int64_t time_ms = 0;
  EventRecord record;
};

/// {"id","time_ms","time" (RFC 3339),"kind","program","instance","message","data"}; program and instance
/// are null for events of the daemon as a whole. The schema of `tend events --json` (docs/events.md).
nlohmann::json event_json(const StoredEvent& event);
/// The inverse of event_json, for clients; EINVAL when a required key is missing or mistyped.
Result<StoredEvent> event_from_json(const nlohmann::json& j);

/// Which events a query returns. All conditions hold together; empty ones match everything.
struct EventQuery {
  std::optional<std::int64_t> since_ms;  // time_ms >= since_ms
  std::int64_t after_id = 0;             // id > after_id
  std::string program;
  int instance = -1;
  std::vector<std::string> kinds;
  std::size_t limit = 0;  // 0: all; otherwise at most this many
  bool newest = true;     // with a limit: the newest ones (still returned oldest first), else the oldest
};

/// True when the event matches the query's program, instance and kinds (not its time, id or limit), for
/// followers that see events as they are recorded.
bool event_matches(const EventQuery& query, const StoredEvent& event);

/// The bounds of the store: whichever is reached first prunes the oldest rows.
struct EventStoreLimits {
  std::int64_t max_rows = 100'000;
  std::int64_t max_bytes = 32ll << 20;  // the database file, indexes included
};

/// Longer messages and data are cut when stored, so one chatty producer cannot fill the store.
inline constexpr std::size_t kMaxEventMessageBytes = 1024;
inline constexpr std::size_t kMaxEventDataBytes = 16 * 1024;

class EventStore {
 public:
  /// Opens (creating) the database and its schema. EIO on an unreadable or corrupt file (the message says
  /// which), EPROTO when a newer tend wrote it.
  static Result<EventStore> open(const std::string& path, EventStoreLimits limits = {});
  /// Opens an existing database for reading only (a client while no daemon runs); ENOENT when missing.
  static Result<EventStore> open_read_only(const std::string& path);

  /// Stores the events in one transaction, setting their ids; prunes now and then.
  Status append(std::vector<StoredEvent>& events);
  /// The matching events, oldest first.
  Result<std::vector<StoredEvent>> query(const EventQuery& query);
  /// Deletes the oldest rows beyond the limits and returns their pages to the file system.
  Status prune();
  /// Rows stored now.
  Result<std::int64_t> count();
  const std::string& path() const { return db_.path(); }

 private:
  EventStore(Database db, EventStoreLimits limits) : db_(std::move(db)), limits_(limits) {}
  Status create_schema();

  Database db_;
  EventStoreLimits limits_;
  Statement insert_;
  std::int64_t appended_since_prune_ = 0;
};

}  // namespace tend
