#pragma once
// Where the daemon's notable happenings go: state changes, exits, restarts, memory-limit kills, config
// applies, messages from children. `tend events` reads them back. Producers only see this interface.
#include <string>

#include <nlohmann/json.hpp>

namespace tend {

/// One happening. kind is a fixed word ("state", "exit", "restart", "apply", "message", ...); program and
/// instance are empty / -1 when it concerns the daemon as a whole; data holds the kind's own fields.
struct EventRecord {
  std::string kind;
  std::string program;
  int instance = -1;
  std::string message;  // one line for people, as `tend events` prints it
  nlohmann::json data = nlohmann::json::object();
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  /// Records the event; never fails the caller (a sink that cannot store it says so in the daemon log).
  virtual void record(EventRecord event) = 0;
};

/// The simplest sink: one line per event in the daemon log.
class DaemonLogEvents final : public EventSink {
 public:
  void record(EventRecord event) override;
};

}  // namespace tend
