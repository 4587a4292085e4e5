#pragma once
#include <sys/types.h>
#include <systemd/sd-event.h>

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/deferred.h"
#include "daemon/instance.h"
#include "daemon/paths.h"
#include "daemon/program_sockets.h"
#include "ipc/control_server.h"
#include "proc/cgroup.h"
#include "util/clock.h"

namespace tend {

class Messenger;
class NotifySocket;
class RollingReload;

/// A defined program and its instances NAME:0..N-1.
struct Program {
  ProgramSpec spec;  // spec.env is moved into env (shared) when the program is defined
  std::shared_ptr<const Environment> env;
  std::string spec_json;  // cache of the serialized spec for state.json (cleared when apply changes the spec)
  std::string source;     // the config file that defined it; empty for `tend start`
  std::vector<std::unique_ptr<Instance>> instances;
  std::unique_ptr<ProgramSockets> sockets;  // its --listen sockets (null without any)

  /// The spec with its complete environment, as a config file would declare it.
  ProgramSpec full_spec() const;
};

/// A config file `tend apply` loaded: SIGHUP and `tend reload-config` load it again with the same base
/// environment and the same --prune choice.
struct AppliedFile {
  std::string path;
  std::shared_ptr<const Environment> base_env;
  bool prune = false;
};

/// A `tend wait`: answered when every instance is in `target`, or with an error at the deadline.
struct StateWaiter;
/// A `tend logs -f` client and what it follows.
struct LogFollower {
  std::weak_ptr<Connection> conn;
  nlohmann::json request_id;
  std::string program;  // empty: all
  int instance = -1;    // -1: all
  std::string stream;   // empty: both
};

/// Owns every program and instance; the daemon's single source of truth. Reaps children, persists
/// state.json after changes, wakes waiters and feeds log followers.
class Supervisor {
 public:
  /// fd_holder may be null (output then does not survive a daemon crash).
  Supervisor(sd_event* loop, Paths paths, CgroupSupport cgroups, FdHolder* fd_holder, long child_nofile_soft);
  ~Supervisor();

  /// Defines a program and starts its instances (unless start is false). exists / spawn_failed /
  /// bad_request errors.
  Result<Program*> add_program(ProgramSpec spec, std::string source = {}, bool start = true);
  /// Replaces a stopped program's definition: new spec and environment, fresh instances (not started).
  void redefine_program(Program& program, ProgramSpec spec);
  /// Changes the instance count: new instances are created (not started); surplus ones must be stopped.
  void resize_program(Program& program, int instances);

  /// Marks the instances wanted and starts them, or holds them `waiting` while their program's
  /// dependencies are not up. Returns the spawn errors, "NAME:I: why; ...", empty when none.
  std::string start_instances(const std::vector<Instance*>& instances);
  /// Stops the instances, dependants before what they depend on (among the programs involved); each runs
  /// after its instance stopped, done after all.
  void stop_instances(const std::vector<Instance*>& instances, std::function<void(Instance&)> each,
                      std::function<void()> done);
  /// Why the program may not start yet ("waiting for db (db:0 is starting)"), or empty.
  std::string dependency_blocker(const Program& program);
  Program* find(const std::string& name);
  /// Resolves "NAME", "NAME:I" and "all" to instances, in definition order, without duplicates.
  Result<std::vector<Instance*>> resolve(const std::vector<std::string>& targets);
  std::vector<std::unique_ptr<Program>>& programs() { return programs_; }

  /// Stops every instance of the programs (dependants first), then forgets them; done runs after.
  void remove_programs(const std::vector<std::string>& names, std::function<void()> done);
  /// Stops everything in parallel (each honouring its kill timeout); done runs when all are gone.
  /// Instances keep `wanted`, so the next daemon brings the same set back.
  void stop_all(std::function<void()> done);

  /// Reaps every exited child (SIGCHLD): our instances, children registered by other owners (jobs) and
  /// orphans re-parented to us as subreaper.
  void reap_children();
  /// The instance a process re-parented to us came from ("web:0"), when its cgroup, process group or
  /// session tells (see inspect/orphan_origin.h); empty otherwise.
  std::string orphan_origin(pid_t pid);
  /// Called after every state change of any instance, after the supervisor's own handling.
  void add_state_listener(std::function<void(Instance&, State from)> listener) {
    state_listeners_.push_back(std::move(listener));
  }
  /// Registers a child that is not an instance (a job, an exec readiness check): the reaper hands its wait
  /// status to on_exit, once. forget_child drops the registration (its owner is going away).
  void watch_child(pid_t pid, std::function<void(int wait_status)> on_exit);
  void forget_child(pid_t pid) { child_watchers_.erase(pid); }

  void add_waiter(std::shared_ptr<StateWaiter> waiter);
  void add_follower(LogFollower follower) { followers_.push_back(std::move(follower)); }
  void forget_connection(Connection& conn);

  /// Loads state.json: programs, and for instances that were up, adopts live processes (with their output
  /// pipes from held_fds) or restarts them.
  Status restore(std::map<std::string, UniqueFd> held_fds);
  /// Writes state.json now (atomic).
  Status save();
  /// Schedules a save at the end of this loop iteration (coalesces bursts of changes into one write).
  void schedule_save();

  /// One shared copy per distinct environment: programs started from the same shell capture the same one,
  /// and an environment is kilobytes.
  std::shared_ptr<const Environment> intern_environment(Environment env);

  std::vector<AppliedFile>& applied_files() { return applied_files_; }
  /// Records (or updates) a file apply loaded.
  void remember_applied(const std::string& path, Environment base_env, bool prune);

  // Messages, readiness, clusters (supervisor_ipc.cpp, rolling_reload.cpp; docs/ipc.md).
  /// Children's messages, `tend send` and sd_notify.
  Messenger& messenger() { return *messenger_; }
  /// The instance a process belongs to: a main process, else (by cgroup, or by process group without
  /// cgroups) one of its descendants. Null when none.
  Instance* instance_of_process(pid_t pid);
  /// Every instance, with those a rolling reload runs beside them.
  void for_each_instance(const std::function<void(Instance&)>& fn);
  /// A new instance of program at index (its sockets attached), not started.
  std::unique_ptr<Instance> make_instance(Program& program, int index);
  /// The rolling reload of program in progress, or null.
  RollingReload* reload_of(const std::string& program);
  void add_reload(std::shared_ptr<RollingReload> reload);
  /// Forgets a finished reload (at the end of this loop iteration: it may be on the stack).
  void remove_reload(RollingReload* reload);

  /// Where events go; replace_events swaps in another sink (the default writes to the daemon log).
  EventSink& events() { return *services_.events; }
  void replace_events(EventSink* sink) { services_.events = sink ? sink : &log_events_; }

  sd_event* loop() const { return loop_; }
  const Paths& paths() const { return paths_; }
  const CgroupSupport& cgroups() const { return cgroups_; }

 private:
  void on_state_change(Instance& instance, State from);
  void on_output(Instance& instance, std::string_view stream, std::string_view bytes);
  void check_waiters();
  /// Starts `waiting` instances whose dependencies came up (deferred to the end of the loop iteration).
  void schedule_dependency_check();
  void release_waiting();
  std::unique_ptr<Program> make_program(ProgramSpec spec);
  void add_missing_instances(Program& program);
  /// Creates (or keeps, when the addresses are the same) the program's listening sockets, taking copies a
  /// previous daemon left with the fd holder from held.
  void prepare_sockets(Program& program, std::map<std::string, UniqueFd>* held = nullptr);
  Result<std::string> notify_socket_path();
  /// Wraps done so that it also waits for the rolling reloads of these instances' programs, which are
  /// aborted (their extra instances stopped) first.
  std::function<void()> abort_reloads(const std::vector<Instance*>& instances, std::function<void()> done);
  static int on_reap_reloads(sd_event_source* s, void* self);

  sd_event* loop_;
  Paths paths_;
  CgroupSupport cgroups_;
  SteadyClock clock_;
  DaemonLogEvents log_events_;
  InstanceServices services_;
  std::vector<std::unique_ptr<Program>> programs_;
  std::unordered_map<pid_t, Instance*> pids_;
  std::unordered_map<pid_t, std::function<void(int)>> child_watchers_;  // see watch_child
  std::vector<std::shared_ptr<StateWaiter>> waiters_;
  std::vector<LogFollower> followers_;
  Deferred save_later_;                // state.json once the loop is otherwise idle: bursts become one write
  Deferred dependency_check_later_;    // release_waiting() after this iteration's state changes
  std::vector<AppliedFile> applied_files_;
  std::vector<std::function<void(Instance&, State from)>> state_listeners_;
  bool restoring_ = false;
  std::string last_durable_state_;
  std::vector<std::weak_ptr<const Environment>> environments_;  // definitions + wanted flags as last fsynced
  std::unique_ptr<Messenger> messenger_;
  std::unique_ptr<NotifySocket> notify_;
  std::vector<std::shared_ptr<RollingReload>> reloads_;
  std::vector<std::shared_ptr<RollingReload>> finished_reloads_;
  sd_event_source* reap_reloads_source_ = nullptr;
};

struct StateWaiter {
  std::weak_ptr<Connection> conn;
  nlohmann::json request_id;
  std::vector<std::pair<std::string, int>> instances;  // program name, index
  State target = State::running;
  std::unique_ptr<Timer> deadline;
  bool done = false;
};

}  // namespace tend
