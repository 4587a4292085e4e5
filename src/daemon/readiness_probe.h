#pragma once
#include <sys/types.h>
#include <systemd/sd-event.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/ready_check.h"
#include "daemon/timer.h"

namespace tend {

/// An active readiness check (`--ready tcp:`, `http:` or `exec:`), tried again and again — 50 ms apart at
/// first, doubling to 1 s — until it passes; then on_ready runs once (and may destroy the probe). Each
/// attempt is a non-blocking socket or a child on the event loop: nothing here blocks the daemon. The
/// instance's readiness timeout, not the probe, decides when to give up; destroying the probe cancels it
/// (a running exec check is killed).
class ReadinessProbe {
 public:
  struct Context {
    sd_event* loop = nullptr;
    /// exec: tells the reaper whom to hand a check's exit status (wait status) to.
    std::function<void(pid_t, std::function<void(int)>)> watch_pid;
    std::map<std::string, std::string> env;  // exec: the check's environment
    std::string cwd;                         // exec
    long nofile_soft = -1;                   // exec
  };

  static std::unique_ptr<ReadinessProbe> start(const ReadyCheck& check, Context context,
                                               std::function<void()> on_ready);
  virtual ~ReadinessProbe() = default;

  /// Why the latest attempt failed, e.g. "connect 127.0.0.1:8080: Connection refused" (empty before one did).
  const std::string& last_failure() const { return last_failure_; }

 protected:
  ReadinessProbe(sd_event* loop, std::function<void()> on_ready);
  virtual void attempt() = 0;
  /// The attempt failed: remember why and try again after the next delay.
  void failed(std::string why);
  void passed() { on_ready_(); }  // may destroy this: call last
  sd_event* loop() const { return loop_; }

 private:
  sd_event* loop_;
  std::function<void()> on_ready_;
  std::string last_failure_;
  int failures_ = 0;
  Timer retry_timer_;
};

}  // namespace tend
