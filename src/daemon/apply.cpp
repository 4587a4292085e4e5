#include "daemon/apply.h"

#include <set>

#include "config/apply_plan.h"
#include "config/config_loader.h"
#include "daemon/event_kinds.h"
#include "util/daemon_log.h"

namespace tend {

/// One apply between its plan and its end.
struct PendingApply {
  std::shared_ptr<Config> config;  // the plan's `desired` pointers point into it
  std::vector<PlanEntry> plan;
  std::set<std::string> was_wanted;  // programs that had an instance wanted up before the apply
  ApplyRequest request;
};

void Applier::apply(ApplyRequest request, std::function<void(ApplyOutcome)> done) {
  queue_.push_back([this, request = std::move(request), done = std::move(done)] {
    run(request, [this, done](ApplyOutcome outcome) {
      done(std::move(outcome));
      busy_ = false;
      run_next();
    });
  });
  run_next();
}

void Applier::record(const ApplyRequest& request, const ApplyOutcome& outcome) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : outcome.errors) errors.push_back(e.to_string());
  std::string message =
      !outcome.errors.empty()
          ? fmt::format("{} not applied: {} error(s), first: {}", request.path, outcome.errors.size(),
                        outcome.errors.front().to_string())
          : fmt::format("{} applied: {}{}", request.path,
                        outcome.plan.empty() ? "no programs" : fmt::format("{} program(s)", outcome.plan.size()),
                        outcome.failures.empty() ? "" : "; failures: " + outcome.failures);
  supervisor_.events().record({std::string(kEventApply), "", -1, std::move(message),
                               {{"path", request.path},
                                {"plan", outcome.plan},
                                {"errors", errors},
                                {"failures", outcome.failures}}});
}

void Applier::run_next() {
  if (busy_ || queue_.empty()) return;
  busy_ = true;
  auto job = std::move(queue_.front());
  queue_.pop_front();
  job();
}

void Applier::run(const ApplyRequest& request, std::function<void(ApplyOutcome)> done) {
  ApplyOutcome outcome;
  auto config = load_config_for(request.path, request.env);
  if (!config) {
    outcome.errors = config.errors();
    if (!request.dry_run) record(request, outcome);
    return done(std::move(outcome));
  }
  auto pending = std::make_shared<PendingApply>();
  pending->config = std::make_shared<Config>(std::move(*config));
  pending->request = request;
  std::vector<ExistingProgram> existing;
  for (auto& p : supervisor_.programs()) existing.push_back({p->full_spec(), p->source});
  pending->plan = make_plan(existing, *pending->config, request.prune);
  for (const auto& entry : pending->plan) outcome.plan.push_back(plan_line(entry));
  if (request.dry_run) return done(std::move(outcome));
  for (const auto& line : outcome.plan) log_info("apply {}: {}", request.path, line);

  // First everything that must stop: changed programs, pruned ones, surplus instances (dependants first).
  std::vector<Instance*> to_stop;
  std::vector<std::string> to_remove;
  for (const auto& entry : pending->plan) {
    Program* p = supervisor_.find(entry.name);
    if (!p) continue;
    for (auto& inst : p->instances)
      if (inst->wanted()) pending->was_wanted.insert(entry.name);
    for (auto& inst : p->instances) {
      bool surplus = entry.action == PlanAction::scale && inst->index() >= entry.desired->instances;
      if (entry.action == PlanAction::remove || surplus) inst->set_wanted(false);
      if (entry.action == PlanAction::restart || entry.action == PlanAction::remove || surplus)
        to_stop.push_back(inst.get());
    }
    if (entry.action == PlanAction::remove) to_remove.push_back(entry.name);
  }
  supervisor_.stop_instances(to_stop, [](Instance&) {}, [this, pending, to_remove, outcome, done]() mutable {
    supervisor_.remove_programs(to_remove, [this, pending, outcome, done]() mutable {
      outcome.failures = carry_out(*pending);
      record(pending->request, outcome);
      done(std::move(outcome));
    });
  });
}

std::string Applier::carry_out(PendingApply& c) {
  const std::string& path = c.config->path;
  std::string failures;
  auto fail = [&](const std::string& message) { failures += (failures.empty() ? "" : "; ") + message; };
  std::vector<Instance*> to_start;
  for (const auto& entry : c.plan) {
    const ProgramSpec* want = entry.desired;
    if (!want) continue;  // remove (done) or orphan (kept)
    Program* p = supervisor_.find(entry.name);
    bool start = want->autostart || c.was_wanted.count(entry.name);
    size_t first_new = 0;
    if (!p || entry.action == PlanAction::add) {
      if (p) {
        fail(fmt::format("{}: defined meanwhile by another request; left as it is", entry.name));
        continue;
      }
      auto added = supervisor_.add_program(*want, path, false);
      if (!added) {
        fail(fmt::format("{}: {}", entry.name, added.error().message));
        continue;
      }
      p = *added;
    } else if (entry.action == PlanAction::restart) {
      supervisor_.redefine_program(*p, *want);
    } else if (entry.action == PlanAction::scale || entry.action == PlanAction::update) {
      first_new = p->instances.size();
      p->spec.depends_on = want->depends_on;
      p->spec.autostart = want->autostart;
      p->spec_json.clear();
      if (entry.action == PlanAction::scale) supervisor_.resize_program(*p, want->instances);
    } else {
      first_new = p->instances.size();  // keep: nothing to start
    }
    p->source = path;
    if (start)
      for (size_t i = first_new; i < p->instances.size(); ++i) to_start.push_back(p->instances[i].get());
  }
  if (auto spawn_failures = supervisor_.start_instances(to_start); !spawn_failures.empty()) fail(spawn_failures);
  supervisor_.remember_applied(path, loader_environment(path, c.request.env), c.request.prune);
  return failures;
}

void Applier::reload_all(std::function<void(std::vector<std::pair<std::string, ApplyOutcome>>)> done) {
  auto files = supervisor_.applied_files();
  using Results = std::vector<std::pair<std::string, ApplyOutcome>>;
  if (files.empty()) {
    log_info("reload-config: no config file has been applied; nothing to do");
    return done({});
  }
  auto results = std::make_shared<Results>();
  auto remaining = std::make_shared<size_t>(files.size());
  for (const auto& file : files) {
    ApplyRequest request{file.path, *file.base_env, file.prune, false};
    apply(std::move(request), [results, remaining, done, path = file.path](ApplyOutcome outcome) {
      if (!outcome.errors.empty()) {
        std::string text;
        for (const auto& e : outcome.errors) text += "\n  " + e.to_string();
        log_error("reload-config: {} not applied; its programs are unchanged:{}", path, text);
      } else if (!outcome.failures.empty()) {
        log_warning("reload-config: {}: {}", path, outcome.failures);
      }
      results->emplace_back(path, std::move(outcome));
      if (--*remaining == 0) done(std::move(*results));
    });
  }
}

}  // namespace tend
