#include "core/restart_policy.h"

#include <algorithm>

namespace tend {

namespace {

Millis backoff_delay(int consecutive_unstable, const RestartPolicy& policy) {
  Millis delay = policy.backoff_min;
  for (int i = 1; i < consecutive_unstable && delay < policy.backoff_max; ++i) delay *= 2;
  return std::min(delay, policy.backoff_max);
}

}  // namespace

RestartDecision decide_restart(const ExitInfo& exit, Millis run_time, RestartHistory& history,
                               const RestartPolicy& policy, MonoTime now) {
  using Action = RestartDecision::Action;
  RestartDecision decision;
  decision.unstable = run_time < policy.min_uptime;

  while (!history.unstable_exits.empty() && now - history.unstable_exits.front() > policy.restart_window)
    history.unstable_exits.erase(history.unstable_exits.begin());
  if (decision.unstable) {
    history.unstable_exits.push_back(now);
    ++history.consecutive_unstable;
  } else {
    history.consecutive_unstable = 0;
  }

  if (policy.mode == RestartMode::never || (policy.mode == RestartMode::on_failure && exit.clean())) {
    decision.action = Action::stay_down;
    return decision;
  }
  if (decision.unstable && int(history.unstable_exits.size()) > policy.max_restarts) {
    decision.action = Action::give_up;
    return decision;
  }
  decision.action = Action::restart;
  decision.delay = decision.unstable ? backoff_delay(history.consecutive_unstable, policy) : Millis(0);
  return decision;
}

}  // namespace tend
