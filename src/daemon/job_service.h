#pragma once
#include <systemd/sd-event.h>

#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/deferred.h"
#include "daemon/supervisor.h"
#include "jobs/job_runner.h"
#include "jobs/job_store.h"
#include "jobs/schedule.h"
#include "jobs/scheduler.h"

namespace tend {

/// A client waiting for jobs to end (`job wait`, `job submit --wait`, `job cancel`). The service calls
/// on_done once every watched job has ended, and on_progress (at most every kProgressInterval) while
/// some of them change, when progress is set.
struct JobWaiter {
  std::weak_ptr<Connection> conn;
  nlohmann::json request_id;
  std::vector<jobs::JobId> ids;
  std::set<jobs::JobId> pending;
  bool progress = false;
  std::function<void(JobWaiter&)> on_done;
  std::function<void(JobWaiter&)> on_progress;
  bool done = false;
};

/// The job queue on the daemon's loop: the Scheduler (pure policy) over the JobRunner (real processes) and
/// the JobStore (jobs.db). Children are reaped by the supervisor's reaper and handed here; adopted ones are
/// watched by pidfd. A deferred pass right after the exits dispatches and re-arms the one timer the scheduler
/// needs (its next deadline); the changes are written in one transaction once the loop is otherwise idle, so
/// the path from one job's exit to the next one's start is the spawn alone.
/// Schedules get a CLOCK_REALTIME timer each, armed for their next firing.
class JobService final : public jobs::SchedulerEvents, public jobs::JobProcesses {
 public:
  static constexpr std::size_t kHistoryCap = 10'000;  // ended jobs kept; the oldest go first
  static constexpr Millis kProgressInterval{200};
  /// Writes of the history are at least this far apart: one transaction covers every change meanwhile, so a
  /// queue running thousands of short jobs a second pays for a few dozen commits, not thousands. It bounds
  /// what a daemon killed outright can forget (a job started in the last interval may run again).
  static constexpr std::chrono::milliseconds kHistoryWriteInterval{20};

  JobService(sd_event* loop, Supervisor& supervisor, long child_nofile_soft);
  ~JobService();
  JobService(const JobService&) = delete;
  JobService& operator=(const JobService&) = delete;

  /// Opens $TEND_HOME/jobs.db and loads it: queues, estimates, jobs (queued stay queued; running ones are
  /// adopted when their process is still the same, else failed "daemon restarted"), schedules.
  Status start();

  jobs::Scheduler& scheduler() { return scheduler_; }
  /// What a new queue gets: the CPUs this daemon may run on.
  int default_slots() const { return default_slots_; }
  const jobs::JobRunner& runner() const { return runner_; }
  /// Queues the jobs, all or none, and writes them before returning (a printed id is never lost).
  Result<std::vector<jobs::JobId>> submit(std::vector<jobs::JobSpec> specs);
  Status configure_queue(const jobs::QueueConfig& config);
  Status set_paused(const std::string& queue, bool paused);
  Status cancel(jobs::JobId id, const std::string& reason);
  void add_waiter(std::shared_ptr<JobWaiter> waiter);
  Result<std::vector<jobs::Attempt>> attempts(jobs::JobId id);
  /// Writes the history changes still waiting for the next interval now: with a reply, so that no client is
  /// shown a state that a daemon killed right afterwards would have forgotten.
  void write_history_now();
  /// Forgets ended jobs that ended before now − older_than and/or beyond the newest `keep`; deletes their
  /// rows and log files. Returns how many.
  Result<std::size_t> prune(std::optional<Millis> older_than, std::optional<std::size_t> keep);
  /// One shared copy per distinct environment (all the lines of `submit --lines` share one).
  std::shared_ptr<const Environment> intern_environment(Environment env);

  struct ScheduleView {
    const jobs::Schedule* schedule;
    std::optional<std::time_t> next;
  };
  /// Adds or replaces a schedule. EINVAL for a bad job spec, ERANGE when the expression never fires.
  Status add_schedule(jobs::Schedule schedule);
  Status remove_schedule(const std::string& name);
  /// Fires now (as its timer does): the job's id, or why it was skipped (--no-overlap).
  struct Firing {
    std::optional<jobs::JobId> job;
    std::string skipped;
  };
  Result<Firing> fire_schedule(const std::string& name);
  std::vector<ScheduleView> schedules() const;

  /// Stops every job with a process (cancelled, "daemon shut down"), keeps the queue, writes everything;
  /// done runs when no job process is left.
  void shutdown(std::function<void()> done);
  bool shutting_down() const { return shutting_down_; }

  // jobs::JobProcesses: the runner, plus registration with the reaper.
  Result<Started> start(const jobs::Job& job) override;
  void signal_group(const jobs::Job& job, int sig) override;
  // jobs::SchedulerEvents
  void job_submitted(const jobs::Job& job) override;
  void job_changed(const jobs::Job& job, jobs::JobState from) override;
  void attempt_ended(const jobs::Job& job, const jobs::Attempt& attempt) override;
  void estimate_learned(const std::string& key, const jobs::RunEstimates::Entry& entry) override;
  /// The reaper reaped one of our jobs' processes.
  void on_child_reaped(pid_t pid, int wait_status);

 private:
  struct ScheduleEntry {
    JobService* service = nullptr;
    jobs::Schedule schedule;
    sd_event_source* timer = nullptr;
    std::optional<std::time_t> next;
  };

  void restore_job(jobs::Job job);
  bool adopt(jobs::Job& job);
  void watch_adopted(jobs::JobId id, pid_t pid);
  static int on_adopted_exit(sd_event_source* s, int fd, uint32_t revents, void* self);
  void process_ended(jobs::JobId id, pid_t pid, const ExitInfo& exit);
  void schedule_pass();
  void pass();
  Status flush();
  Status write_now(const std::function<Status(jobs::JobStore&)>& write);
  void arm_timer();
  static int on_timer(sd_event_source* s, uint64_t usec, void* self);
  void notify_waiters(jobs::JobId id, bool ended);
  void send_progress();
  static int on_progress_timer(sd_event_source* s, uint64_t usec, void* self);
  void arm_schedule(ScheduleEntry& entry, std::time_t after);
  static int on_schedule_timer(sd_event_source* s, uint64_t usec, void* self);
  void record_event(const std::string& kind, std::string message, nlohmann::json data);

  sd_event* loop_;
  Supervisor& supervisor_;
  SteadyClock clock_;
  int default_slots_;
  jobs::JobRunner runner_;
  jobs::Scheduler scheduler_;
  std::optional<jobs::JobStore> store_;
  Deferred pass_;   // dispatch, right after the exits that free slots
  Deferred flush_;  // the history, once the loop is otherwise idle and at most every kHistoryWriteInterval
  bool restoring_ = false;

  std::unordered_map<pid_t, jobs::JobId> children_;       // our children, by pid
  std::unordered_map<jobs::JobId, sd_event_source*> adopted_;  // pidfd watches of adopted processes
  std::unordered_map<jobs::JobId, UniqueFd> adopted_fds_;

  std::vector<jobs::JobId> new_jobs_;
  std::unordered_set<jobs::JobId> dirty_;
  std::vector<std::pair<jobs::JobId, jobs::Attempt>> attempts_;
  std::map<std::string, jobs::RunEstimates::Entry> estimates_;
  jobs::JobId stored_next_id_ = 0;
  std::size_t trimmed_estimates_ = 0;
  std::size_t ended_count_ = 0;

  std::vector<std::shared_ptr<JobWaiter>> waiters_;
  bool progress_due_ = false;
  sd_event_source* progress_timer_ = nullptr;

  std::map<std::string, ScheduleEntry> schedules_;

  sd_event_source* timer_ = nullptr;
  bool shutting_down_ = false;
  std::function<void()> shutdown_done_;
};

}  // namespace tend
