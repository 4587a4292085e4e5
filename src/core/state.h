#pragma once
#include <optional>
#include <string_view>

namespace tend {

/// An instance's lifecycle state. Names are written once, in kStateNames, and used verbatim everywhere.
enum class State { created, starting, running, stopping, stopped, exited, backoff, failed, waiting };

/// "new", "starting", "running", ... (State::created prints as "new": `new` is a C++ keyword).
std::string_view state_name(State state);
std::optional<State> parse_state(std::string_view name);

/// True when the state machine allows from → to. Everything else is refused (and logged by the caller).
bool transition_allowed(State from, State to);

/// The seeds' five-state model (new, ready, running, waiting, terminated) that a tend state corresponds to.
std::string_view seed_state(State state);

/// True in states where a process may exist (starting, running, stopping).
bool has_process(State state);

}  // namespace tend
