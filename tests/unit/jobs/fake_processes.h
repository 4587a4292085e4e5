#pragma once
// Fake time and fake processes for the scheduler's unit tests: the scheduler's decisions are checked
// without a kernel, and time only moves when a test says so.
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "jobs/scheduler.h"

namespace tend::jobs::testing {

class FakeClock final : public Clock {
 public:
  MonoTime now() const override { return now_; }
  std::int64_t wall_ms() const { return 1'700'000'000'000 + std::chrono::duration_cast<Millis>(now_.time_since_epoch()).count(); }
  void advance(Millis d) { now_ += d; }

 private:
  MonoTime now_{Millis(1'000'000)};
};

/// Records every start and signal; a job's process stays "running" until the test calls exit().
class FakeProcesses final : public JobProcesses {
 public:
  struct Signal {
    JobId job;
    int sig;
  };

  Result<Started> start(const Job& job) override {
    if (failing.count(job.spec.command[0])) return Error{ENOENT, "exec " + job.spec.command[0] + ": No such file or directory"};
    starts.push_back(job.id);
    pid_t pid = next_pid_++;
    pid_of[job.id] = pid;
    stopped.erase(job.id);
    return Started{pid, 42};
  }
  void signal_group(const Job& job, int sig) override {
    signals.push_back({job.id, sig});
    if (sig == SIGSTOP) stopped.insert(job.id);
    if (sig == SIGCONT) stopped.erase(job.id);
  }
  /// Signals sent to one job, in order.
  std::vector<int> signals_of(JobId id) const {
    std::vector<int> out;
    for (const auto& s : signals)
      if (s.job == id) out.push_back(s.sig);
    return out;
  }

  std::vector<JobId> starts;  // every attempt started, in order
  std::vector<Signal> signals;
  std::map<JobId, pid_t> pid_of;
  std::set<JobId> stopped;
  std::set<std::string> failing;  // commands whose spawn fails

 private:
  pid_t next_pid_ = 1000;
};

/// Remembers what the scheduler published.
class RecordingEvents final : public SchedulerEvents {
 public:
  void job_submitted(const Job& job) override { submitted.push_back(job.id); }
  void job_changed(const Job& job, JobState from) override {
    if (from != job.state) transitions.push_back({job.id, from, job.state});
  }
  void attempt_ended(const Job& job, const Attempt& attempt) override { attempts[job.id].push_back(attempt); }
  void estimate_learned(const std::string& key, const RunEstimates::Entry& entry) override { learned[key] = entry; }

  struct Transition {
    JobId job;
    JobState from, to;
  };
  std::vector<JobId> submitted;
  std::vector<Transition> transitions;
  std::map<JobId, std::vector<Attempt>> attempts;
  std::map<std::string, RunEstimates::Entry> learned;
};

/// A scheduler over the fakes, with short-hands for the tests.
struct Harness {
  FakeClock clock;
  FakeProcesses processes;
  RecordingEvents events;
  Scheduler scheduler{clock, [this] { return clock.wall_ms(); }, processes, events, 1};

  QueueConfig config(const std::string& name, Policy policy, int slots = 1) {
    QueueConfig c;
    c.name = name;
    c.policy = policy;
    c.slots = slots;
    return c;
  }
  JobId submit(const std::string& command, const std::string& queue = "default", int priority = 0) {
    JobSpec spec;
    spec.command = {command};
    spec.queue = queue;
    spec.priority = priority;
    spec.env = std::make_shared<const Environment>();
    auto id = scheduler.submit(std::move(spec));
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
    return id.ok() ? *id : -1;
  }
  JobId submit(JobSpec spec) {
    if (!spec.env) spec.env = std::make_shared<const Environment>();
    auto id = scheduler.submit(std::move(spec));
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
    return id.ok() ? *id : -1;
  }
  const Job& job(JobId id) { return *scheduler.find(id); }
  JobState state(JobId id) { return job(id).state; }
  /// Moves time forward in steps, handling each deadline when it comes (as the daemon's timer does).
  void advance(Millis d) {
    MonoTime end = clock.now() + d;
    for (int guard = 0;; ++guard) {
      if (guard > 100000) {
        ADD_FAILURE() << "a deadline that never clears";
        break;
      }
      auto next = scheduler.next_deadline();
      if (!next || *next > end) break;
      if (*next > clock.now()) clock.advance(std::chrono::duration_cast<Millis>(*next - clock.now()));
      scheduler.expire();
    }
    if (end > clock.now()) clock.advance(std::chrono::duration_cast<Millis>(end - clock.now()));
    scheduler.dispatch();
  }
  void exit(JobId id, int code = 0) {
    scheduler.on_exit(id, ExitInfo{code, 0});
    scheduler.dispatch();
  }
  void killed(JobId id, int sig) {
    scheduler.on_exit(id, ExitInfo{-1, sig});
    scheduler.dispatch();
  }
};

}  // namespace tend::jobs::testing
