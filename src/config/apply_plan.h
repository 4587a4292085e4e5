#pragma once
// What `tend apply` will do: the difference between the programs a daemon has and those a file declares.
#include <string>
#include <vector>

#include "config/config_file.h"
#include "core/program_spec.h"

namespace tend {

/// A program the daemon has now: its spec with the complete environment, and the file that defined it
/// (empty when it came from `tend start`).
struct ExistingProgram {
  ProgramSpec spec;
  std::string source;
};

enum class PlanAction {
  add,      // "+": define (and start unless autostart = false)
  restart,  // "~": the spec changed in a way its processes must see: stop, redefine, start
  scale,    // "~": only the instance count changed: add or remove instances, others untouched
  update,   // "~": only depends_on/autostart changed: the running processes are left alone
  keep,     // "=": unchanged
  remove,   // "-": with --prune, the file no longer names a program it defined
  orphan,   // "!": the same without --prune: kept, and said so
};

struct PlanEntry {
  PlanAction action = PlanAction::keep;
  std::string name;
  std::vector<std::string> changes;     // "env.LOG_LEVEL changed", "instances 2 -> 3", ...
  const ProgramSpec* desired = nullptr;  // into the Config; null for remove/orphan
  int instances_before = 0;
};

/// Compares field by field. File programs come first, in file order; then programs this file defined
/// earlier that it no longer names (remove with prune, else orphan). Programs of other files or of
/// `tend start` that the file does not name are not part of the plan.
std::vector<PlanEntry> make_plan(const std::vector<ExistingProgram>& existing, const Config& desired, bool prune);

/// The differences between two specs of one program, in spec order: "command changed",
/// "env.LOG_LEVEL changed", "env.DEBUG added", "kill_timeout 10s -> 5s", ...
std::vector<std::string> spec_changes(const ProgramSpec& before, const ProgramSpec& after);

/// One line for the user: "+ web (2 instances)", "~ worker: env.LOG_LEVEL changed", "- old",
/// "= db unchanged", "! old: ...".
std::string plan_line(const PlanEntry& entry);

/// True when nothing in the plan changes the daemon.
bool plan_is_empty(const std::vector<PlanEntry>& plan);

}  // namespace tend
