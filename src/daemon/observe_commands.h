#pragma once
// The daemon's side of the commands that look rather than act: `inspect`, `tree`, `events`, `samples`
// (what `tend top` subscribes to) and `metrics`. They are served while shutting down too.
#include <memory>

#include "daemon/sampler.h"
#include "daemon/stored_events.h"
#include "daemon/supervisor.h"
#include "ipc/control_server.h"

namespace tend {

class ObserveCommands {
 public:
  ObserveCommands(Supervisor& supervisor, Sampler& sampler, StoredEvents& events);

  /// Answers req when it is one of these commands (true); false leaves it to the other handlers.
  bool handle(const std::shared_ptr<Connection>& conn, const Request& req);
  void forget_connection(Connection& conn);

 private:
  using ConnPtr = std::shared_ptr<Connection>;
  void inspect(const ConnPtr& conn, const Request& req);
  void tree(const ConnPtr& conn, const Request& req);
  void events(const ConnPtr& conn, const Request& req);
  void samples(const ConnPtr& conn, const Request& req);
  void metrics(const ConnPtr& conn, const Request& req);

  Supervisor& supervisor_;
  Sampler& sampler_;
  StoredEvents& events_;
};

/// Reads the filters of an `events` request (since_ms, after_id, limit, newest, program, instance, kinds);
/// EINVAL naming the bad argument. limit is at most kMaxEventsPerResponse.
Result<EventQuery> event_query_from_args(const nlohmann::json& args);
inline constexpr std::size_t kMaxEventsPerResponse = 10'000;

}  // namespace tend
