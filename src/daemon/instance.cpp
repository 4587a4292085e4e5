#include "daemon/instance.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/containment.h"
#include "daemon/event_kinds.h"
#include "daemon/priorities.h"
#include "daemon/program_sockets.h"
#include "proc/pidfd.h"
#include "proc/proc_stat.h"
#include "proc/spawn.h"
#include "util/daemon_log.h"
#include "util/signals.h"

namespace tend {

namespace {

// After SIGKILL, how long to wait for the kernel to tear the processes down before giving up on them
// (only uninterruptible sleep can take this long).
constexpr Millis kKillGrace{5000};

std::optional<int> code_of(const ExitInfo& e) { return e.exit_code >= 0 ? std::optional(e.exit_code) : std::nullopt; }
std::optional<int> signal_of(const ExitInfo& e) { return e.signal > 0 ? std::optional(e.signal) : std::nullopt; }

}  // namespace

ExitInfo exit_info_from_status(int status) {
  if (WIFEXITED(status)) return ExitInfo{WEXITSTATUS(status), 0};
  if (WIFSIGNALED(status)) return ExitInfo{-1, WTERMSIG(status)};
  return ExitInfo{};
}

std::string describe_exit(const ExitInfo& exit) {
  if (exit.signal > 0) return signal_name(exit.signal);
  if (exit.exit_code >= 0) return fmt::format("exit {}", exit.exit_code);
  return "exit status unknown";
}

Instance::Instance(const ProgramSpec& spec, const Environment& env, int index, InstanceServices& services)
    : spec_(spec),
      env_(env),
      index_(index),
      services_(services),
      state_since_(services.clock->now()),
      uptime_timer_(services.loop, [this] { on_uptime_reached(); }),
      retry_timer_(services.loop, [this] { (void)spawn_now(); }),
      kill_timer_(services.loop, [this] { on_kill_timeout(); }),
      ready_timer_(services.loop, [this] { on_ready_timeout(); }),
      watchdog_timer_(services.loop, [this] { on_watchdog_timeout(); }),
      cgroup_leaf_(fmt::format("{}-{}", spec.name, index)) {}

Instance::~Instance() {
  // The supervisor stops instances before destroying them; this only releases what is left.
  if (pid_ > 0 && !adopted_) services_.track_pid(pid_, nullptr);
  sd_event_source_disable_unref(adopted_source_);
  sd_event_source_disable_unref(cgroup_watch_);
}

void Instance::change_state(State to, std::string reason) {
  if (!transition_allowed(state_, to)) {
    log_error("{}: refused illegal transition {} -> {}", label(), state_name(state_), state_name(to));
    return;
  }
  State from = state_;
  state_ = to;
  state_since_ = services_.clock->now();
  reason_ = std::move(reason);
  services_.on_state_change(*this, from);
}

Status Instance::start() {
  if (has_process(state_)) return {};
  retry_timer_.cancel();
  if (state_ == State::failed || state_ == State::stopped || state_ == State::exited || state_ == State::waiting)
    history_ = {};
  return spawn_now();
}

void Instance::hold_for_dependencies(std::string reason) {
  if (has_process(state_)) return;
  retry_timer_.cancel();
  if (state_ == State::waiting) reason_ = std::move(reason);  // same state, newer detail (shown by ls)
  else change_state(State::waiting, std::move(reason));
}

void Instance::open_logs() {
  if (out_log_) return;
  out_log_ = std::make_shared<LogFile>(services_.log_path(spec_.name, index_, "out"), spec_.log_max_size,
                                       spec_.log_keep);
  err_log_ = std::make_shared<LogFile>(services_.log_path(spec_.name, index_, "err"), spec_.log_max_size,
                                       spec_.log_keep);
  for (auto* file : {out_log_.get(), err_log_.get()})
    if (auto st = file->open(); !st) log_warning("{}: {}", label(), st.error().message);
}

Status Instance::spawn_now() {
  open_logs();
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return errno_error("unable to create a pipe");
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return errno_error("unable to create a pipe");
  }
  UniqueFd out_read(out_pipe[0]), out_write(out_pipe[1]), err_read(err_pipe[0]), err_write(err_pipe[1]);

  SpawnRequest request;
  request.argv = spec_.argv();
  request.env = env_;
  if (spec_.port_base) request.env["PORT"] = std::to_string(*spec_.port_base + index_);
  UniqueFd channel_parent, channel_child;
  if (auto st = prepare_links(request, channel_parent, channel_child); !st) {
    log_warning("{}: {}", label(), st.error().message);
    change_state(State::failed, st.error().message);
    return st.error();
  }
  request.cwd = spec_.cwd;
  request.nice = spec_.nice;
  request.nofile_soft = services_.child_nofile_soft;
  request.stdout_fd = out_write.get();
  request.stderr_fd = err_write.get();
  UniqueFd cgroup_fd;
  if (services_.cgroups->available) {
    cgroup_ = Cgroup(fmt::format("{}/{}", services_.cgroups->base, cgroup_leaf_));
    auto fd = cgroup_.create();
    if (fd) cgroup_fd = std::move(*fd);
    else log_warning("{}: {}; starting it without a cgroup", label(), fd.error().message);
    if (!cgroup_fd) cgroup_ = Cgroup();
    request.cgroup_fd = cgroup_fd.get();
  }

  auto child = spawn(request);
  out_write.reset();
  err_write.reset();
  channel_child.reset();
  if (!child) {
    release_cgroup();
    log_warning("{}: {}", label(), child.error().message);
    change_state(State::failed, child.error().message);
    return child.error();
  }
  pid_ = child->pid;
  pgid_ = child->pid;  // spawn() made it a session (and group) leader
  last_pgid_ = pgid_;
  pidfd_ = std::move(child->pidfd);
  adopted_ = false;
  open_stat();
  auto stat = read_stat();
  start_ticks_ = stat ? stat->starttime_ticks : 0;
  started_at_ = services_.clock->now();
  started_wall_ms_ = wall_ms();
  main_exited_ = false;
  killed_ = false;
  services_.track_pid(pid_, this);

  hold_pipes(true, out_read.get(), err_read.get());
  capture_output(std::move(out_read), std::move(err_read));
  attach_channel(std::move(channel_parent));
  hold_channel(true);
  status_.clear();
  failure_.clear();
  became_ready_ = false;
  change_state(State::starting, starting_reason());
  begin_readiness();
  return {};
}

void Instance::capture_output(UniqueFd out_read, UniqueFd err_read) {
  auto sink = [this](std::string_view stream) {
    return [this, stream](std::string_view bytes) { services_.on_output(*this, stream, bytes); };
  };
  if (out_read)
    out_capture_ = std::make_unique<OutputCapture>(services_.loop, std::move(out_read), *out_log_, spec_.log_time,
                                                   kPriorityLogs, sink("out"));
  if (err_read)
    err_capture_ = std::make_unique<OutputCapture>(services_.loop, std::move(err_read), *err_log_, spec_.log_time,
                                                   kPriorityLogs, sink("err"));
}

void Instance::hold_pipes(bool hold, int out_fd, int err_fd) {
  if (!services_.fd_holder || pid_ <= 0) return;
  auto out_key = FdHolder::key(spec_.name, index_, "out", pid_);
  auto err_key = FdHolder::key(spec_.name, index_, "err", pid_);
  if (hold) {
    services_.fd_holder->put(out_key, out_fd);
    services_.fd_holder->put(err_key, err_fd);
  } else {
    services_.fd_holder->remove(out_key);
    services_.fd_holder->remove(err_key);
  }
}

void Instance::on_uptime_reached() {
  if (state_ != State::starting) return;
  change_state(State::running);
  start_watchdog();
}

void Instance::close_captures(bool final) {
  // Drain before the exit is recorded, so the last lines (even without a newline) are never lost.
  if (out_capture_) out_capture_->drain(final);
  if (err_capture_) err_capture_->drain(final);
  out_capture_.reset();
  err_capture_.reset();
}

void Instance::on_reaped(int wait_status) { finish_run(exit_info_from_status(wait_status)); }

void Instance::finish_run(ExitInfo exit) {
  close_captures(true);
  close_channel();  // its last messages too are handled before the exit is recorded
  end_readiness();
  hold_pipes(false);
  if (!adopted_) services_.track_pid(pid_, nullptr);
  adopted_source_ = sd_event_source_disable_unref(adopted_source_);
  pidfd_.reset();
  stat_fd_.reset();
  uptime_timer_.cancel();
  last_exit_ = exit;
  Millis run_time = std::chrono::duration_cast<Millis>(services_.clock->now() - started_at_);
  log_info("{}: pid {} ended ({}) after {}", label(), pid_, describe_exit(exit), format_duration(run_time));
  record_exit(exit, run_time);
  pid_ = -1;
  if (state_ == State::stopping) {
    main_exited_ = true;
    check_gone();
    return;
  }
  kill_timer_.cancel();  // armed when a failed run was being killed (readiness timeout, watchdog)
  kill_leftovers();
  // A run killed for not being ready or for its watchdog failed, whatever it exited with; a run that never
  // became ready is an unstable start, however long it took to fail.
  ExitInfo policy_exit = exit;
  if (!failure_.empty() && policy_exit.clean()) policy_exit.exit_code = 1;
  Millis policy_run = ready_kind() != ReadyKind::none && !became_ready_ ? Millis(0) : run_time;
  std::string ended =
      failure_.empty() ? describe_exit(exit) : fmt::format("{}; {}", failure_, describe_exit(exit));
  auto decision = decide_restart(policy_exit, policy_run, history_, spec_.restart, services_.clock->now());
  using Action = RestartDecision::Action;
  if (decision.action == Action::stay_down) {
    release_cgroup();
    change_state(State::exited, ended);
  } else if (decision.action == Action::give_up) {
    release_cgroup();
    change_state(State::failed, fmt::format("gave up: {} unstable restarts within {} (last {})",
                                            spec_.restart.max_restarts,
                                            format_duration(spec_.restart.restart_window), ended));
  } else {
    ++restarts_;
    services_.events->record({std::string(kEventRestart), spec_.name, index_,
                              fmt::format("restart {} in {} after {}", restarts_, format_duration(decision.delay),
                                          ended),
                              {{"restarts", restarts_},
                               {"delay_ms", decision.delay.count()},
                               {"unstable", policy_run < spec_.restart.min_uptime},
                               {"cause", failure_.empty() ? "exit" : "failure"}}});
    change_state(State::backoff, fmt::format("{}; restarting in {}", ended, format_duration(decision.delay)));
    if (decision.delay.count() == 0) (void)spawn_now();
    else retry_timer_.arm(decision.delay);
  }
}

void Instance::record_exit(const ExitInfo& exit, Millis run_time) {
  auto code = code_of(exit);
  auto sig = signal_of(exit);
  services_.events->record({std::string(kEventExit), spec_.name, index_,
                            fmt::format("pid {} ended ({}) after {}", pid_, describe_exit(exit),
                                        format_elapsed(run_time)),
                            {{"pid", pid_},
                             {"exit_code", code ? nlohmann::json(*code) : nlohmann::json(nullptr)},
                             {"signal", sig ? nlohmann::json(signal_name(*sig)) : nlohmann::json(nullptr)},
                             {"run_ms", run_time.count()},
                             {"started_ms", started_wall_ms_}}});
}

void Instance::fail_run(std::string why) {
  if ((state_ != State::running && state_ != State::starting) || !failure_.empty()) return;
  kill_for(std::move(why), spec_.stop_signal);
}

void Instance::kill_leftovers() {
  // The main process is gone on its own; whatever it left behind goes too (as systemd's control-group mode).
  if (!cgroup_.empty()) {
    // The directory itself is kept for the restart: creating a cgroup costs more than a spawn.
    if (auto populated = cgroup_.populated(); populated && *populated) (void)cgroup_.kill();
  } else if (pgid_ > 0) {
    ::kill(-pgid_, SIGKILL);
  }
  pgid_ = -1;
}

void Instance::stop(StopDone done) {
  switch (state_) {
    case State::starting:
    case State::running:
      stop_waiters_.push_back(std::move(done));
      uptime_timer_.cancel();
      ready_timer_.cancel();
      watchdog_timer_.cancel();
      probe_.reset();
      main_exited_ = false;
      killed_ = false;
      change_state(State::stopping, fmt::format("sent {}", signal_name(spec_.stop_signal)));
      if (signal_tree(pgid_, cgroup_, spec_.stop_signal) == 0 && pidfd_)
        (void)pidfd_signal(pidfd_.get(), spec_.stop_signal);
      kill_timer_.arm(spec_.kill_timeout);
      return;
    case State::stopping:
      stop_waiters_.push_back(std::move(done));
      return;
    default:
      retry_timer_.cancel();
      release_cgroup();
      if (state_ != State::stopped) change_state(State::stopped, reason_);
      done(*this);
  }
}

void Instance::release_cgroup() {
  if (cgroup_.empty()) return;
  if (auto populated = cgroup_.populated(); populated && *populated) return;  // leftovers still dying
  if (auto st = cgroup_.remove(); !st) log_warning("{}: {}", label(), st.error().message);
  cgroup_ = Cgroup();
}

bool Instance::group_alive() const { return group_has_live_members(pgid_); }

void Instance::check_gone() {
  if (state_ != State::stopping || !main_exited_) return;
  if (!cgroup_.empty()) {
    if (!cgroup_watch_) {
      // Watch first, then read: a change between the two still wakes us.
      int r = sd_event_add_inotify(services_.loop, &cgroup_watch_, cgroup_.events_path().c_str(), IN_MODIFY,
                                   on_cgroup_event, this);
      if (r < 0) log_warning("{}: unable to watch {}: {}", label(), cgroup_.events_path(), strerror(-r));
    }
    auto populated = cgroup_.populated();
    if (populated && *populated) return;
  } else if (group_alive()) {
    return;  // the reaper calls on_descendant_reaped() as the rest of the group dies
  }
  finish_stop();
}

int Instance::on_cgroup_event(sd_event_source*, const struct inotify_event*, void* self) {
  static_cast<Instance*>(self)->check_gone();
  return 0;
}

void Instance::on_descendant_reaped() {
  if (state_ == State::stopping && cgroup_.empty()) check_gone();
}

void Instance::on_kill_timeout() {
  if (state_ != State::stopping) {
    // Killing a failed run (kill_for): SIGKILL once; its exit comes through the reaper as usual.
    if (killed_) return;
    killed_ = true;
    log_warning("{}: still running {} after {}; sending SIGKILL", label(),
                format_duration(spec_.kill_timeout), failure_);
    if (!cgroup_.empty()) (void)cgroup_.kill();
    if (pgid_ > 0) ::kill(-pgid_, SIGKILL);
    if (pidfd_) (void)pidfd_signal(pidfd_.get(), SIGKILL);
    return;
  }
  if (!killed_) {
    killed_ = true;
    log_warning("{}: still running {} after {}; sending SIGKILL", label(), format_duration(spec_.kill_timeout),
                signal_name(spec_.stop_signal));
    if (!cgroup_.empty()) (void)cgroup_.kill();
    if (pgid_ > 0) ::kill(-pgid_, SIGKILL);
    if (pidfd_) (void)pidfd_signal(pidfd_.get(), SIGKILL);
    kill_timer_.arm(kKillGrace);
    return;
  }
  log_error("{}: processes remain {} after SIGKILL (uninterruptible sleep?); no longer waiting for them",
            label(), format_duration(kKillGrace));
  if (pid_ > 0) {
    close_captures(true);
    close_channel();
    hold_pipes(false);
    if (!adopted_) services_.track_pid(pid_, nullptr);
    pid_ = -1;
  }
  main_exited_ = true;
  finish_stop();
}

void Instance::finish_stop() {
  kill_timer_.cancel();
  cgroup_watch_ = sd_event_source_disable_unref(cgroup_watch_);
  release_cgroup();
  pgid_ = -1;
  adopted_ = false;
  change_state(State::stopped, last_exit_ ? describe_exit(*last_exit_) : std::string());
  auto waiters = std::move(stop_waiters_);
  stop_waiters_.clear();
  for (auto& waiter : waiters) waiter(*this);
}

Status Instance::signal(int sig) {
  if (!has_process(state_) || pid_ <= 0) return Error{ESRCH, label() + " has no running process"};
  if (signal_tree(pgid_, cgroup_, sig) == 0) {
    if (!pidfd_) return errno_error("unable to signal " + label());
    if (auto st = pidfd_signal(pidfd_.get(), sig); !st) return st;
  }
  return {};
}

void Instance::rotate_logs() {
  open_logs();
  for (auto* file : {out_log_.get(), err_log_.get()})
    if (auto st = file->rotate(); !st) log_warning("{}: {}", label(), st.error().message);
}

bool Instance::restore(const InstanceRecord& rec, std::map<std::string, UniqueFd>& held_fds) {
  wanted_ = rec.wanted;
  restarts_ = rec.restarts;
  reason_ = rec.reason;
  if (rec.exit_code || rec.exit_signal) last_exit_ = ExitInfo{rec.exit_code.value_or(-1), rec.exit_signal.value_or(0)};
  state_since_ = services_.clock->now();
  // What was in motion is decided afresh: adopted below, or started again (waiting for dependencies anew).
  bool in_motion = has_process(rec.state) || rec.state == State::backoff || rec.state == State::waiting;
  state_ = in_motion ? State::created : rec.state;

  // Who still runs: the recorded pid if it is still the same process (pid and start time), else whatever
  // runs in the instance's cgroup — a run spawned just before a crash may not have reached state.json.
  Cgroup cgroup = !rec.cgroup.empty()         ? Cgroup(rec.cgroup)
                  : services_.cgroups->available
                      ? Cgroup(fmt::format("{}/{}", services_.cgroups->base, cgroup_leaf_))
                      : Cgroup();
  if (!rec.cgroup.empty()) cgroup_leaf_ = rec.cgroup.substr(rec.cgroup.rfind('/') + 1);
  std::optional<ProcStat> alive;
  if (rec.pid > 0) {
    auto stat = read_proc_stat(rec.pid);
    if (stat && stat->starttime_ticks == rec.start_ticks && stat->state != 'Z') alive = *stat;
  }
  if (!alive && !cgroup.empty()) alive = find_main_process(cgroup);
  auto fd = alive && wanted_ ? pidfd_open(alive->pid) : Result<UniqueFd>(Error{ESRCH, "not adopted"});
  if (!fd) {
    if (rec.pid > 0 && has_process(rec.state)) log_info("{}: pid {} from the previous daemon is gone", label(), rec.pid);
    // Leftovers of a dead run are killed through the cgroup only: a recorded process group id may have been
    // reused by now.
    cgroup_ = cgroup;
    if (auto populated = cgroup_.empty() ? Result<bool>(false) : cgroup_.populated(); populated && *populated)
      (void)cgroup_.kill();
    release_cgroup();
    return false;
  }
  pid_ = alive->pid;
  pgid_ = alive->pgrp;
  last_pgid_ = pgid_;
  pidfd_ = std::move(*fd);
  cgroup_ = cgroup;
  start_ticks_ = alive->starttime_ticks;
  started_wall_ms_ = alive->pid == rec.pid ? rec.started_wall_ms : start_wall_ms(alive->starttime_ticks);
  started_at_ = services_.clock->now() - Millis(std::max<std::int64_t>(0, wall_ms() - started_wall_ms_));
  adopted_ = true;
  // A run that was not ready yet proves itself again; one that was keeps running (and its watchdog).
  bool ready_pending = rec.state == State::starting && ready_kind() != ReadyKind::none;
  state_ = ready_pending ? State::starting : State::running;
  status_ = rec.status;
  open_stat();
  open_logs();
  watch_adopted_exit();
  auto take = [&](std::string_view stream) {
    auto node = held_fds.extract(FdHolder::key(spec_.name, index_, stream, pid_));
    return node.empty() ? UniqueFd() : std::move(node.mapped());
  };
  capture_output(take("out"), take("err"));
  if (spec_.wants_channel()) attach_channel(take("ipc"));
  // Its sd_notify messages (READY=1, watchdog pings) go to the same path; it must be listening again.
  if (spec_.wants_notify())
    if (auto path = services_.notify_socket(); !path) log_warning("{}: {}", label(), path.error().message);
  watchdog_timeout_ = spec_.watchdog;
  if (ready_pending) begin_readiness();
  else start_watchdog();
  log_info("{}: adopted pid {} left running by the previous daemon", label(), pid_);
  return true;
}

void Instance::open_stat() {
  stat_fd_.reset(::open(fmt::format("/proc/{}/stat", pid_).c_str(), O_RDONLY | O_CLOEXEC));
}

std::string Instance::cgroup_dir() const {
  if (!services_.cgroups->available) return {};
  return fmt::format("{}/{}-{}", services_.cgroups->base, spec_.name, index_);
}

Reading Instance::start_reading() const {
  return tend::start_reading(pid_, std::chrono::duration_cast<std::chrono::nanoseconds>(started_at_.time_since_epoch()).count());
}

Result<ProcStat> Instance::read_stat() const {
  if (!stat_fd_) return read_proc_stat(pid_);
  char buf[1024];
  ssize_t n = ::pread(stat_fd_.get(), buf, sizeof buf, 0);
  if (n <= 0) return errno_error(fmt::format("unable to read /proc/{}/stat", pid_));
  return parse_proc_stat(std::string_view(buf, size_t(n)));
}

void Instance::watch_adopted_exit() {
  // Not our child (its parent daemon died): no exit status, but its pidfd becomes readable when it exits.
  int r = sd_event_add_io(services_.loop, &adopted_source_, pidfd_.get(), EPOLLIN, on_adopted_exit, this);
  if (r < 0) {
    log_error("{}: unable to watch pid {}: {}", label(), pid_, strerror(-r));
    return;
  }
  sd_event_source_set_priority(adopted_source_, kPriorityChildExit);
}

int Instance::on_adopted_exit(sd_event_source*, int, uint32_t, void* self) {
  static_cast<Instance*>(self)->finish_run(ExitInfo{});
  return 0;
}

InstanceRecord Instance::record() const {
  InstanceRecord r;
  r.index = index_;
  r.wanted = wanted_;
  r.state = state_;
  r.pid = pid_;
  r.pgid = pgid_;
  r.start_ticks = start_ticks_;
  r.started_wall_ms = started_wall_ms_;
  r.cgroup = cgroup_.path();
  r.restarts = restarts_;
  if (last_exit_) {
    r.exit_code = code_of(*last_exit_);
    r.exit_signal = signal_of(*last_exit_);
  }
  r.reason = reason_;
  r.status = status_;
  return r;
}

void Instance::describe(std::string& out, std::int64_t now_wall_ms) const {
  // Written directly rather than through a JSON DOM: `ls --json` over a thousand instances is the hot path.
  // Keys and meaning are documented in README ("tend ls --json"); only command, reason and cgroup can hold
  // characters that need escaping.
  auto string_or_null = [](const std::string& s) { return s.empty() ? std::string("null") : nlohmann::json(s).dump(); };
  auto int_or_null = [](std::optional<std::int64_t> v) { return v ? std::to_string(*v) : std::string("null"); };
  std::optional<ProcStat> stat;
  if (pid_ > 0)
    if (auto r = read_stat()) stat = *r;
  std::string cpu_percent = "null";
  if (stat) {
    Reading now;
    now.pid = pid_;
    now.cpu_at_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(services_.clock->now().time_since_epoch()).count();
    now.cpu_ticks = stat->utime_ticks + stat->stime_ticks;
    take_reading(sample_, now, start_reading(), clock_ticks_per_second(), false);
    if (auto percent = known(sample_.figures.cpu_percent)) cpu_percent = fmt::format("{:.1f}", *percent);
  }
  std::optional<std::int64_t> exit_code, exit_signal_number;
  if (last_exit_) {
    if (auto code = code_of(*last_exit_)) exit_code = *code;
    if (auto sig = signal_of(*last_exit_)) exit_signal_number = *sig;
  }
  fmt::format_to(
      std::back_inserter(out),
      R"({{"name":"{}","instance":{},"pid":{},"pgid":{},"state":"{}","state_ms":{},"kernel_state":{},)"
      R"("uptime_ms":{},"restarts":{},"exit_code":{},"exit_signal":{},"rss_bytes":{},"cpu_ms":{},"cpu_percent":{},)"
      R"("command":{},"reason":{},"cgroup":{},"adopted":{},"status":{},"ipc":{},"listen":{}}})",
      spec_.name, index_, int_or_null(pid_ > 0 ? std::optional<std::int64_t>(pid_) : std::nullopt),
      int_or_null(pgid_ > 0 ? std::optional<std::int64_t>(pgid_) : std::nullopt), state_name(state_),
      std::chrono::duration_cast<Millis>(services_.clock->now() - state_since_).count(),
      stat ? fmt::format("\"{}\"", stat->state) : "null",
      pid_ > 0 ? std::max<std::int64_t>(0, now_wall_ms - started_wall_ms_) : 0, restarts_, int_or_null(exit_code),
      exit_signal_number ? fmt::format("\"{}\"", signal_name(int(*exit_signal_number))) : "null",
      stat ? std::int64_t(stat->rss_pages) * page_size_bytes() : 0,
      stat ? (stat->utime_ticks + stat->stime_ticks) * 1000 / std::uint64_t(clock_ticks_per_second()) : 0,
      cpu_percent,
      nlohmann::json(spec_.argv()).dump(), string_or_null(reason_), string_or_null(cgroup_.path()), adopted_,
      string_or_null(status_), has_channel(), sockets_ ? nlohmann::json(sockets_->bound()).dump() : "null");
}

}  // namespace tend
