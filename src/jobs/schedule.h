#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "jobs/cron.h"
#include "jobs/job.h"

namespace tend::jobs {

/// A schedule: at each time its cron expression names, one job from `spec` is submitted into its queue.
struct Schedule {
  std::string name;
  CronExpr cron;
  JobSpec spec;  // spec.schedule is the schedule's name
  bool no_overlap = false;  // skip a firing while the previous job of this schedule has not ended
  std::optional<JobId> last_job;
  std::int64_t fired = 0;    // jobs submitted
  std::int64_t skipped = 0;  // firings skipped by no_overlap
  std::int64_t created_ms = 0;
};

}  // namespace tend::jobs
