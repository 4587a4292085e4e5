#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "jobs/job.h"
#include "jobs/queue_config.h"
#include "jobs/run_estimates.h"
#include "jobs/schedule.h"
#include "store/sqlite.h"

namespace tend::jobs {

/// The job history: $TEND_HOME/jobs.db (SQLite, WAL). Jobs with their attempts and times, queues,
/// schedules, shared environments and sjf's run-time predictions. Writes are batched by the caller between
/// begin() and commit(): one transaction per event-loop pass, so 2,000 short jobs are not 6,000 commits.
/// Commits are not fsynced (synchronous=NORMAL in WAL): a crash of the daemon loses nothing, one of the OS
/// may lose the last pass.
class JobStore {
 public:
  /// Opens (creating the schema when new). Errors: "unable to open PATH: ...".
  static Result<JobStore> open(const std::string& path);

  struct Loaded {
    std::vector<QueueConfig> queues;
    std::vector<Job> jobs;  // id order
    std::vector<std::pair<std::string, RunEstimates::Entry>> estimates;
    std::vector<Schedule> schedules;
    JobId next_id = 1;
  };
  /// Everything, for a daemon starting up.
  Result<Loaded> load();

  Status begin();
  Status commit();
  /// Rolls back after a failed write so the next pass starts clean.
  void rollback();

  Status insert_job(const Job& job);
  /// The fields that change after submission (state, times, process, attempts).
  Status update_job(const Job& job);
  Status insert_attempt(JobId id, const Attempt& attempt);
  Status put_estimate(const std::string& command_key, const RunEstimates::Entry& entry);
  /// Keeps the `keep` most recently updated predictions.
  Status trim_estimates(std::size_t keep);
  Status put_queue(const QueueConfig& config);
  Status put_schedule(const Schedule& schedule);
  Status remove_schedule(const std::string& name);
  Status set_next_id(JobId id);
  /// Deletes jobs with their attempts and log references, and environments no longer used.
  Status remove_jobs(const std::vector<JobId>& ids);

  Result<std::vector<Attempt>> attempts(JobId id);

 private:
  explicit JobStore(Database db) : db_(std::move(db)) {}
  Status prepare();
  Result<std::int64_t> environment_id(const std::shared_ptr<const Environment>& env);
  Result<std::shared_ptr<const Environment>> environment(std::int64_t id);

  Database db_;
  Statement insert_job_, update_job_, insert_attempt_, put_estimate_, find_env_, insert_env_;
  std::unordered_map<const Environment*, std::pair<std::weak_ptr<const Environment>, std::int64_t>> env_ids_;
  std::unordered_map<std::int64_t, std::shared_ptr<const Environment>> envs_by_id_;  // filled by load()
};

}  // namespace tend::jobs
