#pragma once
// `tend apply`: makes the daemon's programs match a config file, one apply at a time.
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "config/config_error.h"
#include "daemon/supervisor.h"

namespace tend {

struct ApplyRequest {
  std::string path;     // absolute
  Environment env;      // the environment of the client that asked (filtered by config_base_environment)
  bool prune = false;   // delete programs this file defined and no longer names
  bool dry_run = false; // plan only
};

struct ApplyOutcome {
  std::vector<std::string> plan;    // one line per program
  std::vector<ConfigError> errors;  // the file does not validate: nothing changed
  std::string failures;             // programs that could not be started ("web:0: exec ...; ...")
};

struct PendingApply;

class Applier {
 public:
  explicit Applier(Supervisor& supervisor) : supervisor_(supervisor) {}

  /// Loads, plans and carries the plan out; done runs once changed programs are stopped, redefined and
  /// started (not yet running: dependants may still be waiting). Applies queue behind each other.
  void apply(ApplyRequest request, std::function<void(ApplyOutcome)> done);
  /// Applies every remembered file again with its remembered environment and --prune choice (SIGHUP,
  /// `tend reload-config`); each outcome is also written to the daemon log.
  void reload_all(std::function<void(std::vector<std::pair<std::string, ApplyOutcome>>)> done);

 private:
  void run_next();
  void run(const ApplyRequest& request, std::function<void(ApplyOutcome)> done);
  /// After the stop phase: defines, redefines, resizes and starts; returns the failures.
  std::string carry_out(PendingApply& pending);
  /// Records an "apply" event: the plan carried out, or the errors that refused the file.
  void record(const ApplyRequest& request, const ApplyOutcome& outcome);

  Supervisor& supervisor_;
  std::deque<std::function<void()>> queue_;
  bool busy_ = false;
};

}  // namespace tend
