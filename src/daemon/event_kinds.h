#pragma once
// The kinds of events the supervisor itself records, written once; docs/events.md lists each with its data.
// Other parts record their own kinds ("message", "job", ...): the store accepts any word.
#include <string_view>

namespace tend {

inline constexpr std::string_view kEventState = "state";            // a state transition
inline constexpr std::string_view kEventExit = "exit";              // a main process ended
inline constexpr std::string_view kEventRestart = "restart";        // an automatic restart, with its delay
inline constexpr std::string_view kEventMemoryLimit = "memory_limit";  // RSS above max_memory: the run is ended
inline constexpr std::string_view kEventApply = "apply";            // a config file applied (or refused)
inline constexpr std::string_view kEventOrphan = "orphan";          // a re-parented descendant reaped

}  // namespace tend
