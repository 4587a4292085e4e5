#include "jobs/job_state.h"

#include <array>

namespace tend::jobs {
namespace {

constexpr std::array<std::string_view, 7> kJobStateNames{"queued", "running",   "suspended", "done",
                                                         "failed", "cancelled", "timeout"};
// A suspended job is runnable but not on a CPU slot: the seeds' "ready" after a time-quantum expiry.
constexpr std::array<std::string_view, 7> kSeedStates{"ready",      "running",    "ready",     "terminated",
                                                      "terminated", "terminated", "terminated"};

constexpr int bit(JobState s) { return 1 << static_cast<int>(s); }
constexpr int kEnded = bit(JobState::done) | bit(JobState::failed) | bit(JobState::cancelled) | bit(JobState::timeout);

// kAllowed[from]: the states one transition can reach. running → queued is a retry after a failed attempt;
// suspended → ended covers a stopped job killed from outside (or cancelled).
constexpr std::array<int, 7> kAllowed{
    /* queued    */ bit(JobState::running) | bit(JobState::cancelled) | bit(JobState::failed),
    /* running   */ bit(JobState::suspended) | bit(JobState::queued) | kEnded,
    /* suspended */ bit(JobState::running) | bit(JobState::queued) | kEnded,
    /* done      */ 0,
    /* failed    */ 0,
    /* cancelled */ 0,
    /* timeout   */ 0,
};

}  // namespace

std::string_view job_state_name(JobState state) { return kJobStateNames[static_cast<int>(state)]; }

std::optional<JobState> parse_job_state(std::string_view name) {
  for (size_t i = 0; i < kJobStateNames.size(); ++i)
    if (kJobStateNames[i] == name) return static_cast<JobState>(i);
  return std::nullopt;
}

bool is_ended(JobState state) { return (kEnded & bit(state)) != 0; }

bool job_transition_allowed(JobState from, JobState to) {
  return (kAllowed[static_cast<int>(from)] & bit(to)) != 0;
}

std::string_view job_seed_state(JobState state) { return kSeedStates[static_cast<int>(state)]; }

}  // namespace tend::jobs
