#pragma once
#include <sys/types.h>
#include <systemd/sd-event.h>

#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "util/clock.h"
#include "util/result.h"
#include "util/units.h"

namespace tend {

class Instance;
class Supervisor;
struct InstanceRecord;

/// `tend reload NAME`: replaces a program's instances one at a time, each by a successor started beside it.
/// For each instance: start the successor (same spec, its own cgroup, the same log files), wait until it is
/// `running` — which with --ready means ready — then make it the instance NAME:I and stop the old process
/// gracefully, and only once that is gone go on with the next. So the ready-instance count never drops
/// below N (and never below 1 for N = 1). Instances that are not up are simply started; stopped ones are
/// left alone. A successor that fails (exits, is not ready in time) ends the reload with an error; the old
/// instance keeps running. A stop, delete or apply touching the program aborts the reload.
///
/// Decisions are taken in a deferred event (never inside an instance's own state change), so instances are
/// never destroyed under their own feet.
class RollingReload : public std::enable_shared_from_this<RollingReload> {
 public:
  struct Step {
    int instance = 0;
    pid_t old_pid = -1;  // -1: it had no process and was just started
    pid_t new_pid = -1;
    Millis ready_after{0};
  };
  using Progress = std::function<void(const Step&)>;
  using Done = std::function<void(const Status&, const std::vector<Step>&)>;

  RollingReload(Supervisor& supervisor, std::string program, Progress progress, Done done);
  ~RollingReload();
  RollingReload(const RollingReload&) = delete;
  RollingReload& operator=(const RollingReload&) = delete;

  void begin();
  /// Every state change of every instance (the supervisor forwards them); acts later, in advance().
  void on_state_change(Instance& instance);
  /// Stops the successor (if any); after runs once nothing the reload started is running any more.
  void abort(std::string why, std::function<void()> after);

  const std::string& program() const { return program_; }
  bool finished() const { return finished_; }
  /// The instances it runs beside the program's own: the successor, and old ones being stopped.
  std::vector<Instance*> transient() const;

 private:
  void schedule_advance();
  static int on_advance(sd_event_source* s, void* self);
  void advance();
  void next_slot();
  void start_successor(Instance& old);
  void promote();
  void fail(std::string why);
  bool transient_running() const;
  void finish(const Status& status);

  Supervisor& supervisor_;
  std::string program_;
  Progress progress_;
  Done done_;
  sd_event_source* advance_source_ = nullptr;
  std::size_t slot_ = 0;
  std::unique_ptr<Instance> successor_;
  std::vector<std::unique_ptr<Instance>> retiring_;
  std::vector<Step> steps_;
  std::string error_;
  std::vector<std::function<void()>> after_abort_;
  bool finished_ = false;
};

/// The saved part of a reload's transient instances (state.json "transient"), and what a new daemon does
/// with it after a crash mid-reload: the processes are killed (SIGKILL to their cgroup and process group),
/// the reload having died with the daemon; the instance NAME:I itself is restored as usual.
nlohmann::json transient_records(const RollingReload& reload);
void kill_transient(const nlohmann::json& records);

}  // namespace tend
