#pragma once
// The JSON shapes of jobs, queues and figures, as docs/protocol.md and README ("tend job show --json")
// document them. Parsing never throws: bad input is an EINVAL Error naming the field.
#include <nlohmann/json.hpp>

#include "jobs/job.h"
#include "jobs/queue_config.h"
#include "jobs/queue_stats.h"

namespace tend::jobs {

/// A JobSpec without its environment (which travels once per request, or once per database row).
nlohmann::json spec_to_json(const JobSpec& spec);
/// Reads a spec; unknown keys are refused so a typo is not silently ignored. The environment is set
/// separately.
Result<JobSpec> spec_from_json(const nlohmann::json& j);

/// What `job ls --json` and `job show --json` print for a job (log paths given by the caller).
nlohmann::json job_to_json(const Job& job, MonoTime now, std::int64_t now_wall_ms, const std::string& out_log,
                           const std::string& err_log);
nlohmann::json attempt_to_json(const Attempt& attempt);

nlohmann::json queue_to_json(const QueueConfig& config);
/// Reads the settings `queue set` may change onto base (the queue's current settings, or the defaults).
Result<QueueConfig> queue_from_json(const nlohmann::json& j, QueueConfig base);

nlohmann::json stats_to_json(const QueueStats& stats);

/// RFC 3339 UTC with milliseconds, or null.
nlohmann::json time_or_null(std::optional<std::int64_t> wall_ms);

}  // namespace tend::jobs
