#include "daemon/stored_events.h"

#include <cstdio>

#include "daemon/priorities.h"
#include "util/clock.h"
#include "util/daemon_log.h"

namespace tend {
namespace {

// Past this many queued events the queue is written at once: a loop kept busy by higher-priority sources
// (a log flood) must not let it grow without bound.
constexpr std::size_t kMaxPending = 1000;

void log_event(const StoredEvent& e) {
  if (e.record.program.empty()) return log_info("event {}: {}", e.record.kind, e.record.message);
  log_info("event {} {}:{}: {}", e.record.kind, e.record.program, e.record.instance, e.record.message);
}

}  // namespace

StoredEvents::StoredEvents(sd_event* loop, const std::string& path, EventStoreLimits limits)
    : flush_later_(loop, kPrioritySave, [this] { flush(); }) {
  open_store(path, limits);
}

StoredEvents::~StoredEvents() { flush(); }

void StoredEvents::open_store(const std::string& path, EventStoreLimits limits) {
  auto store = EventStore::open(path, limits);
  if (!store) {
    // An unusable file must not cost the history from now on: keep it for inspection, start afresh.
    std::string aside = path + ".broken-" + std::to_string(wall_ms());
    log_warning("{}; moving it to {} and starting a new one", store.error().message, aside);
    if (std::rename(path.c_str(), aside.c_str()) == 0) {
      for (const char* suffix : {"-wal", "-shm"}) std::remove((path + suffix).c_str());
      store = EventStore::open(path, limits);
    }
  }
  if (!store) {
    store_error_ = store.error().message;
    log_error("{}; events are written to this log only", store_error_);
    return;
  }
  store_.emplace(std::move(*store));
}

void StoredEvents::record(EventRecord event) {
  StoredEvent e;
  e.time_ms = wall_ms();
  e.record = std::move(event);
  pending_.push_back(std::move(e));
  if (pending_.size() >= kMaxPending) flush();
  else flush_later_.schedule();
}

void StoredEvents::close() {
  flush();
  store_.reset();
  store_error_ = "the daemon is exiting";
}

void StoredEvents::flush() {
  if (pending_.empty()) return;
  std::vector<StoredEvent> events = std::move(pending_);
  pending_.clear();
  if (store_) {
    if (auto st = store_->append(events); !st) {
      log_error("{}; these events are written to this log only", st.error().message);
      for (const auto& e : events) log_event(e);
    }
  } else {
    for (const auto& e : events) log_event(e);
  }
  if (followers_.empty()) return;
  bool any_gone = false;
  for (const auto& e : events) {
    nlohmann::json message;
    for (auto& f : followers_) {
      auto conn = f.conn.lock();
      if (!conn || !conn->alive()) {
        any_gone = true;
        continue;
      }
      if (!event_matches(f.query, e)) continue;
      if (message.is_null()) message = event_json(e);
      conn->send(make_stream_message(f.request_id, "event", message));
    }
  }
  if (any_gone) std::erase_if(followers_, [](const Follower& f) { return f.conn.expired() || !f.conn.lock()->alive(); });
}

Result<std::vector<StoredEvent>> StoredEvents::query(const EventQuery& query) {
  flush();
  if (!store_) return Error{EIO, "no event history: " + store_error_};
  return store_->query(query);
}

std::optional<std::int64_t> StoredEvents::count() {
  flush();
  if (!store_) return std::nullopt;
  auto n = store_->count();
  return n ? std::optional(*n) : std::nullopt;
}

void StoredEvents::follow(const std::shared_ptr<Connection>& conn, nlohmann::json request_id, EventQuery query) {
  followers_.push_back({conn, std::move(request_id), std::move(query)});
}

void StoredEvents::forget_connection(Connection& conn) {
  std::erase_if(followers_, [&](const Follower& f) {
    auto c = f.conn.lock();
    return !c || c.get() == &conn;
  });
}

}  // namespace tend
