#pragma once
#include <sys/types.h>

#include <csignal>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/program_spec.h"
#include "core/restart_policy.h"
#include "jobs/job_state.h"
#include "util/clock.h"
#include "util/units.h"

namespace tend::jobs {

using JobId = std::int64_t;

/// What the user asked to run: pure data, fixed at submission.
struct JobSpec {
  std::string name;                   // optional label
  std::vector<std::string> command;   // argv; with shell, one string run by /bin/sh -c
  bool shell = false;
  std::string cwd;                    // absolute; empty: the daemon's
  std::shared_ptr<const Environment> env;  // the complete environment (shared between jobs submitted together)
  std::string queue = "default";
  int priority = 0;                   // larger runs first under `priority`
  std::optional<Millis> estimate;     // expected run time for `sjf` (else predicted from history)
  std::optional<Millis> timeout;      // per attempt, counting time spent running (not suspended)
  int retries = 0;                    // further attempts after a failed or timed-out one
  int stop_signal = SIGTERM;          // sent to the process group by cancel, timeout and shutdown
  Millis kill_timeout{10'000};        // then SIGKILL
  std::vector<JobId> after;           // held until every one of these is done
  std::string schedule;               // the schedule that submitted it; empty when submitted by hand

  /// The argv executed: command, or /bin/sh -c with shell.
  std::vector<std::string> argv() const;
  /// What identifies "this command" for run-time predictions: the argv (or shell string) as JSON.
  std::string command_key() const;
  /// Checks ranges; "invalid <field>: <why>".
  Status validate() const;
};

/// How one attempt ended; the outcome word is the job state it would have led to ("done", "failed",
/// "timeout", "cancelled").
struct Attempt {
  int number = 0;
  std::int64_t start_ms = 0;  // wall
  std::int64_t end_ms = 0;
  Millis run{0};
  std::optional<int> exit_code;
  std::optional<int> exit_signal;
  std::string outcome;
  std::string reason;
};

/// Why the scheduler is stopping a job that still runs.
enum class Ending { none, cancel, timeout, shutdown };

/// One job: its spec, its state and every time the metrics are made of. Owned by the Scheduler.
struct Job {
  JobId id = 0;
  JobSpec spec;
  JobState state = JobState::queued;
  std::string reason;

  // History, in wall milliseconds (survives daemon restarts).
  std::int64_t submit_ms = 0;
  std::optional<std::int64_t> start_ms;  // first start of the first attempt
  std::optional<std::int64_t> end_ms;
  Millis run{0};  // running time of every attempt, slices ended so far
  int attempts = 0;
  std::optional<int> exit_code;
  std::optional<int> exit_signal;

  // The current attempt's process: pid == process group id (spawned as a session leader).
  pid_t pid = -1;
  std::uint64_t start_ticks = 0;  // /proc/PID/stat starttime: tells the same process from a reused pid
  std::int64_t attempt_start_ms = 0;
  std::int64_t slice_start_ms = 0;  // wall time the current running slice began (to resume accounting)
  bool adopted = false;  // left running by a previous daemon: not our child, exit status unknown

  // Scheduling state (monotonic; rebuilt on restore).
  MonoTime ready_since{};    // entered the ready queue (aging counts from here)
  MonoTime slice_start{};    // began its current running slice (run accounting)
  Millis attempt_run{0};     // running time of the current attempt, slices ended so far (timeout)
  MonoTime quantum_start{};  // rr/mlfq: began the current quantum
  Millis quantum_carry{0};   // mlfq: part of the quantum used before it was preempted by a higher level
  int level = 0;             // mlfq level, 0 = top
  std::uint64_t ready_seq = 0;
  Millis expected{0};        // sjf: the run time the decision used
  std::optional<MonoTime> retry_at;
  std::optional<MonoTime> kill_at;
  Ending ending = Ending::none;
  std::string cancel_reason;
  RestartHistory retry_history;

  /// Running time including the slice in progress.
  Millis run_time(MonoTime now) const;
  /// Response (first start − submit), null before the first start.
  std::optional<std::int64_t> response_ms() const;
  /// Turnaround (end − submit), null until it ended.
  std::optional<std::int64_t> turnaround_ms() const;
  /// Time not running since submission (queued, held, suspended, between attempts): turnaround − run, or
  /// the same so far for a job that has not ended.
  std::int64_t wait_ms(MonoTime now, std::int64_t now_wall_ms) const;
};

/// Exit status a `--wait` client reports for an ended job: its exit code, 128+N for a signal, 124 for a
/// timeout, 1 when cancelled or never run.
int job_exit_status(const Job& job);

}  // namespace tend::jobs
