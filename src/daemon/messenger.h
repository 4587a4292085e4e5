#pragma once
#include <sys/types.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ipc/notify_socket.h"
#include "util/clock.h"
#include "util/result.h"
#include "util/units.h"

namespace tend {

class Instance;
class Supervisor;
struct ReplyWaiter;

/// Messages between children and everyone else (docs/ipc.md): what a child sends on its channel
/// (readiness, status, watchdog pings, messages routed to siblings, replies, everything recorded as events),
/// what `tend send` delivers, and sd_notify datagrams. Nothing a child sends can make it throw or block:
/// bad messages are dropped with a `message_dropped` event, and events per instance are rate-limited.
class Messenger {
 public:
  explicit Messenger(Supervisor& supervisor);
  ~Messenger();
  Messenger(const Messenger&) = delete;
  Messenger& operator=(const Messenger&) = delete;

  void on_message(Instance& from, std::string_view line);
  void on_dropped(Instance& from, const std::string& reason, std::size_t bytes);
  void on_notify(pid_t sender, const NotifyFields& fields);

  /// Who `tend send` reaches: NAME:I must have an open channel; NAME and all mean the instances that have
  /// one (at least one must). not_found-style errors (ENOENT) otherwise.
  Result<std::vector<Instance*>> recipients(const std::vector<std::string>& targets);
  /// Checks that message may be sent to a child at all: no Node-internal message (a child would crash).
  static Status check_outgoing(const nlohmann::json& message);

  struct Reply {
    std::string program;
    int instance = 0;
    nlohmann::json message;
  };
  /// Calls done with the first message each of `from` sends from now on, or at the timeout with those
  /// that came and the labels of those that did not.
  void await_replies(const std::vector<Instance*>& from, Millis timeout,
                     std::function<void(std::vector<Reply>, std::vector<std::string>)> done);

 private:
  void route(Instance& from, const std::string& to, const nlohmann::json& data, std::size_t bytes);
  void record_message(Instance& from, const nlohmann::json& message, std::string_view line);
  void answer_waiters(Instance& from, const nlohmann::json& message);
  /// At most kEventsPerSecond message events per instance; the rest are counted and summarized.
  bool allow_event(Instance& from);

  struct Budget {
    MonoTime window{};
    int used = 0;
    long suppressed = 0;
  };
  Supervisor& supervisor_;
  std::unordered_map<std::string, Budget> budgets_;
  std::vector<std::shared_ptr<ReplyWaiter>> waiters_;
  MonoTime unknown_sender_logged_{};
};

}  // namespace tend
