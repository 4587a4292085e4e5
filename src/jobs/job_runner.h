#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "jobs/scheduler.h"
#include "util/unique_fd.h"

namespace tend::jobs {

/// The real JobProcesses: spawns an attempt with its output appended straight to
/// $TEND_HOME/jobs/ID.out.log and ID.err.log (no pipe, no daemon work per line, and the output survives a
/// daemon crash as is), in its own session and process group, without a cgroup; signals the whole group.
/// Started{}.start_ticks is left 0: read_start_ticks() reads it later, off the path from one job's exit to the
/// next one's start (the pid cannot be reused before its parent, the daemon, reaps it).
class JobRunner final : public JobProcesses {
 public:
  /// child_nofile_soft: the RLIMIT_NOFILE soft limit children get back (-1: unchanged).
  JobRunner(std::string jobs_dir, long child_nofile_soft);

  /// Creates the log directory (0700) and holds it open. "unable to create DIR: ..."
  Status open();
  Result<Started> start(const Job& job) override;
  void signal_group(const Job& job, int sig) override;
  /// The kernel's start time of a child not yet reaped (0 when unreadable).
  static std::uint64_t read_start_ticks(pid_t pid);

  std::string out_log(JobId id) const;
  std::string err_log(JobId id) const;
  /// Deletes a pruned job's logs.
  void remove_logs(JobId id);

 private:
  Result<UniqueFd> open_log(JobId id, const char* stream);
  /// argv[0] found on PATH, remembered for a second: 2,000 jobs of one command search PATH once, and a
  /// program installed meanwhile is found a second later.
  Result<std::string> executable(const std::string& name, const Environment& env);

  /// The environment as KEY=VALUE strings, rendered once per shared environment (the jobs of one submit
  /// share it) rather than once per job; without TEND_JOB_ID, which each job gets its own of.
  const std::vector<std::string>& env_block(const std::shared_ptr<const Environment>& env);

  struct RenderedEnv {
    std::shared_ptr<const Environment> env;  // held, so the key cannot be reused by another environment
    std::vector<std::string> strings;
  };
  std::unordered_map<const Environment*, RenderedEnv> rendered_envs_;
  struct Resolved {
    std::string path;
    MonoTime at;
  };
  std::unordered_map<std::string, Resolved> resolved_;  // key: PATH + '\0' + name
  std::string dir_;
  UniqueFd dir_fd_;
  long child_nofile_soft_;
};

}  // namespace tend::jobs
