#include "jobs/scheduler.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/daemon_log.h"
#include "util/signals.h"

namespace tend::jobs {
namespace {

constexpr Millis kForever{365LL * 24 * 3600 * 1000};

std::string describe(const ExitInfo& exit) {
  if (exit.signal > 0) return signal_name(exit.signal);
  if (exit.exit_code >= 0) return fmt::format("exit {}", exit.exit_code);
  return "exit status unknown";
}

bool exit_known(const ExitInfo& exit) { return exit.signal > 0 || exit.exit_code >= 0; }

std::string list_ids(const std::vector<JobId>& ids) {
  std::string out;
  for (JobId id : ids) out += (out.empty() ? "" : ", ") + std::to_string(id);
  return out;
}

}  // namespace

RestartPolicy retry_policy(int retries) {
  RestartPolicy p;
  p.mode = RestartMode::always;
  p.max_restarts = retries;
  p.restart_window = kForever;
  p.min_uptime = kForever;  // every failed attempt counts: the delay doubles from one retry to the next
  p.backoff_min = Millis(100);
  p.backoff_max = Millis(30'000);
  return p;
}

Scheduler::Scheduler(const Clock& clock, std::function<std::int64_t()> wall_ms, JobProcesses& processes,
                     SchedulerEvents& events, int default_slots)
    : clock_(clock),
      wall_ms_(std::move(wall_ms)),
      processes_(processes),
      events_(events),
      default_slots_(std::max(1, default_slots)) {}

QueueRuntime& Scheduler::queue(const std::string& name) {
  auto it = queues_.find(name);
  if (it != queues_.end()) return it->second;
  QueueRuntime q;
  q.config.name = name;
  q.config.slots = default_slots_;
  return queues_.emplace(name, std::move(q)).first->second;
}

const QueueRuntime* Scheduler::find_queue(const std::string& name) const {
  auto it = queues_.find(name);
  return it == queues_.end() ? nullptr : &it->second;
}

Status Scheduler::configure(const QueueConfig& config) {
  if (auto st = config.validate(); !st) return st;
  QueueRuntime& q = queue(config.name);
  bool rekeyed = q.config.policy != config.policy;
  q.config = config;
  if (config.policy != Policy::mlfq) q.boost_at.reset();
  if (rekeyed) rekey(q);
  return {};
}

Status Scheduler::set_paused(const std::string& name, bool paused) {
  auto it = queues_.find(name);
  if (it == queues_.end()) return Error{ENOENT, fmt::format("no queue named {}", name)};
  it->second.config.paused = paused;
  return {};
}

void Scheduler::rekey(QueueRuntime& q) {
  auto ids = q.ready.ids();
  q.ready.clear();
  for (JobId id : ids) {
    Job& job = jobs_.at(id);
    if (q.config.policy == Policy::sjf) job.expected = estimates_.predict(job.spec.command_key(), job.spec.estimate);
    if (q.config.policy != Policy::mlfq) job.level = 0;
    q.ready.add(job, q.config.policy);
  }
}

Job* Scheduler::find_mutable(JobId id) {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

const Job* Scheduler::find(JobId id) const {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

bool Scheduler::change(Job& job, JobState to, std::string reason) {
  if (job.state != to && !job_transition_allowed(job.state, to)) {
    log_error("job {}: refused illegal transition {} -> {}", job.id, job_state_name(job.state), job_state_name(to));
    return false;
  }
  JobState from = job.state;
  job.state = to;
  job.reason = std::move(reason);
  events_.job_changed(job, from);
  return true;
}

void Scheduler::detail(Job& job, std::string reason) {
  job.reason = std::move(reason);
  events_.job_changed(job, job.state);
}

Result<JobId> Scheduler::submit(JobSpec spec) {
  if (auto st = spec.validate(); !st) return st.error();
  if (!valid_queue_name(spec.queue))
    return Error{EINVAL, fmt::format("invalid queue name '{}' (use 1-64 of A-Z a-z 0-9 _ . -)", spec.queue)};
  for (JobId dep : spec.after)
    if (!jobs_.count(dep)) return Error{ENOENT, fmt::format("no job {} (for --after)", dep)};
  if (shutting_down_) return Error{ESHUTDOWN, "the daemon is shutting down"};
  queue(spec.queue);
  JobId id = next_id_++;
  Job& job = jobs_[id];
  job.id = id;
  job.spec = std::move(spec);
  job.submit_ms = wall_ms_();
  events_.job_submitted(job);
  hold_or_ready(job);
  return id;
}

void Scheduler::restore(Job job) {
  set_next_id(job.id + 1);
  queue(job.spec.queue);
  JobId id = job.id;
  Job& j = jobs_[id] = std::move(job);
  MonoTime now = clock_.now();
  std::int64_t wall = wall_ms_();
  auto since = [&](std::int64_t wall_time) { return now - Millis(std::max<std::int64_t>(0, wall - wall_time)); };
  if (is_ended(j.state)) return;
  QueueRuntime& q = queue(j.spec.queue);
  if (j.state == JobState::queued) {
    hold_or_ready(j);
    return;
  }
  // Adopted: the slice and the quantum start again now; the part of the slice before the restart counts.
  j.slice_start = since(j.slice_start_ms);
  j.quantum_start = now;
  if (j.state == JobState::running) {
    q.running.push_back(id);
  } else {
    j.ready_since = now;
    j.ready_seq = ++ready_seq_;
    q.ready.add(j, q.config.policy);
  }
}

void Scheduler::hold_or_ready(Job& job) {
  std::vector<JobId> pending;
  for (JobId dep : job.spec.after) {
    const Job* d = find(dep);
    if (!d) continue;  // pruned: only ended jobs are pruned, and a failed one cancelled its dependants then
    if (is_ended(d->state) && d->state != JobState::done)
      return cancel_waiting(job, fmt::format("job {} {}", dep, job_state_name(d->state)));
    if (!is_ended(d->state)) pending.push_back(dep);
  }
  if (pending.empty()) return make_ready(job);
  for (JobId dep : pending) dependants_.emplace(dep, job.id);
  detail(job, fmt::format("waiting for job {}", list_ids(pending)));
}

void Scheduler::make_ready(Job& job) {
  QueueRuntime& q = queue(job.spec.queue);
  job.ready_since = clock_.now();
  job.ready_seq = ++ready_seq_;
  if (q.config.policy == Policy::sjf) job.expected = estimates_.predict(job.spec.command_key(), job.spec.estimate);
  q.ready.add(job, q.config.policy);
  if (!job.reason.empty()) detail(job, "");
}

void Scheduler::dispatch() {
  if (shutting_down_) return;
  for (auto& [name, q] : queues_) {
    if (q.config.paused) continue;
    fill(q);
    if (q.config.policy == Policy::mlfq) preempt_for_higher_levels(q);
  }
}

void Scheduler::fill(QueueRuntime& q) {
  MonoTime now = clock_.now();
  while (int(q.running.size()) < q.config.slots) {
    auto id = q.ready.pick(q.config, now);
    if (!id) break;
    q.ready.remove(*id);
    Job& job = jobs_.at(*id);
    if (job.state == JobState::suspended) resume(q, job);
    else start_attempt(q, job);
  }
}

void Scheduler::preempt_for_higher_levels(QueueRuntime& q) {
  // MLFQ's first rule: a job at a higher level runs before any job at a lower one, so an arrival (or a
  // boost) takes a slot from the lowest-level job now rather than at the end of its quantum.
  for (;;) {
    if (int(q.running.size()) < q.config.slots) return fill(q);
    auto best = q.ready.pick(q.config, clock_.now());
    if (!best) return;
    Job* worst = nullptr;
    for (JobId id : q.running) {
      Job& r = jobs_.at(id);
      if (r.ending != Ending::none) continue;
      if (!worst || r.level > worst->level || (r.level == worst->level && r.quantum_start > worst->quantum_start))
        worst = &r;
    }
    const Job& candidate = jobs_.at(*best);
    if (!worst || candidate.level >= worst->level) return;
    preempt(q, *worst, fmt::format("preempted by job {} (level {})", candidate.id, candidate.level));
  }
}

void Scheduler::start_attempt(QueueRuntime& q, Job& job) {
  MonoTime now = clock_.now();
  ++job.attempts;
  job.attempt_start_ms = wall_ms_();
  job.attempt_run = Millis(0);
  job.level = 0;
  job.quantum_carry = Millis(0);
  job.ending = Ending::none;
  job.kill_at.reset();
  job.retry_at.reset();
  job.adopted = false;
  auto started = processes_.start(job);
  if (!started) return end_attempt(job, ExitInfo{}, started.error().message);
  job.pid = started->pid;
  job.start_ticks = started->start_ticks;
  job.slice_start = now;
  job.slice_start_ms = job.attempt_start_ms;
  job.quantum_start = now;
  if (!job.start_ms) job.start_ms = job.attempt_start_ms;
  q.running.push_back(job.id);
  change(job, JobState::running, job.attempts > 1 ? fmt::format("attempt {}", job.attempts) : std::string());
}

void Scheduler::resume(QueueRuntime& q, Job& job) {
  MonoTime now = clock_.now();
  processes_.signal_group(job, SIGCONT);
  job.slice_start = now;
  job.slice_start_ms = wall_ms_();
  job.quantum_start = now;
  q.running.push_back(job.id);
  change(job, JobState::running, "");
}

void Scheduler::account_slice(Job& job) {
  Millis d = std::chrono::duration_cast<Millis>(clock_.now() - job.slice_start);
  if (d.count() < 0) d = Millis(0);
  job.run += d;
  job.attempt_run += d;
}

void Scheduler::preempt(QueueRuntime& q, Job& job, std::string reason) {
  MonoTime now = clock_.now();
  processes_.signal_group(job, SIGSTOP);
  account_slice(job);
  job.quantum_carry += std::chrono::duration_cast<Millis>(now - job.quantum_start);
  std::erase(q.running, job.id);
  job.ready_since = now;
  job.ready_seq = ++ready_seq_;
  q.ready.add(job, q.config.policy);
  change(job, JobState::suspended, std::move(reason));
}

Status Scheduler::cancel(JobId id, const std::string& reason) {
  Job* job = find_mutable(id);
  if (!job) return Error{ENOENT, fmt::format("no job {}", id)};
  if (is_ended(job->state))
    return Error{EALREADY, fmt::format("job {} has already ended ({})", id, job_state_name(job->state))};
  if (job->state == JobState::queued) {
    cancel_waiting(*job, reason);
    return {};
  }
  if (job->ending == Ending::cancel || job->ending == Ending::shutdown) return {};
  job->cancel_reason = reason;
  begin_stop(*job, Ending::cancel, "cancelling");
  return {};
}

void Scheduler::cancel_waiting(Job& job, std::string reason) {
  QueueRuntime& q = queue(job.spec.queue);
  q.ready.remove(job.id);
  if (job.retry_at) retrying_.erase({*job.retry_at, job.id});
  job.retry_at.reset();
  finish(job, JobState::cancelled, std::move(reason));
}

void Scheduler::begin_stop(Job& job, Ending why, std::string what) {
  // The stop steps: the stop signal to the whole group, SIGKILL after the kill timeout. A suspended job is
  // continued right after the signal, so it runs its handler instead of dying stopped.
  QueueRuntime& q = queue(job.spec.queue);
  job.ending = why;
  processes_.signal_group(job, job.spec.stop_signal);
  job.kill_at = clock_.now() + job.spec.kill_timeout;
  std::string text = fmt::format("{}: sent {}", what, signal_name(job.spec.stop_signal));
  if (job.state == JobState::suspended) {
    q.ready.remove(job.id);
    processes_.signal_group(job, SIGCONT);
    job.slice_start = clock_.now();
    job.slice_start_ms = wall_ms_();
    q.running.push_back(job.id);
    change(job, JobState::running, text);
  } else {
    detail(job, text);
  }
}

void Scheduler::on_exit(JobId id, const ExitInfo& exit) {
  Job* job = find_mutable(id);
  if (!job || job->pid <= 0) return;
  QueueRuntime& q = queue(job->spec.queue);
  if (job->state == JobState::running) {
    account_slice(*job);
    std::erase(q.running, id);
  } else {
    q.ready.remove(id);  // suspended: ended while stopped (killed from outside)
  }
  end_attempt(*job, exit, "");
}

void Scheduler::end_attempt(Job& job, const ExitInfo& exit, std::string failure) {
  bool spawned = failure.empty();
  job.pid = -1;
  job.kill_at.reset();
  if (exit.exit_code >= 0) job.exit_code = exit.exit_code;
  else job.exit_code.reset();
  if (exit.signal > 0) job.exit_signal = exit.signal;
  else job.exit_signal.reset();

  JobState outcome = JobState::failed;
  std::string reason;
  if (job.ending == Ending::cancel) {
    outcome = JobState::cancelled;
    reason = job.cancel_reason;
  } else if (job.ending == Ending::shutdown) {
    outcome = JobState::cancelled;
    reason = "daemon shut down";
  } else if (job.ending == Ending::timeout) {
    outcome = JobState::timeout;
    reason = fmt::format("timed out after {} ({})", format_duration(*job.spec.timeout), describe(exit));
  } else if (!spawned) {
    reason = std::move(failure);
  } else if (exit.clean()) {
    outcome = JobState::done;
  } else if (!exit_known(exit)) {
    reason = "exit status unknown (adopted after a daemon restart)";
  } else {
    reason = describe(exit);
  }
  // sjf learns from the runs of its own queues: a run that ended by itself is one observed burst.
  if (spawned && job.ending == Ending::none && exit_known(exit) && queue(job.spec.queue).config.policy == Policy::sjf) {
    auto entry = estimates_.learn(job.spec.command_key(), job.attempt_run, job.spec.estimate, wall_ms_());
    events_.estimate_learned(job.spec.command_key(), entry);
  }
  Attempt attempt{job.attempts, job.attempt_start_ms, wall_ms_(), job.attempt_run, job.exit_code, job.exit_signal,
                  std::string(job_state_name(outcome)), reason};
  events_.attempt_ended(job, attempt);
  job.ending = Ending::none;

  bool retryable = outcome == JobState::failed || outcome == JobState::timeout;
  if (retryable && job.attempts <= job.spec.retries && !shutting_down_) {
    auto decision = decide_restart(exit, job.attempt_run, job.retry_history, retry_policy(job.spec.retries),
                                   clock_.now());
    job.retry_at = clock_.now() + decision.delay;
    retrying_.emplace(*job.retry_at, job.id);
    change(job, JobState::queued,
           fmt::format("attempt {} {}; retry {}/{} in {}", job.attempts, reason.empty() ? "failed" : reason,
                       job.attempts, job.spec.retries, format_duration(decision.delay)));
    return;
  }
  finish(job, outcome, std::move(reason));
}

void Scheduler::finish(Job& job, JobState outcome, std::string reason) {
  job.end_ms = wall_ms_();
  if (!change(job, outcome, std::move(reason))) return;
  release_dependants(job);
}

void Scheduler::release_dependants(const Job& job) {
  auto [begin, end] = dependants_.equal_range(job.id);
  std::vector<JobId> held;
  for (auto it = begin; it != end; ++it) held.push_back(it->second);
  dependants_.erase(job.id);
  for (JobId id : held) {
    Job* d = find_mutable(id);
    if (!d || d->state != JobState::queued || d->retry_at || queue(d->spec.queue).ready.contains(id)) continue;
    if (job.state != JobState::done) {
      cancel_waiting(*d, fmt::format("job {} {}", job.id, job_state_name(job.state)));
      continue;
    }
    std::vector<JobId> pending;
    for (JobId dep : d->spec.after)
      if (const Job* other = find(dep); other && !is_ended(other->state)) pending.push_back(dep);
    if (pending.empty()) make_ready(*d);
    else detail(*d, fmt::format("waiting for job {}", list_ids(pending)));
  }
}

void Scheduler::expire() {
  MonoTime now = clock_.now();
  while (!retrying_.empty() && retrying_.begin()->first <= now) {
    JobId id = retrying_.begin()->second;
    retrying_.erase(retrying_.begin());
    if (Job* job = find_mutable(id); job && job->state == JobState::queued) {
      job->retry_at.reset();
      make_ready(*job);
    }
  }
  for (auto& [name, q] : queues_) {
    auto running = q.running;  // check_running may preempt (and so edit q.running)
    for (JobId id : running) check_running(q, id, now);
    if (q.boost_at && *q.boost_at <= now) boost(q);
  }
  dispatch();
}

void Scheduler::check_running(QueueRuntime& q, JobId id, MonoTime now) {
  Job& job = jobs_.at(id);
  if (job.kill_at && *job.kill_at <= now) {
    processes_.signal_group(job, SIGKILL);
    job.kill_at.reset();
    detail(job, fmt::format("{}; sent SIGKILL after {}", job.reason, format_duration(job.spec.kill_timeout)));
    return;
  }
  if (job.ending != Ending::none) return;
  if (auto deadline = timeout_deadline(job); deadline && *deadline <= now) {
    begin_stop(job, Ending::timeout, fmt::format("timed out after {}", format_duration(*job.spec.timeout)));
    return;
  }
  if (!is_preemptive(q.config.policy)) return;
  Millis slice = q.config.policy == Policy::mlfq ? q.config.level_quantum(job.level) : q.config.quantum;
  if (now < job.quantum_start + (slice - job.quantum_carry)) return;
  // The quantum is used up. mlfq: the job drops a level (the boost brings it back later).
  if (q.config.policy == Policy::mlfq && job.level < q.config.levels - 1) {
    ++job.level;
    if (!q.boost_at && q.config.aging.count() > 0) q.boost_at = now + q.config.aging;
    detail(job, fmt::format("used its {} quantum; now at level {}", format_duration(slice), job.level));
  }
  job.quantum_carry = Millis(0);
  job.quantum_start = now;
  if (!q.config.paused && contended(q, job.level))
    preempt(q, job, fmt::format("preempted after its {} quantum", format_duration(slice)));
}

void Scheduler::boost(QueueRuntime& q) {
  MonoTime now = clock_.now();
  q.boost_at.reset();
  for (JobId id : q.running) {
    Job& job = jobs_.at(id);
    job.level = 0;
    job.quantum_carry = Millis(0);
    job.quantum_start = now;
  }
  auto ids = q.ready.ids();
  q.ready.clear();
  for (JobId id : ids) {
    Job& job = jobs_.at(id);
    job.level = 0;
    job.quantum_carry = Millis(0);
    q.ready.add(job, q.config.policy);
  }
}

bool Scheduler::contended(const QueueRuntime& q, int level) const {
  auto next = q.ready.pick(q.config, clock_.now());
  if (!next) return false;
  return q.config.policy != Policy::mlfq || jobs_.at(*next).level <= level;
}

std::optional<MonoTime> Scheduler::timeout_deadline(const Job& job) const {
  if (!job.spec.timeout || job.state != JobState::running) return std::nullopt;
  return job.slice_start + (*job.spec.timeout - job.attempt_run);
}

std::optional<MonoTime> Scheduler::quantum_deadline(const QueueRuntime& q, const Job& job) const {
  if (!is_preemptive(q.config.policy) || job.ending != Ending::none) return std::nullopt;
  bool demotable = q.config.policy == Policy::mlfq && job.level < q.config.levels - 1;
  if (!demotable && (q.config.paused || !contended(q, job.level))) return std::nullopt;
  Millis slice = q.config.policy == Policy::mlfq ? q.config.level_quantum(job.level) : q.config.quantum;
  return job.quantum_start + (slice - job.quantum_carry);
}

std::optional<MonoTime> Scheduler::next_deadline() const {
  std::optional<MonoTime> best;
  auto consider = [&](std::optional<MonoTime> t) {
    if (t && (!best || *t < *best)) best = t;
  };
  if (!retrying_.empty()) consider(retrying_.begin()->first);
  for (const auto& [name, q] : queues_) {
    consider(q.boost_at);
    for (JobId id : q.running) {
      const Job& job = jobs_.at(id);
      consider(job.kill_at);
      if (job.ending != Ending::none) continue;
      consider(timeout_deadline(job));
      consider(quantum_deadline(q, job));
    }
  }
  return best;
}

void Scheduler::begin_shutdown() {
  shutting_down_ = true;
  for (auto& [id, job] : jobs_) {
    if (job.pid <= 0 || job.ending == Ending::shutdown) continue;
    if (job.state != JobState::running && job.state != JobState::suspended) continue;
    begin_stop(job, Ending::shutdown, "daemon shutting down");
  }
}

bool Scheduler::idle() const {
  for (const auto& [id, job] : jobs_)
    if (job.pid > 0) return false;
  return true;
}

void Scheduler::note_start_ticks(JobId id, std::uint64_t ticks) {
  if (Job* job = find_mutable(id); job && job->pid > 0) job->start_ticks = ticks;
}

void Scheduler::forget(JobId id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end() || !is_ended(it->second.state)) return;
  dependants_.erase(id);
  jobs_.erase(it);
}

}  // namespace tend::jobs
