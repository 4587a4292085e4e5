#include "daemon/rolling_reload.h"

#include <signal.h>

#include <nlohmann/json.hpp>

#include "daemon/instance.h"
#include "daemon/priorities.h"
#include "daemon/supervisor.h"
#include "proc/proc_stat.h"
#include "util/daemon_log.h"

namespace tend {

namespace {

/// The successor's cgroup directory beside the old one: NAME-I and NAME-I@1 take turns ('@' is not allowed
/// in program names, so it cannot collide with another instance's).
std::string other_leaf(const Instance& old) {
  std::string base = fmt::format("{}-{}", old.spec().name, old.index());
  return old.cgroup_leaf() == base ? base + "@1" : base;
}

bool is_up(State s) {
  return s == State::starting || s == State::running;
}

}  // namespace

RollingReload::RollingReload(Supervisor& supervisor, std::string program, Progress progress, Done done)
    : supervisor_(supervisor),
      program_(std::move(program)),
      progress_(std::move(progress)),
      done_(std::move(done)) {}

RollingReload::~RollingReload() {
  sd_event_source_disable_unref(advance_source_);
}

std::vector<Instance*> RollingReload::transient() const {
  std::vector<Instance*> out;
  if (successor_) out.push_back(successor_.get());
  for (const auto& inst : retiring_) out.push_back(inst.get());
  return out;
}

void RollingReload::begin() {
  log_info("reload {}: replacing its instances one by one", program_);
  schedule_advance();
}

void RollingReload::on_state_change(Instance& instance) {
  if (finished_) return;
  bool ours = successor_.get() == &instance;
  for (const auto& inst : retiring_) ours = ours || inst.get() == &instance;
  if (ours) schedule_advance();
}

void RollingReload::schedule_advance() {
  if (!advance_source_) {
    if (sd_event_add_defer(supervisor_.loop(), &advance_source_, on_advance, this) < 0) return;
    sd_event_source_set_priority(advance_source_, kPriorityControl);
  }
  sd_event_source_set_enabled(advance_source_, SD_EVENT_ONESHOT);
}

int RollingReload::on_advance(sd_event_source*, void* self) {
  auto keep = static_cast<RollingReload*>(self)->shared_from_this();
  keep->advance();
  return 0;
}

bool RollingReload::transient_running() const {
  for (Instance* inst : transient())
    if (has_process(inst->state()) || inst->state() == State::backoff || inst->state() == State::waiting)
      return true;
  return false;
}

void RollingReload::advance() {
  if (finished_) return;
  if (!error_.empty()) {
    if (transient_running()) return;  // stops are under way; each one schedules us again
    return finish(Error{ECANCELED, error_});
  }
  for (const auto& inst : retiring_)
    if (inst->state() != State::stopped) return;  // the old process is still finishing its work
  if (successor_) {
    switch (successor_->state()) {
      case State::starting:
        return;
      case State::running:
        return promote();
      default:
        return fail(fmt::format("{}:{}: the successor did not become ready ({}{}{})", program_, slot_,
                                state_name(successor_->state()), successor_->reason().empty() ? "" : ": ",
                                successor_->reason()));
    }
  }
  next_slot();
}

void RollingReload::next_slot() {
  Program* p = supervisor_.find(program_);
  if (!p) return finish(Error{ENOENT, fmt::format("{} was deleted during the reload", program_)});
  for (; slot_ < p->instances.size(); ++slot_) {
    Instance& inst = *p->instances[slot_];
    if (!inst.wanted()) continue;  // stopped by the user: a reload does not start it
    if (is_up(inst.state())) return start_successor(inst);
    // Nothing to keep serving: just start it.
    std::string failures = supervisor_.start_instances({&inst});
    if (!failures.empty()) return fail(failures);
    steps_.push_back({int(slot_), -1, inst.pid(), Millis(0)});
    progress_(steps_.back());
  }
  finish({});
}

void RollingReload::start_successor(Instance& old) {
  Program* p = supervisor_.find(program_);
  successor_ = supervisor_.make_instance(*p, int(slot_));
  successor_->set_cgroup_leaf(other_leaf(old));
  successor_->share_logs_with(old);
  successor_->set_label_suffix(" (successor)");
  successor_->set_wanted(true);
  if (auto st = successor_->start(); !st)
    return fail(fmt::format("{}: the successor could not start: {}", old.label(), st.error().message));
  log_info("reload {}: successor of {} (pid {}) started as pid {}", program_, old.label(), old.pid(),
           successor_->pid());
  schedule_advance();  // it may already be running (no readiness, no min-uptime)
}

void RollingReload::promote() {
  Program* p = supervisor_.find(program_);
  if (!p || slot_ >= p->instances.size()) return fail(fmt::format("{}:{} no longer exists", program_, slot_));
  std::unique_ptr<Instance> old = std::move(p->instances[slot_]);
  Step step{int(slot_), old->pid(), successor_->pid(),
            Millis(std::max<std::int64_t>(0, wall_ms() - successor_->record().started_wall_ms))};
  successor_->set_label_suffix("");
  p->instances[slot_] = std::move(successor_);
  old->set_label_suffix(" (old)");
  old->set_wanted(false);
  log_info("reload {}: {} is now pid {}; stopping pid {}", program_, p->instances[slot_]->label(),
           step.new_pid, step.old_pid);
  steps_.push_back(step);
  progress_(step);
  Instance* raw = old.get();
  retiring_.push_back(std::move(old));
  ++slot_;
  supervisor_.schedule_save();
  std::weak_ptr<RollingReload> weak = weak_from_this();
  raw->stop([weak](Instance&) {
    if (auto self = weak.lock()) self->schedule_advance();
  });
}

void RollingReload::fail(std::string why) {
  if (error_.empty()) error_ = std::move(why);
  std::weak_ptr<RollingReload> weak = weak_from_this();
  if (successor_) {
    successor_->set_wanted(false);
    successor_->stop([weak](Instance&) {
      if (auto self = weak.lock()) self->schedule_advance();
    });
  }
  schedule_advance();
}

void RollingReload::abort(std::string why, std::function<void()> after) {
  if (finished_) return after();
  after_abort_.push_back(std::move(after));
  fail(std::move(why));
}

void RollingReload::finish(const Status& status) {
  finished_ = true;
  if (status)
    log_info("reload {}: done ({} instance(s))", program_, steps_.size());
  else
    log_warning("reload {}: {}", program_, status.error().message);
  done_(status, steps_);
  auto after = std::move(after_abort_);
  for (auto& fn : after) fn();
  supervisor_.remove_reload(this);
}

nlohmann::json transient_records(const RollingReload& reload) {
  nlohmann::json out = nlohmann::json::array();
  for (Instance* inst : reload.transient()) {
    InstanceRecord r = inst->record();
    if (r.pid <= 0) continue;
    out.push_back({{"index", r.index},
                   {"pid", r.pid},
                   {"pgid", r.pgid},
                   {"start_ticks", r.start_ticks},
                   {"cgroup", r.cgroup}});
  }
  return out;
}

void kill_transient(const nlohmann::json& records) {
  if (!records.is_array()) return;
  for (const auto& r : records) {
    if (!r.is_object()) continue;
    pid_t pid = r.value("pid", 0);
    auto stat = pid > 0 ? read_proc_stat(pid) : Result<ProcStat>(Error{ESRCH, ""});
    if (stat && stat->starttime_ticks == r.value("start_ticks", std::uint64_t(0))) {
      log_info("killing pid {}, left running by a reload the previous daemon did not finish", pid);
      if (stat->pgrp > 0) ::kill(-stat->pgrp, SIGKILL);
      ::kill(pid, SIGKILL);
    }
    // Whatever else lives in its cgroup goes too; its process group id may have been reused by now.
    std::string cgroup = r.value("cgroup", "");
    if (!cgroup.empty()) {
      Cgroup cg(cgroup);
      if (auto populated = cg.populated(); populated && *populated) (void)cg.kill();
    }
  }
}

}  // namespace tend
