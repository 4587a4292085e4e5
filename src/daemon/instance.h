#pragma once
#include <sys/types.h>
#include <systemd/sd-event.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/program_spec.h"
#include "core/ready_check.h"
#include "daemon/event_sink.h"
#include "daemon/fd_holder.h"
#include "core/restart_policy.h"
#include "core/state.h"
#include "daemon/readiness_probe.h"
#include "daemon/timer.h"
#include "inspect/sample.h"
#include "ipc/child_channel.h"
#include "log/log_file.h"
#include "log/output_capture.h"
#include "proc/cgroup.h"
#include "proc/proc_stat.h"
#include "util/clock.h"
#include "util/unique_fd.h"

namespace tend {

class Instance;
class ProgramSockets;
struct SpawnRequest;

/// What an instance needs from the daemon: a narrow interface so the lifecycle reads on its own.
struct InstanceServices {
  sd_event* loop = nullptr;
  const Clock* clock = nullptr;
  const CgroupSupport* cgroups = nullptr;
  std::function<std::string(const std::string& program, int index, std::string_view stream)> log_path;
  /// Called after every state change (persist, wake waiters, log).
  std::function<void(Instance&, State from)> on_state_change;
  /// Called with bytes just appended to an instance's log ("out" or "err").
  std::function<void(Instance&, std::string_view stream, std::string_view bytes)> on_output;
  /// Tells the reaper which pid belongs to which instance (nullptr: forget the pid).
  std::function<void(pid_t, Instance*)> track_pid;
  /// Keeps copies of output pipes so children survive a daemon crash with their logs intact (may be null).
  FdHolder* fd_holder = nullptr;
  /// Where notable happenings are recorded (never null once the supervisor is constructed).
  EventSink* events = nullptr;
  /// The RLIMIT_NOFILE soft limit children get (the daemon raises its own to serve thousands of pipes).
  long child_nofile_soft = -1;
  /// A line the instance sent on its message channel (docs/ipc.md), and an oversized one that was dropped.
  std::function<void(Instance&, std::string_view line)> on_message;
  std::function<void(Instance&, const std::string& reason, std::size_t bytes)> on_message_dropped;
  /// The daemon's NOTIFY_SOCKET path, bound on first use.
  std::function<Result<std::string>()> notify_socket;
  /// Hands the wait status of a helper child (an exec readiness check) to a callback when it is reaped.
  std::function<void(pid_t, std::function<void(int)>)> watch_pid;
  /// Handles sd_notify messages that have arrived but not been read yet (before a readiness or watchdog
  /// deadline is declared missed).
  std::function<void()> drain_notify;
};

/// The saved part of an instance, as in state.json.
struct InstanceRecord {
  int index = 0;
  bool wanted = false;
  State state = State::created;
  pid_t pid = -1;
  pid_t pgid = -1;
  std::uint64_t start_ticks = 0;
  std::int64_t started_wall_ms = 0;
  std::string cgroup;
  int restarts = 0;
  std::optional<int> exit_code;
  std::optional<int> exit_signal;
  std::string reason;
  std::string status;  // the latest STATUS= (or {"tend":"status"}) of the process
};

/// One process of a program (NAME:I) and its lifecycle: spawn, watch, restart with backoff, stop as a list
/// of steps, log capture. Every state change goes through change_state().
class Instance {
 public:
  using StopDone = std::function<void(Instance&)>;

  /// spec and env are the program's and must outlive the instance.
  Instance(const ProgramSpec& spec, const Environment& env, int index, InstanceServices& services);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  /// Starts unless a process already exists. Fails synchronously with the spawn error (the instance is
  /// then `failed` with that reason).
  Status start();
  /// Holds an instance that was told to start until its program's dependencies are up (state `waiting`,
  /// with reason as the explanation). Calling it again only updates the reason.
  void hold_for_dependencies(std::string reason);
  /// Stops the whole tree: stop signal, kill timeout, kill, wait until every process is gone; `done` runs then.
  /// Cancels a pending restart. Runs `done` at once when nothing runs.
  void stop(StopDone done);
  /// Sends sig to the instance's process group (and cgroup members outside it).
  Status signal(int sig);
  /// The reaper reaped our main process.
  void on_reaped(int wait_status);
  /// The reaper reaped some other process: a stop waiting for the group to empty may be done now.
  void on_descendant_reaped();
  /// Rotates the log files now.
  void rotate_logs();
  /// The run has failed although the process is alive (RSS above max_memory): its stop signal, SIGKILL after
  /// the kill timeout, and then the restart policy decides as for any failed run — backoff, max_restarts,
  /// restart = "never". `why` is the failure, shown in ls and in the exit's reason.
  void fail_run(std::string why);

  /// Restores from state.json: adopts a still-alive process (identified by pid + start time), or notes it gone.
  /// An adopted process's output pipes are taken from held_fds (what the fd holder kept). Returns true when
  /// it adopted a live process.
  bool restore(const InstanceRecord& record, std::map<std::string, UniqueFd>& held_fds);

  // Messages, readiness and the watchdog (instance_channel.cpp, instance_readiness.cpp; docs/ipc.md).
  /// Delivers one message (a JSON document without '\n') on the channel. ENOTCONN without an open one;
  /// ENOBUFS when the child is not reading.
  Status deliver(std::string_view line);
  bool has_channel() const { return channel_ && channel_->open(); }
  /// Why deliver() would fail for want of a channel (ENOTCONN), or ok when there is an open one.
  Status channel_status() const;
  /// The child said it is ready (how: "ipc" or "notify", which must be its --ready): starting → running.
  void mark_ready(std::string_view how);
  /// STATUS=: a line shown by `tend ls`.
  void set_status(std::string status);
  const std::string& status() const { return status_; }
  /// WATCHDOG=1 (or {"tend":"watchdog"}): the watchdog starts over.
  void watchdog_ping();
  /// WATCHDOG=trigger, or the watchdog expired: SIGABRT to the tree, then restart per the policy.
  void watchdog_trip(std::string why);
  /// WATCHDOG_USEC=: a new watchdog timeout for this run (0 turns it off).
  void set_watchdog_timeout(Millis timeout);
  /// EXTEND_TIMEOUT_USEC=: the readiness deadline is at least this far away.
  void extend_ready_timeout(Millis extension);
  ReadyKind ready_kind() const;
  /// Handles what the child has already said (channel, notify socket) but the loop has not read yet: a
  /// deadline is checked after this, so a message that came in time counts even if the loop was busy.
  void drain_messages();

  // For a rolling reload's successor, which runs beside the instance it replaces.
  /// The instance's cgroup directory name (default NAME-I).
  void set_cgroup_leaf(std::string leaf) { cgroup_leaf_ = std::move(leaf); }
  const std::string& cgroup_leaf() const { return cgroup_leaf_; }
  /// Writes to the same log files as other (both append to NAME-I.*.log while they overlap).
  void share_logs_with(Instance& other);
  /// Appended to label() in the daemon log: " (successor)", " (old)".
  void set_label_suffix(std::string suffix) { label_suffix_ = std::move(suffix); }
  /// The program's listening sockets, passed at fd 3.. (null when it has none).
  void attach_sockets(ProgramSockets* sockets) { sockets_ = sockets; }

  InstanceRecord record() const;
  /// Appends this instance's `ls --json` object to out.
  void describe(std::string& out, std::int64_t now_wall_ms) const;

  const ProgramSpec& spec() const { return spec_; }
  int index() const { return index_; }
  std::string label() const { return spec_.name + ":" + std::to_string(index_) + label_suffix_; }
  State state() const { return state_; }
  pid_t pid() const { return pid_; }
  bool wanted() const { return wanted_; }
  void set_wanted(bool wanted) { wanted_ = wanted; }
  const std::string& reason() const { return reason_; }
  const std::optional<ExitInfo>& last_exit() const { return last_exit_; }
  pid_t pgid() const { return pgid_; }
  /// The process group of the latest run, kept after it ended (leftovers and orphans still carry it).
  pid_t last_pgid() const { return last_pgid_; }
  /// The cgroup directory its runs use (the same for every run), or empty without cgroups.
  std::string cgroup_dir() const;
  const Cgroup& cgroup() const { return cgroup_; }
  MonoTime state_since() const { return state_since_; }
  std::int64_t started_wall_ms() const { return started_wall_ms_; }
  std::uint64_t start_ticks() const { return start_ticks_; }
  int restarts() const { return restarts_; }
  bool adopted() const { return adopted_; }
  /// /proc/PID/stat of the main process, through the descriptor kept open while it runs.
  Result<ProcStat> read_stat() const;
  /// The sampling baseline and latest figures (see inspect/sample.h); the sampler and one-shot readers
  /// (ls, inspect, metrics) update it.
  SampleState& sample_state() const { return sample_; }
  /// What a first reading of the current process is compared with: its start.
  Reading start_reading() const;

 private:
  Status spawn_now();
  void change_state(State to, std::string reason = {});
  void finish_run(ExitInfo exit);
  void after_unexpected_exit(const ExitInfo& exit);
  void kill_leftovers();
  /// Removes the instance's cgroup directory once nothing lives in it.
  void release_cgroup();
  void check_gone();
  void finish_stop();
  void on_kill_timeout();
  void on_uptime_reached();
  void open_logs();
  void capture_output(UniqueFd out_read, UniqueFd err_read);
  void hold_pipes(bool hold, int out_fd = -1, int err_fd = -1);
  void close_captures(bool final);
  bool group_alive() const;
  void watch_adopted_exit();
  void open_stat();
  void record_exit(const ExitInfo& exit, Millis run_time);
  static int on_adopted_exit(sd_event_source* s, int fd, uint32_t revents, void* self);
  static int on_cgroup_event(sd_event_source* s, const struct inotify_event* ev, void* self);
  // instance_channel.cpp
  Status prepare_links(SpawnRequest& request, UniqueFd& channel_parent, UniqueFd& channel_child);
  void attach_channel(UniqueFd fd);
  void hold_channel(bool hold);
  void close_channel();
  // instance_readiness.cpp
  std::string starting_reason() const;
  void begin_readiness();
  void end_readiness();
  void start_watchdog();
  void on_ready_timeout();
  void on_watchdog_timeout();
  /// Kills a run that failed (readiness timeout, watchdog) without a stop: sig to the tree, SIGKILL after the
  /// kill timeout; the exit then restarts it per the policy, as a failure.
  void kill_for(std::string why, int sig);
  std::string port_value() const;

  const ProgramSpec& spec_;  // owned by the Program, which outlives its instances; never changes
  const Environment& env_;   // likewise (shared between programs with the same environment)
  int index_;
  InstanceServices& services_;

  State state_ = State::created;
  MonoTime state_since_{};
  std::string reason_;
  bool wanted_ = false;

  pid_t pid_ = -1;
  pid_t pgid_ = -1;
  pid_t last_pgid_ = -1;
  UniqueFd pidfd_;
  UniqueFd stat_fd_;  // /proc/PID/stat kept open: `ls` re-reads it with one pread instead of open+read+close
  std::uint64_t start_ticks_ = 0;
  MonoTime started_at_{};
  std::int64_t started_wall_ms_ = 0;
  bool adopted_ = false;  // not our child (restored after a daemon restart): exit seen via pidfd only
  sd_event_source* adopted_source_ = nullptr;

  Cgroup cgroup_;
  sd_event_source* cgroup_watch_ = nullptr;

  std::shared_ptr<LogFile> out_log_, err_log_;  // shared with a reload's successor while both run
  std::unique_ptr<OutputCapture> out_capture_, err_capture_;

  int restarts_ = 0;
  RestartHistory history_;
  std::optional<ExitInfo> last_exit_;

  Timer uptime_timer_;
  Timer retry_timer_;
  Timer kill_timer_;
  bool main_exited_ = false;
  bool killed_ = false;
  std::vector<StopDone> stop_waiters_;
  // A cache of the last /proc reading rather than state: a one-shot reader (`ls`, const) refreshes it.
  mutable SampleState sample_;

  std::unique_ptr<ChildChannel> channel_;
  std::unique_ptr<ReadinessProbe> probe_;
  Timer ready_timer_;
  Timer watchdog_timer_;
  MonoTime ready_deadline_{};
  Millis watchdog_timeout_{0};
  bool became_ready_ = false;
  std::string failure_;  // why a run is being killed (not ready in time, watchdog), for the restart's reason
  std::string status_;
  std::string cgroup_leaf_;
  std::string label_suffix_;
  ProgramSockets* sockets_ = nullptr;
};

/// ExitInfo from a waitpid status: exit code, or 128+N with the signal for signal deaths.
ExitInfo exit_info_from_status(int wait_status);
/// "exit 3", "SIGKILL", "exit unknown".
std::string describe_exit(const ExitInfo& exit);

}  // namespace tend
