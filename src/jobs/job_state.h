#pragma once
#include <optional>
#include <string_view>

namespace tend::jobs {

/// A job's lifecycle state. Names are written once, in kJobStateNames, and used verbatim in the CLI, JSON,
/// the history database and docs/scheduling.md.
enum class JobState { queued, running, suspended, done, failed, cancelled, timeout };

/// "queued", "running", ...
std::string_view job_state_name(JobState state);
std::optional<JobState> parse_job_state(std::string_view name);

/// True once the job can change no more: done, failed, cancelled, timeout.
bool is_ended(JobState state);

/// True when the state machine allows from → to; the scheduler refuses (and logs) anything else.
bool job_transition_allowed(JobState from, JobState to);

/// The seeds' five-state model (new, ready, running, waiting, terminated) a job state corresponds to.
std::string_view job_seed_state(JobState state);

}  // namespace tend::jobs
