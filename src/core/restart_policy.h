#pragma once
#include <vector>

#include "core/program_spec.h"
#include "util/clock.h"

namespace tend {

/// How a run ended, as the restart policy sees it.
struct ExitInfo {
  int exit_code = -1;    // >= 0 when the process exited
  int signal = 0;        // > 0 when a signal killed it
  bool clean() const { return signal == 0 && exit_code == 0; }
};

/// Memory of recent unstable exits, kept per instance between decisions.
struct RestartHistory {
  std::vector<MonoTime> unstable_exits;  // inside the sliding window, oldest first (no allocation while empty)
  int consecutive_unstable = 0;         // drives the exponential delay; reset by a stable run
};

struct RestartDecision {
  enum class Action { restart, stay_down, give_up } action = Action::stay_down;
  Millis delay{0};     // with restart: wait this long first
  bool unstable = false;
};

/// The restart policy as one pure function: (how it ended, how long it ran, recent unstable exits,
/// policy, now) → restart after D, stay down (state exited), or give up (state failed).
/// A run shorter than min_uptime is unstable; more than max_restarts unstable exits inside the sliding
/// restart_window give up. Delays double from backoff_min to backoff_max per consecutive unstable exit;
/// after a stable run the restart is immediate and the delay resets. Updates history.
RestartDecision decide_restart(const ExitInfo& exit, Millis run_time, RestartHistory& history,
                               const RestartPolicy& policy, MonoTime now);

}  // namespace tend
