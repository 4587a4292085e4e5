#include "core/state.h"

#include <array>

namespace tend {
namespace {

constexpr std::array<std::string_view, 9> kStateNames{"new",    "starting", "running", "stopping", "stopped",
                                                      "exited", "backoff",  "failed",  "waiting"};
constexpr std::array<std::string_view, 9> kSeedStates{"new",        "ready",   "running",    "running", "terminated",
                                                      "terminated", "waiting", "terminated", "waiting"};

constexpr int bit(State s) { return 1 << static_cast<int>(s); }

// kAllowed[from] is the set of states reachable from `from` in one transition.
constexpr std::array<int, 9> kAllowed{
    /* new      */ bit(State::starting) | bit(State::failed) | bit(State::stopped) | bit(State::waiting),
    /* starting */ bit(State::running) | bit(State::stopping) | bit(State::backoff) | bit(State::exited) |
        bit(State::failed),
    /* running  */ bit(State::stopping) | bit(State::backoff) | bit(State::exited) | bit(State::failed),
    /* stopping */ bit(State::stopped),
    /* stopped  */ bit(State::starting) | bit(State::failed) | bit(State::waiting),
    /* exited   */ bit(State::starting) | bit(State::failed) | bit(State::stopped) | bit(State::waiting),
    /* backoff  */ bit(State::starting) | bit(State::stopped) | bit(State::failed) | bit(State::waiting),
    /* failed   */ bit(State::starting) | bit(State::failed) | bit(State::stopped) | bit(State::waiting),
    /* waiting  */ bit(State::starting) | bit(State::stopped) | bit(State::failed),
};

}  // namespace

std::string_view state_name(State state) { return kStateNames[static_cast<int>(state)]; }

std::optional<State> parse_state(std::string_view name) {
  for (size_t i = 0; i < kStateNames.size(); ++i)
    if (kStateNames[i] == name) return static_cast<State>(i);
  return std::nullopt;
}

bool transition_allowed(State from, State to) { return (kAllowed[static_cast<int>(from)] & bit(to)) != 0; }

std::string_view seed_state(State state) { return kSeedStates[static_cast<int>(state)]; }

bool has_process(State state) {
  return state == State::starting || state == State::running || state == State::stopping;
}

}  // namespace tend
