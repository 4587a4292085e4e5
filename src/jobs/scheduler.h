#pragma once
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/restart_policy.h"
#include "jobs/job.h"
#include "jobs/queue_config.h"
#include "jobs/ready_queue.h"
#include "jobs/run_estimates.h"
#include "util/clock.h"
#include "util/result.h"

namespace tend::jobs {

/// What the scheduler asks of the operating system. The daemon's JobRunner spawns and signals for real;
/// unit tests record the calls and play the kernel's part.
class JobProcesses {
 public:
  struct Started {
    pid_t pid = -1;  // also the process group id: a job's process starts its own session
    std::uint64_t start_ticks = 0;
  };
  virtual ~JobProcesses() = default;
  /// Starts an attempt of the job (logs appended, exactly stdin/stdout/stderr inherited); the spawn error
  /// otherwise ("exec /no/such: No such file or directory").
  virtual Result<Started> start(const Job& job) = 0;
  /// Sends sig to the job's whole process group (SIGSTOP/SIGCONT for time slicing, the stop signal, SIGKILL).
  virtual void signal_group(const Job& job, int sig) = 0;
};

/// What the scheduler tells the layer that persists and publishes.
class SchedulerEvents {
 public:
  virtual ~SchedulerEvents() = default;
  virtual void job_submitted(const Job& job) = 0;
  /// Every change worth keeping: a state (from != job.state) or a detail (reason, pid, level; from == state).
  virtual void job_changed(const Job& job, JobState from) = 0;
  virtual void attempt_ended(const Job& job, const Attempt& attempt) = 0;
  virtual void estimate_learned(const std::string& command_key, const RunEstimates::Entry& entry) = 0;
};

/// One queue at run time: its settings, the jobs on its slots and its ready queue.
struct QueueRuntime {
  QueueConfig config;
  std::vector<JobId> running;  // on a slot (including jobs being stopped)
  ReadyQueue ready;
  std::optional<MonoTime> boost_at;  // mlfq: when every job returns to the top level
};

/// The job scheduler: queues with N slots each, the five policies, dependencies (--after), retries with the
/// core's backoff, timeouts and cancellation as stop steps (stop signal, kill timeout, SIGKILL of the group).
/// Pure logic over a Clock and JobProcesses: every decision is unit-tested with fake time and fake
/// processes. It never waits: the daemon calls dispatch() after changes and expire() at next_deadline().
class Scheduler {
 public:
  /// default_slots is what a queue created on first use gets (the daemon passes the number of CPUs).
  Scheduler(const Clock& clock, std::function<std::int64_t()> wall_ms, JobProcesses& processes,
            SchedulerEvents& events, int default_slots);

  /// The queue, created with the defaults (fcfs, default_slots) when missing.
  QueueRuntime& queue(const std::string& name);
  const QueueRuntime* find_queue(const std::string& name) const;
  const std::map<std::string, QueueRuntime>& queues() const { return queues_; }
  /// Creates or reconfigures a queue; the ready queue is re-ordered for a new policy. EINVAL when invalid.
  Status configure(const QueueConfig& config);
  /// A paused queue starts and resumes nothing (running jobs go on); resume dispatches again.
  Status set_paused(const std::string& name, bool paused);

  /// Queues a job; ENOENT for an --after id that does not exist, EINVAL for a bad spec. A job whose
  /// dependency has already failed is cancelled at once (still a valid id).
  Result<JobId> submit(JobSpec spec);
  /// Puts back a job loaded from history, in id order. A running or suspended one must carry the pid of
  /// its adopted process; ended jobs only join the history.
  void restore(Job job);
  /// Cancels: a queued job at once; a running one by its stop steps (the state is cancelled when the
  /// process is gone); a suspended one is continued first so it can handle the stop signal.
  /// ENOENT: no such job; EALREADY: it has already ended.
  Status cancel(JobId id, const std::string& reason);
  /// The job's main process ended (wait status decoded; ExitInfo{} when unknown: an adopted process).
  void on_exit(JobId id, const ExitInfo& exit);

  /// Fills free slots by each queue's policy (and lets mlfq preempt lower levels for higher ones).
  void dispatch();
  /// Handles every deadline that has come (quantum, timeout, kill, retry backoff, mlfq boost), then
  /// dispatches.
  void expire();
  /// The earliest deadline; nothing when no timer is needed (an idle queue costs no wake-ups).
  std::optional<MonoTime> next_deadline() const;

  /// Starts nothing more and stops every job with a process (cancelled, "daemon shut down"); queued jobs
  /// stay queued for the next daemon.
  void begin_shutdown();
  /// True when no job has a process.
  bool idle() const;

  const Job* find(JobId id) const;
  const std::map<JobId, Job>& jobs() const { return jobs_; }
  /// Forgets an ended job (pruning the history).
  void forget(JobId id);
  /// Records the kernel start time of a job's current process, read after its start.
  void note_start_ticks(JobId id, std::uint64_t ticks);
  RunEstimates& estimates() { return estimates_; }
  JobId next_id() const { return next_id_; }
  void set_next_id(JobId id) { next_id_ = std::max(next_id_, id); }

 private:
  Job* find_mutable(JobId id);
  bool change(Job& job, JobState to, std::string reason);
  void detail(Job& job, std::string reason);
  void hold_or_ready(Job& job);
  void make_ready(Job& job);
  void fill(QueueRuntime& q);
  void preempt_for_higher_levels(QueueRuntime& q);
  void start_attempt(QueueRuntime& q, Job& job);
  void resume(QueueRuntime& q, Job& job);
  void preempt(QueueRuntime& q, Job& job, std::string reason);
  void account_slice(Job& job);
  void begin_stop(Job& job, Ending why, std::string detail_text);
  void end_attempt(Job& job, const ExitInfo& exit, std::string failure);
  void finish(Job& job, JobState outcome, std::string reason);
  void release_dependants(const Job& job);
  void cancel_waiting(Job& job, std::string reason);
  void check_running(QueueRuntime& q, JobId id, MonoTime now);
  void boost(QueueRuntime& q);
  bool contended(const QueueRuntime& q, int level) const;
  std::optional<MonoTime> quantum_deadline(const QueueRuntime& q, const Job& job) const;
  std::optional<MonoTime> timeout_deadline(const Job& job) const;
  void rekey(QueueRuntime& q);

  const Clock& clock_;
  std::function<std::int64_t()> wall_ms_;
  JobProcesses& processes_;
  SchedulerEvents& events_;
  int default_slots_;
  std::map<std::string, QueueRuntime> queues_;
  std::map<JobId, Job> jobs_;
  std::unordered_multimap<JobId, JobId> dependants_;  // dependency → jobs held on it
  std::set<std::pair<MonoTime, JobId>> retrying_;     // queued jobs waiting out their retry backoff
  RunEstimates estimates_;
  JobId next_id_ = 1;
  std::uint64_t ready_seq_ = 0;
  bool shutting_down_ = false;
};

/// The core's restart backoff as jobs use it: every failed attempt is "unstable", so the k-th retry waits
/// backoff_min × 2^(k-1) (100 ms, 200 ms, 400 ms ... capped at 30 s).
RestartPolicy retry_policy(int retries);

}  // namespace tend::jobs
