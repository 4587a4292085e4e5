#include "daemon/job_service.h"

#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>

#include "daemon/instance.h"
#include "daemon/priorities.h"
#include "proc/pidfd.h"
#include "proc/proc_stat.h"
#include "util/daemon_log.h"

namespace tend {

namespace {

using jobs::Job;
using jobs::JobId;
using jobs::JobState;

int online_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return int(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
}

std::uint64_t usec_of(MonoTime t) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  return us > 0 ? std::uint64_t(us) : 1;
}

}  // namespace

JobService::JobService(sd_event* loop, Supervisor& supervisor, long child_nofile_soft)
    : loop_(loop),
      supervisor_(supervisor),
      default_slots_(online_cpus()),
      runner_(supervisor.paths().home + "/jobs", child_nofile_soft),
      scheduler_(clock_, wall_ms, *this, *this, default_slots_),
      pass_(loop, kPriorityJobs, [this] { pass(); }),
      flush_(loop, kPrioritySave, [this] { write_history_now(); }, kHistoryWriteInterval) {}

JobService::~JobService() {
  for (auto& [id, source] : adopted_) sd_event_source_disable_unref(source);
  for (auto& [name, entry] : schedules_) sd_event_source_disable_unref(entry.timer);
  sd_event_source_disable_unref(progress_timer_);
  sd_event_source_disable_unref(timer_);
  for (const auto& [pid, id] : children_) supervisor_.forget_child(pid);
}

Status JobService::start() {
  if (auto st = runner_.open(); !st) return st;
  auto store = jobs::JobStore::open(supervisor_.paths().home + "/jobs.db");
  if (!store) return store.error();
  store_.emplace(std::move(*store));
  auto loaded = store_->load();
  if (!loaded) return loaded.error();
  restoring_ = true;
  for (const auto& q : loaded->queues) (void)scheduler_.configure(q);
  scheduler_.queue("default");  // slots = CPUs, fcfs, unless configured otherwise
  for (const auto& [key, entry] : loaded->estimates) scheduler_.estimates().set(key, entry);
  scheduler_.set_next_id(loaded->next_id);
  stored_next_id_ = loaded->next_id;
  std::size_t adopted = 0, lost = 0, queued = 0;
  for (auto& job : loaded->jobs) {
    bool had_process = job.state == JobState::running || job.state == JobState::suspended;
    JobId id = job.id;
    restore_job(std::move(job));
    const Job* j = scheduler_.find(id);
    if (had_process && j && j->adopted) ++adopted;
    else if (had_process) ++lost;
    if (j && j->state == JobState::queued) ++queued;
  }
  for (auto& sc : loaded->schedules) {
    std::string name = sc.name;
    auto& entry = schedules_[name];
    entry.service = this;
    entry.schedule = std::move(sc);
    arm_schedule(entry, std::time(nullptr));
  }
  restoring_ = false;
  if (auto st = write_now([&](jobs::JobStore& s) {
        for (const auto& [name, q] : scheduler_.queues())
          if (auto st = s.put_queue(q.config); !st) return st;
        return Status{};
      });
      !st)
    return st;
  if (!loaded->jobs.empty() || !loaded->schedules.empty())
    log_info("jobs: {} queued, {} adopted, {} lost with the previous daemon, {} schedule(s)", queued, adopted, lost,
             loaded->schedules.size());
  schedule_pass();
  return {};
}

void JobService::restore_job(Job job) {
  if (is_ended(job.state)) {
    ++ended_count_;
    scheduler_.restore(std::move(job));
    return;
  }
  if (job.state == JobState::queued || adopt(job)) {
    scheduler_.restore(std::move(job));
    return;
  }
  // Its process died while no daemon watched: the exit status is gone with it.
  std::int64_t now = wall_ms();
  jobs::Attempt attempt{job.attempts, job.attempt_start_ms, now, job.attempt_run, std::nullopt, std::nullopt,
                        "failed", "daemon restarted"};
  attempts_.emplace_back(job.id, attempt);
  job.state = JobState::failed;
  job.reason = "daemon restarted";
  job.end_ms = now;
  job.pid = -1;
  job.exit_code.reset();
  job.exit_signal.reset();
  dirty_.insert(job.id);
  ++ended_count_;
  record_event("job", fmt::format("job {} failed: daemon restarted", job.id), {{"job", job.id}, {"state", "failed"}});
  scheduler_.restore(std::move(job));
}

bool JobService::adopt(Job& job) {
  if (job.pid <= 0) return false;
  auto stat = read_proc_stat(job.pid);
  if (!stat || stat->state == 'Z' || stat->starttime_ticks != job.start_ticks) return false;
  auto fd = pidfd_open(job.pid);
  if (!fd) return false;
  job.adopted = true;
  adopted_fds_[job.id] = std::move(*fd);
  watch_adopted(job.id, job.pid);
  log_info("job {}: adopted pid {} left {} by the previous daemon", job.id, job.pid, job_state_name(job.state));
  return true;
}

void JobService::watch_adopted(JobId id, pid_t) {
  // Not our child: no exit status, but the pidfd becomes readable when it exits. The source's userdata is
  // the service; the job is found again by the fd.
  sd_event_source* source = nullptr;
  int r = sd_event_add_io(loop_, &source, adopted_fds_[id].get(), EPOLLIN, on_adopted_exit, this);
  if (r < 0) {
    log_error("job {}: unable to watch its process: {}", id, strerror(-r));
    return;
  }
  sd_event_source_set_priority(source, kPriorityChildExit);
  adopted_[id] = source;
}

int JobService::on_adopted_exit(sd_event_source* s, int fd, uint32_t, void* self_ptr) {
  auto* self = static_cast<JobService*>(self_ptr);
  for (auto& [id, source] : self->adopted_) {
    if (source != s) continue;
    JobId job_id = id;
    const Job* job = self->scheduler_.find(job_id);
    pid_t pid = job ? job->pid : -1;
    sd_event_source_disable_unref(source);
    self->adopted_.erase(job_id);
    self->adopted_fds_.erase(job_id);
    (void)fd;
    self->process_ended(job_id, pid, ExitInfo{});
    break;
  }
  return 0;
}

void JobService::on_child_reaped(pid_t pid, int wait_status) {
  auto it = children_.find(pid);
  if (it == children_.end()) return;
  JobId id = it->second;
  children_.erase(it);
  process_ended(id, pid, exit_info_from_status(wait_status));
}

void JobService::process_ended(JobId id, pid_t pid, const ExitInfo& exit) {
  // Whatever the job left behind in its process group goes with it (as systemd does for a unit's cgroup).
  if (pid > 0) ::kill(-pid, SIGKILL);
  scheduler_.on_exit(id, exit);
  schedule_pass();
}

Result<jobs::JobProcesses::Started> JobService::start(const Job& job) {
  auto started = runner_.start(job);
  if (!started) return started;
  children_[started->pid] = job.id;
  supervisor_.watch_child(started->pid, [this, pid = started->pid](int status) { on_child_reaped(pid, status); });
  return started;
}

void JobService::signal_group(const Job& job, int sig) { runner_.signal_group(job, sig); }

void JobService::job_submitted(const Job& job) {
  new_jobs_.push_back(job.id);
  schedule_pass();
}

void JobService::job_changed(const Job& job, JobState from) {
  dirty_.insert(job.id);
  bool ended = from != job.state && is_ended(job.state);
  if (ended) {
    ++ended_count_;
    if (job.state != JobState::done && !restoring_)
      record_event("job",
                   fmt::format("job {} {}{}{}", job.id, job_state_name(job.state), job.reason.empty() ? "" : ": ",
                               job.reason),
                   {{"job", job.id}, {"state", job_state_name(job.state)}, {"queue", job.spec.queue}});
  } else if (from != job.state && job.state == JobState::queued && job.attempts > 0) {
    record_event("job", fmt::format("job {}: {}", job.id, job.reason), {{"job", job.id}, {"state", "queued"}});
  }
  if (from != job.state) notify_waiters(job.id, ended);
  schedule_pass();
}

void JobService::attempt_ended(const Job& job, const jobs::Attempt& attempt) {
  attempts_.emplace_back(job.id, attempt);
}

void JobService::estimate_learned(const std::string& key, const jobs::RunEstimates::Entry& entry) {
  estimates_[key] = entry;
}

void JobService::record_event(const std::string& kind, std::string message, nlohmann::json data) {
  EventRecord event;
  event.kind = kind;
  event.message = std::move(message);
  event.data = std::move(data);
  supervisor_.events().record(std::move(event));
}

Result<std::vector<JobId>> JobService::submit(std::vector<jobs::JobSpec> specs) {
  if (shutting_down_) return Error{ESHUTDOWN, "the daemon is shutting down"};
  // All or none: check everything the scheduler would refuse before queueing the first one.
  for (const auto& spec : specs) {
    if (auto st = spec.validate(); !st) return st.error();
    if (!jobs::valid_queue_name(spec.queue))
      return Error{EINVAL, fmt::format("invalid queue name '{}' (use 1-64 of A-Z a-z 0-9 _ . -)", spec.queue)};
    for (JobId dep : spec.after)
      if (!scheduler_.find(dep)) return Error{ENOENT, fmt::format("no job {} (for --after)", dep)};
  }
  std::vector<JobId> ids;
  ids.reserve(specs.size());
  std::set<std::string> new_queues;
  for (auto& spec : specs) {
    if (!scheduler_.find_queue(spec.queue)) new_queues.insert(spec.queue);
    auto id = scheduler_.submit(std::move(spec));
    if (!id) return id.error();  // cannot happen after the checks above
    ids.push_back(*id);
  }
  if (auto st = write_now([&](jobs::JobStore& s) {
        for (const auto& name : new_queues)
          if (auto st = s.put_queue(scheduler_.queue(name).config); !st) return st;
        return Status{};
      });
      !st)
    return st.error();
  return ids;
}

Status JobService::configure_queue(const jobs::QueueConfig& config) {
  if (auto st = scheduler_.configure(config); !st) return st;
  record_event("queue", fmt::format("queue {}: {} slot(s), {}", config.name, config.slots, policy_name(config.policy)),
               {{"queue", config.name}});
  schedule_pass();
  return write_now([&](jobs::JobStore& s) { return s.put_queue(config); });
}

Status JobService::set_paused(const std::string& queue, bool paused) {
  if (auto st = scheduler_.set_paused(queue, paused); !st) return st;
  schedule_pass();
  return write_now([&](jobs::JobStore& s) { return s.put_queue(scheduler_.queue(queue).config); });
}

Status JobService::cancel(JobId id, const std::string& reason) {
  auto st = scheduler_.cancel(id, reason);
  schedule_pass();
  return st;
}

Result<std::vector<jobs::Attempt>> JobService::attempts(JobId id) {
  if (auto st = flush(); !st) return st.error();
  return store_->attempts(id);
}

void JobService::write_history_now() {
  if (auto st = flush(); !st) log_error("{}", st.error().message);
}

std::shared_ptr<const Environment> JobService::intern_environment(Environment env) {
  return supervisor_.intern_environment(std::move(env));  // one copy for programs and jobs alike
}

Result<std::size_t> JobService::prune(std::optional<Millis> older_than, std::optional<std::size_t> keep) {
  std::vector<const Job*> ended;
  for (const auto& [id, job] : scheduler_.jobs())
    if (is_ended(job.state)) ended.push_back(&job);
  std::sort(ended.begin(), ended.end(), [](const Job* a, const Job* b) {
    return std::pair(*a->end_ms, a->id) > std::pair(*b->end_ms, b->id);  // newest first
  });
  std::int64_t cutoff = older_than ? wall_ms() - older_than->count() : 0;
  std::vector<JobId> doomed;
  for (std::size_t i = 0; i < ended.size(); ++i) {
    bool too_old = older_than && *ended[i]->end_ms < cutoff;
    bool beyond = keep && i >= *keep;
    if (too_old || beyond) doomed.push_back(ended[i]->id);
  }
  if (doomed.empty()) return std::size_t(0);
  if (auto st = flush(); !st) return st.error();
  if (auto st = write_now([&](jobs::JobStore& s) { return s.remove_jobs(doomed); }); !st) return st.error();
  for (JobId id : doomed) {
    scheduler_.forget(id);
    runner_.remove_logs(id);
    dirty_.erase(id);
  }
  ended_count_ -= std::min(ended_count_, doomed.size());
  return doomed.size();
}

void JobService::add_waiter(std::shared_ptr<JobWaiter> waiter) {
  for (JobId id : waiter->ids)
    if (const Job* job = scheduler_.find(id); job && !is_ended(job->state)) waiter->pending.insert(id);
  if (waiter->pending.empty()) {
    waiter->done = true;
    waiter->on_done(*waiter);
    return;
  }
  if (waiter->progress && waiter->on_progress) waiter->on_progress(*waiter);
  waiters_.push_back(std::move(waiter));
}

void JobService::notify_waiters(JobId id, bool ended) {
  bool finished_any = false;
  bool written = false;
  for (auto& w : waiters_) {
    if (w->done) continue;
    auto conn = w->conn.lock();
    if (!conn || !conn->alive()) {
      w->done = true;
      continue;
    }
    if (!w->pending.count(id)) continue;
    if (ended) w->pending.erase(id);
    if (w->pending.empty()) {
      w->done = true;
      finished_any = true;
      if (!written) write_history_now();  // `job wait` returns only once the end it reports is on disk
      written = true;
      w->on_done(*w);
    } else if (w->progress) {
      progress_due_ = true;
    }
  }
  if (finished_any || waiters_.size() > 64) std::erase_if(waiters_, [](const auto& w) { return w->done; });
  if (progress_due_ && !progress_timer_) {
    int r = sd_event_add_time_relative(loop_, &progress_timer_, CLOCK_MONOTONIC,
                                       std::uint64_t(kProgressInterval.count()) * 1000, 10'000, on_progress_timer,
                                       this);
    if (r < 0) progress_timer_ = nullptr;
  }
}

int JobService::on_progress_timer(sd_event_source*, uint64_t, void* self_ptr) {
  auto* self = static_cast<JobService*>(self_ptr);
  self->progress_timer_ = sd_event_source_disable_unref(self->progress_timer_);
  self->send_progress();
  return 0;
}

void JobService::send_progress() {
  progress_due_ = false;
  for (auto& w : waiters_)
    if (!w->done && w->progress && w->on_progress) w->on_progress(*w);
}

void JobService::schedule_pass() {
  if (!restoring_) pass_.schedule();
}

void JobService::pass() {
  scheduler_.dispatch();
  if (ended_count_ > kHistoryCap + kHistoryCap / 10) {
    if (auto pruned = prune(std::nullopt, kHistoryCap); !pruned) log_error("{}", pruned.error().message);
  }
  flush_.schedule();
  arm_timer();
  if (shutting_down_ && shutdown_done_ && scheduler_.idle()) {
    if (auto st = flush(); !st) log_error("{}", st.error().message);
    // Closed now, not by the destructor: closing checkpoints the WAL, and a client that saw the daemon go
    // (its socket closing) may start the next daemon at once, which needs this one's pid-file lock gone.
    store_.reset();
    auto done = std::move(shutdown_done_);
    shutdown_done_ = nullptr;
    done();
  }
}

Status JobService::write_now(const std::function<Status(jobs::JobStore&)>& write) {
  if (!store_) return Error{EIO, "the job history is not open"};
  if (auto st = flush(); !st) return st;
  if (auto st = store_->begin(); !st) return st;
  if (auto st = write(*store_); !st) {
    store_->rollback();
    return st;
  }
  return store_->commit();
}

Status JobService::flush() {
  if (!store_) return {};
  if (new_jobs_.empty() && dirty_.empty() && attempts_.empty() && estimates_.empty() &&
      scheduler_.next_id() == stored_next_id_ && scheduler_.estimates().forgets() == trimmed_estimates_)
    return {};
  auto fail = [&](const Error& e) {
    store_->rollback();
    // Dropped rather than retried forever; the in-memory state stays right and is written with the next change.
    new_jobs_.clear();
    dirty_.clear();
    attempts_.clear();
    estimates_.clear();
    return Status(Error{e.code, "unable to write the job history: " + e.message});
  };
  // Start times of processes started since the last write (not yet reaped, so their pids are theirs).
  for (JobId id : dirty_)
    if (const Job* job = scheduler_.find(id); job && job->pid > 0 && job->start_ticks == 0 && !job->adopted)
      scheduler_.note_start_ticks(id, jobs::JobRunner::read_start_ticks(job->pid));
  if (auto st = store_->begin(); !st) return fail(st.error());
  for (JobId id : new_jobs_) {
    if (const Job* job = scheduler_.find(id))
      if (auto st = store_->insert_job(*job); !st) return fail(st.error());
    dirty_.erase(id);
  }
  for (JobId id : dirty_)
    if (const Job* job = scheduler_.find(id))
      if (auto st = store_->update_job(*job); !st) return fail(st.error());
  for (const auto& [id, attempt] : attempts_)
    if (auto st = store_->insert_attempt(id, attempt); !st) return fail(st.error());
  for (const auto& [key, entry] : estimates_)
    if (auto st = store_->put_estimate(key, entry); !st) return fail(st.error());
  if (scheduler_.estimates().forgets() != trimmed_estimates_)
    if (auto st = store_->trim_estimates(jobs::RunEstimates::kMaxCommands); !st) return fail(st.error());
  if (scheduler_.next_id() != stored_next_id_)
    if (auto st = store_->set_next_id(scheduler_.next_id()); !st) return fail(st.error());
  if (auto st = store_->commit(); !st) return fail(st.error());
  stored_next_id_ = scheduler_.next_id();
  trimmed_estimates_ = scheduler_.estimates().forgets();
  new_jobs_.clear();
  dirty_.clear();
  attempts_.clear();
  estimates_.clear();
  return {};
}

void JobService::arm_timer() {
  auto next = scheduler_.next_deadline();
  if (!next) {
    if (timer_) sd_event_source_set_enabled(timer_, SD_EVENT_OFF);
    return;
  }
  if (!timer_) {
    int r = sd_event_add_time(loop_, &timer_, CLOCK_MONOTONIC, usec_of(*next), 1000, on_timer, this);
    if (r < 0) {
      timer_ = nullptr;
      log_error("unable to arm the job timer: {}", strerror(-r));
      return;
    }
    sd_event_source_set_priority(timer_, kPriorityJobs);
  } else {
    sd_event_source_set_time(timer_, usec_of(*next));
  }
  sd_event_source_set_enabled(timer_, SD_EVENT_ONESHOT);
}

int JobService::on_timer(sd_event_source*, uint64_t, void* self_ptr) {
  auto* self = static_cast<JobService*>(self_ptr);
  self->scheduler_.expire();
  self->pass();
  return 0;
}

// ---- schedules

void JobService::arm_schedule(ScheduleEntry& entry, std::time_t after) {
  entry.next = entry.schedule.cron.next_after(after);
  if (!entry.next || shutting_down_) {
    if (entry.timer) sd_event_source_set_enabled(entry.timer, SD_EVENT_OFF);
    return;
  }
  std::uint64_t usec = std::uint64_t(*entry.next) * 1'000'000;
  if (!entry.timer) {
    int r = sd_event_add_time(loop_, &entry.timer, CLOCK_REALTIME, usec, 10'000, on_schedule_timer, &entry);
    if (r < 0) {
      entry.timer = nullptr;
      log_error("schedule {}: unable to arm its timer: {}", entry.schedule.name, strerror(-r));
      return;
    }
    sd_event_source_set_priority(entry.timer, kPriorityJobs);
  } else {
    sd_event_source_set_time(entry.timer, usec);
  }
  sd_event_source_set_enabled(entry.timer, SD_EVENT_ONESHOT);
}

int JobService::on_schedule_timer(sd_event_source*, uint64_t, void* entry_ptr) {
  auto* entry = static_cast<ScheduleEntry*>(entry_ptr);
  JobService* self = entry->service;
  std::string name = entry->schedule.name;
  std::time_t due = entry->next.value_or(std::time(nullptr));
  if (auto fired = self->fire_schedule(name); !fired) log_error("schedule {}: {}", name, fired.error().message);
  // The clock may have been set back: never fire the same second twice.
  if (auto it = self->schedules_.find(name); it != self->schedules_.end())
    self->arm_schedule(it->second, std::max(std::time(nullptr), due));
  return 0;
}

Status JobService::add_schedule(jobs::Schedule schedule) {
  if (auto st = schedule.spec.validate(); !st) return st;
  if (!jobs::valid_queue_name(schedule.spec.queue))
    return Error{EINVAL, fmt::format("invalid queue name '{}'", schedule.spec.queue)};
  if (!schedule.cron.next_after(std::time(nullptr)))
    return Error{ERANGE, fmt::format("cron expression '{}' never fires", schedule.cron.text())};
  if (!schedule.spec.after.empty()) return Error{EINVAL, "a schedule's jobs cannot wait for other jobs (--after)"};
  schedule.spec.schedule = schedule.name;
  schedule.created_ms = wall_ms();
  auto it = schedules_.find(schedule.name);
  if (it != schedules_.end()) {
    schedule.fired = it->second.schedule.fired;
    schedule.skipped = it->second.schedule.skipped;
    schedule.last_job = it->second.schedule.last_job;
  }
  if (auto st = write_now([&](jobs::JobStore& s) { return s.put_schedule(schedule); }); !st) return st;
  auto& entry = schedules_[schedule.name];
  entry.service = this;
  entry.schedule = std::move(schedule);
  arm_schedule(entry, std::time(nullptr));
  log_info("schedule {}: '{}' into queue {}", entry.schedule.name, entry.schedule.cron.text(),
           entry.schedule.spec.queue);
  return {};
}

Status JobService::remove_schedule(const std::string& name) {
  auto it = schedules_.find(name);
  if (it == schedules_.end()) return Error{ENOENT, fmt::format("no schedule named {}", name)};
  if (auto st = write_now([&](jobs::JobStore& s) { return s.remove_schedule(name); }); !st) return st;
  sd_event_source_disable_unref(it->second.timer);
  schedules_.erase(it);
  return {};
}

Result<JobService::Firing> JobService::fire_schedule(const std::string& name) {
  auto it = schedules_.find(name);
  if (it == schedules_.end()) return Error{ENOENT, fmt::format("no schedule named {}", name)};
  jobs::Schedule& sc = it->second.schedule;
  Firing firing;
  if (sc.no_overlap && sc.last_job)
    if (const Job* last = scheduler_.find(*sc.last_job); last && !is_ended(last->state))
      firing.skipped = fmt::format("job {} of schedule {} is still {}", last->id, name, job_state_name(last->state));
  if (firing.skipped.empty()) {
    auto ids = submit({sc.spec});
    if (!ids) return ids.error();
    firing.job = ids->front();
    sc.last_job = firing.job;
    ++sc.fired;
    record_event("schedule", fmt::format("schedule {} submitted job {}", name, *firing.job),
                 {{"schedule", name}, {"job", *firing.job}});
  } else {
    ++sc.skipped;
    record_event("schedule", fmt::format("schedule {} skipped a firing: {}", name, firing.skipped),
                 {{"schedule", name}, {"skipped", true}});
  }
  if (auto st = write_now([&](jobs::JobStore& s) { return s.put_schedule(sc); }); !st) return st.error();
  return firing;
}

std::vector<JobService::ScheduleView> JobService::schedules() const {
  std::vector<ScheduleView> out;
  for (const auto& [name, entry] : schedules_) out.push_back({&entry.schedule, entry.next});
  return out;
}

void JobService::shutdown(std::function<void()> done) {
  shutting_down_ = true;
  for (auto& [name, entry] : schedules_)
    if (entry.timer) sd_event_source_set_enabled(entry.timer, SD_EVENT_OFF);
  scheduler_.begin_shutdown();
  shutdown_done_ = std::move(done);
  schedule_pass();
}

}  // namespace tend
