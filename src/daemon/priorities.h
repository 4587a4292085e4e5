#pragma once
#include <cstdint>

namespace tend {

/// sd-event priorities (lower runs first when several sources are ready): child exits and signals before
/// the control socket, the control socket before log pipes, so a chatty child cannot delay supervision.
constexpr std::int64_t kPrioritySignals = -20;
constexpr std::int64_t kPriorityChildExit = -15;
// The job queue's pass (dispatch, then one history transaction) and its timer: right after the exits that
// free slots, before new requests.
constexpr std::int64_t kPriorityJobs = -12;
constexpr std::int64_t kPriorityControl = -10;
constexpr std::int64_t kPriorityIpc = 5;    // children's message channels and sd_notify messages
constexpr std::int64_t kPriorityLogs = 10;
constexpr std::int64_t kPrioritySave = 20;  // state.json is written once the loop is otherwise idle

}  // namespace tend
