// Dependencies between programs: a program starts only once everything it depends on is up, and programs
// stop in the reverse order (dependants first), whether by `stop`, `delete`, apply or shutdown.
#include <algorithm>

#include "daemon/priorities.h"
#include "daemon/supervisor.h"
#include "util/daemon_log.h"

namespace tend {

namespace {

/// Up, as far as a dependant is concerned: finished with exit 0, or running — except for a one-shot
/// (restart = never): a migration that is still running is not done, however long it has been up.
bool satisfies_dependants(const Instance& inst) {
  if (inst.state() == State::exited) return inst.last_exit() && inst.last_exit()->exit_code == 0;
  return inst.state() == State::running && inst.spec().restart.mode != RestartMode::never;
}

/// One program's share of an ordered stop.
struct StopGroup {
  std::string name;
  std::vector<int> indexes;
  std::vector<std::string> depends_on;
  int dependants_left = 0;  // programs in the same stop that depend on this one and are not stopped yet
  bool begun = false;
  size_t pending = 0;
};

/// An ordered stop in progress. Instances are looked up by name and index when their turn comes, so a
/// program deleted meanwhile by another request is simply skipped.
struct OrderedStop {
  Supervisor* supervisor;
  std::vector<StopGroup> groups;
  std::function<void(Instance&)> each;
  std::function<void()> done;
  size_t in_progress = 0;
  size_t finished = 0;

  static void advance(const std::shared_ptr<OrderedStop>& self) {
    bool begun_any = false;
    for (size_t i = 0; i < self->groups.size(); ++i) {
      if (self->groups[i].begun || self->groups[i].dependants_left > 0) continue;
      begun_any = true;
      begin(self, i);
    }
    // Only a cycle (possible in a hand-written state.json or protocol spec) leaves nothing to begin while
    // nothing runs: stop the rest together rather than never.
    if (!begun_any && self->in_progress == 0 && self->finished < self->groups.size())
      for (size_t i = 0; i < self->groups.size(); ++i)
        if (!self->groups[i].begun) begin(self, i);
  }

  static void begin(const std::shared_ptr<OrderedStop>& self, size_t g) {
    StopGroup& group = self->groups[g];
    group.begun = true;
    ++self->in_progress;
    std::vector<Instance*> instances;
    if (Program* p = self->supervisor->find(group.name))
      for (int index : group.indexes)
        if (index < int(p->instances.size())) instances.push_back(p->instances[size_t(index)].get());
    group.pending = instances.size();
    if (instances.empty()) return finish(self, g);
    for (Instance* inst : instances)
      inst->stop([self, g](Instance& stopped) {
        self->each(stopped);
        if (--self->groups[g].pending == 0) finish(self, g);
      });
  }

  static void finish(const std::shared_ptr<OrderedStop>& self, size_t g) {
    --self->in_progress;
    ++self->finished;
    for (const auto& dep : self->groups[g].depends_on)
      for (auto& other : self->groups)
        if (other.name == dep) --other.dependants_left;
    if (self->finished == self->groups.size()) return self->done();
    advance(self);
  }
};

}  // namespace

std::string Supervisor::dependency_blocker(const Program& program) {
  for (const auto& dep : program.spec.depends_on) {
    Program* d = find(dep);
    if (!d) return fmt::format("waiting for {} (not defined)", dep);
    for (const auto& inst : d->instances)
      if (!satisfies_dependants(*inst))
        return fmt::format("waiting for {} ({} is {})", dep, inst->label(), state_name(inst->state()));
  }
  return {};
}

std::string Supervisor::start_instances(const std::vector<Instance*>& instances) {
  std::string failures;
  for (Instance* inst : instances) {
    inst->set_wanted(true);
    Program* program = find(inst->spec().name);
    std::string blocker = program ? dependency_blocker(*program) : std::string();
    if (!blocker.empty()) {
      inst->hold_for_dependencies(std::move(blocker));
      continue;
    }
    if (auto st = inst->start(); !st)
      failures += fmt::format("{}{}: {}", failures.empty() ? "" : "; ", inst->label(), st.error().message);
  }
  schedule_save();
  return failures;
}

void Supervisor::stop_instances(const std::vector<Instance*>& instances, std::function<void(Instance&)> each,
                                std::function<void()> done) {
  auto stop = std::make_shared<OrderedStop>();
  stop->supervisor = this;
  stop->each = std::move(each);
  stop->done = abort_reloads(instances, std::move(done));
  for (Instance* inst : instances) {
    auto it = std::find_if(stop->groups.begin(), stop->groups.end(),
                           [&](const StopGroup& g) { return g.name == inst->spec().name; });
    if (it == stop->groups.end())
      it = stop->groups.insert(stop->groups.end(), StopGroup{inst->spec().name, {}, inst->spec().depends_on});
    it->indexes.push_back(inst->index());
  }
  if (stop->groups.empty()) return stop->done();
  for (const auto& group : stop->groups)
    for (const auto& dep : group.depends_on)
      for (auto& other : stop->groups)
        if (other.name == dep && &other != &group) ++other.dependants_left;
  OrderedStop::advance(stop);
}

void Supervisor::schedule_dependency_check() { dependency_check_later_.schedule(); }

void Supervisor::release_waiting() {
  for (auto& p : programs_) {
    if (p->spec.depends_on.empty()) continue;
    std::vector<Instance*> waiting;
    for (auto& inst : p->instances)
      if (inst->state() == State::waiting) waiting.push_back(inst.get());
    if (waiting.empty()) continue;
    std::string blocker = dependency_blocker(*p);
    for (Instance* inst : waiting) {
      if (!blocker.empty()) {
        inst->hold_for_dependencies(blocker);
      } else if (auto st = inst->start(); !st) {
        log_warning("{}: {}", inst->label(), st.error().message);
      }
    }
  }
}

}  // namespace tend
