#pragma once
#include <string>

#include "jobs/scheduler.h"
#include "util/unique_fd.h"

namespace tend::jobs {

/// The real JobProcesses: spawns an attempt with its output appended straight to
/// $TEND_HOME/jobs/ID.out.log and ID.err.log (no pipe, no daemon work per line, and the output survives a
/// daemon crash as is), in its own session and process group, without a cgroup; signals the whole group.
class JobRunner final : public JobProcesses {
 public:
  /// child_nofile_soft: the RLIMIT_NOFILE soft limit children get back (-1: unchanged).
  JobRunner(std::string jobs_dir, long child_nofile_soft);

  /// Creates the log directory (0700) and holds it open. "unable to create DIR: ..."
  Status open();
  Result<Started> start(const Job& job) override;
  void signal_group(const Job& job, int sig) override;

  std::string out_log(JobId id) const;
  std::string err_log(JobId id) const;
  /// Deletes a pruned job's logs.
  void remove_logs(JobId id);

 private:
  Result<UniqueFd> open_log(JobId id, const char* stream);

  std::string dir_;
  UniqueFd dir_fd_;
  long child_nofile_soft_;
};

}  // namespace tend::jobs
