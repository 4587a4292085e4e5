#pragma once
// The daemon's EventSink: every recorded event goes to $TEND_HOME/events.db (written in one transaction at
// the end of the loop iteration that recorded it) and to the clients following events (`tend events -f`).
#include <systemd/sd-event.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/deferred.h"
#include "daemon/event_sink.h"
#include "ipc/control_server.h"
#include "store/event_store.h"

namespace tend {

class StoredEvents final : public EventSink {
 public:
  /// Opens the store at path. A file that cannot be used (corrupt, newer schema) is moved aside to
  /// path.broken-<time> and a fresh one created; when even that fails, events go to the daemon log only
  /// (and to followers), and store_error() says why.
  StoredEvents(sd_event* loop, const std::string& path, EventStoreLimits limits = {});
  ~StoredEvents() override;
  StoredEvents(const StoredEvents&) = delete;
  StoredEvents& operator=(const StoredEvents&) = delete;

  /// Stamps the event with the wall time and queues it; never fails the caller.
  void record(EventRecord event) override;
  /// Writes what is queued and hands it to followers. Runs by itself at the end of each loop iteration.
  void flush();
  /// Writes what is queued and closes the database (checkpointing its WAL); later events go to the log.
  void close();

  /// Stored events matching the query (after a flush, so everything recorded so far is included).
  Result<std::vector<StoredEvent>> query(const EventQuery& query);
  /// Sends every new event matching query's filters to conn as an "event" stream message, until it closes.
  void follow(const std::shared_ptr<Connection>& conn, nlohmann::json request_id, EventQuery query);
  void forget_connection(Connection& conn);

  /// Events in the store; nullopt without one.
  std::optional<std::int64_t> count();
  bool stored() const { return store_.has_value(); }
  const std::string& store_error() const { return store_error_; }

 private:
  struct Follower {
    std::weak_ptr<Connection> conn;
    nlohmann::json request_id;
    EventQuery query;
  };
  void open_store(const std::string& path, EventStoreLimits limits);

  std::optional<EventStore> store_;
  std::string store_error_;
  std::vector<StoredEvent> pending_;
  std::vector<Follower> followers_;
  // Written once the loop is otherwise idle, as state.json is: a burst of events becomes one transaction.
  Deferred flush_later_;
};

}  // namespace tend
