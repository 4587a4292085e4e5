// Readiness and the watchdog: an instance with --ready stays `starting` until it is ready (so `running`
// means ready, and dependants wait for it); with --watchdog it must keep pinging once running.
#include <signal.h>

#include "daemon/containment.h"
#include "daemon/instance.h"
#include "proc/pidfd.h"
#include "util/daemon_log.h"
#include "util/signals.h"
#include "util/utf8.h"

namespace tend {

ReadyKind Instance::ready_kind() const {
  auto check = parse_ready_check(spec_.ready);
  return check ? check->kind : ReadyKind::none;
}

std::string Instance::port_value() const {
  if (spec_.port_base) return std::to_string(*spec_.port_base + index_);
  auto it = env_.find("PORT");
  return it == env_.end() ? std::string() : it->second;
}

std::string Instance::starting_reason() const {
  if (ready_kind() == ReadyKind::none) return fmt::format("pid {}", pid_);
  return fmt::format("pid {}; waiting until ready ({})", pid_, spec_.ready);
}

void Instance::begin_readiness() {
  watchdog_timeout_ = spec_.watchdog;
  std::string port = port_value();
  bool needs_port =
      spec_.ready.find("$PORT") != std::string::npos || spec_.ready.find("${PORT}") != std::string::npos;
  auto check =
      needs_port && port.empty()
          ? Result<ReadyCheck>(Error{EINVAL, fmt::format("--ready {} names $PORT, but the instance has no "
                                                         "PORT (set one with --env PORT=...)",
                                                         spec_.ready)})
          : parse_ready_check(spec_.ready, port);
  if (!check) {
    // $PORT without a PORT: not ready until the timeout says so.
    ready_deadline_ = services_.clock->now() + spec_.ready_timeout;
    ready_timer_.arm(spec_.ready_timeout);
    log_warning("{}: {}", label(), check.error().message);
    return;
  }
  if (check->kind == ReadyKind::none) {
    if (spec_.restart.min_uptime.count() == 0) {
      change_state(State::running);
      start_watchdog();
    } else {
      uptime_timer_.arm(spec_.restart.min_uptime);
    }
    return;
  }
  ready_deadline_ = services_.clock->now() + spec_.ready_timeout;
  ready_timer_.arm(spec_.ready_timeout);
  ReadinessProbe::Context context;
  context.loop = services_.loop;
  context.watch_pid = services_.watch_pid;
  if (check->kind == ReadyKind::exec) {
    context.env = env_;
    if (auto port = port_value(); !port.empty()) context.env["PORT"] = port;
    context.env["TEND_PID"] = std::to_string(pid_);  // the instance the check is about
    context.cwd = spec_.cwd;
    context.nofile_soft = services_.child_nofile_soft;
  }
  std::string how(ready_kind_name(check->kind));  // copied: the probe calls back from its own frame
  probe_ = ReadinessProbe::start(*check, std::move(context), [this, how] { mark_ready(how); });
}

void Instance::end_readiness() {
  ready_timer_.cancel();
  watchdog_timer_.cancel();
  probe_.reset();
}

void Instance::mark_ready(std::string_view how) {
  if (state_ != State::starting || became_ready_ || !failure_.empty()) return;
  if (how != ready_kind_name(ready_kind())) return;
  became_ready_ = true;
  ready_timer_.cancel();
  // The probe (if it is the one calling) stays idle until the run ends: it must not be destroyed from
  // inside its own callback.
  Millis after = std::chrono::duration_cast<Millis>(services_.clock->now() - started_at_);
  std::string what = fmt::format("ready ({}) after {}", how, format_duration(after));
  services_.events->record(EventRecord{"ready",
                                       spec_.name,
                                       index_,
                                       fmt::format("{} {}", label(), what),
                                       {{"via", how}, {"after_ms", after.count()}, {"pid", pid_}}});
  change_state(State::running, what);
  start_watchdog();
}

void Instance::drain_messages() {
  // Timers outrank the message sources on the loop (a flooding child must not delay anyone's deadline),
  // so after a stall both may be due at once: what was said in time counts.
  if (channel_) channel_->drain();
  if (services_.drain_notify) services_.drain_notify();
}

void Instance::on_ready_timeout() {
  drain_messages();
  if (state_ != State::starting || became_ready_ || !failure_.empty()) return;
  std::string why = fmt::format("not ready within {}", format_duration(spec_.ready_timeout));
  if (probe_ && !probe_->last_failure().empty()) why += fmt::format(" ({})", probe_->last_failure());
  probe_.reset();  // from the timer: the probe is not on the stack
  services_.events->record(
      EventRecord{"ready",
                  spec_.name,
                  index_,
                  fmt::format("{}: {}", label(), why),
                  {{"timeout_ms", spec_.ready_timeout.count()}, {"ready", spec_.ready}, {"pid", pid_}}});
  log_warning("{}: {}; stopping it", label(), why);
  kill_for(why, spec_.stop_signal);
}

void Instance::extend_ready_timeout(Millis extension) {
  if (state_ != State::starting || became_ready_ || !failure_.empty()) return;
  auto wanted = services_.clock->now() + extension;
  if (wanted <= ready_deadline_) return;
  ready_deadline_ = wanted;
  ready_timer_.arm(extension);
}

void Instance::start_watchdog() {
  if (state_ == State::running && watchdog_timeout_.count() > 0) watchdog_timer_.arm(watchdog_timeout_);
}

void Instance::watchdog_ping() {
  if (state_ == State::running && watchdog_timeout_.count() > 0 && failure_.empty())
    watchdog_timer_.arm(watchdog_timeout_);
}

void Instance::on_watchdog_timeout() {
  drain_messages();
  if (watchdog_timer_.armed()) return;  // a ping had come in time; it re-armed the watchdog
  watchdog_trip(fmt::format("watchdog: no WATCHDOG=1 within {}", format_duration(watchdog_timeout_)));
}

void Instance::set_watchdog_timeout(Millis timeout) {
  watchdog_timeout_ = timeout;
  if (timeout.count() == 0)
    watchdog_timer_.cancel();
  else
    start_watchdog();
}

void Instance::watchdog_trip(std::string why) {
  if (state_ != State::running || !failure_.empty()) return;
  watchdog_timer_.cancel();
  services_.events->record(EventRecord{"watchdog",
                                       spec_.name,
                                       index_,
                                       fmt::format("{}: {}", label(), why),
                                       {{"timeout_ms", watchdog_timeout_.count()}, {"pid", pid_}}});
  log_warning("{}: {}; sending SIGABRT", label(), why);
  kill_for(std::move(why), SIGABRT);  // systemd's WatchdogSignal: a core dump shows where it hung
}

void Instance::kill_for(std::string why, int sig) {
  failure_ = std::move(why);
  reason_ = fmt::format("{}; sent {}", failure_, signal_name(sig));
  if (signal_tree(pgid_, cgroup_, sig) == 0 && pidfd_) (void)pidfd_signal(pidfd_.get(), sig);
  killed_ = false;
  kill_timer_.arm(spec_.kill_timeout);
}

void Instance::set_status(std::string status) {
  // Shown in a table and written into JSON: valid UTF-8 without control characters, and short.
  constexpr size_t kMaxStatus = 256;
  if (status.size() > kMaxStatus) status.resize(kMaxStatus);
  status_ = printable_utf8(status);
}

}  // namespace tend
