#pragma once
#include <string>

#include "util/result.h"

namespace tend {

/// Every file tend keeps, all under one home ($TEND_HOME, else $XDG_RUNTIME_DIR/tend, else ~/.tend).
struct Paths {
  std::string home;
  std::string socket() const { return home + "/tend.sock"; }
  std::string pid_file() const { return home + "/tend.pid"; }
  std::string log_file() const { return home + "/tend.log"; }
  std::string state_file() const { return home + "/state.json"; }
  std::string start_lock() const { return home + "/start.lock"; }
  std::string fd_holder_socket() const { return home + "/fds.sock"; }
  std::string events_db() const { return home + "/events.db"; }
  std::string logs_dir() const { return home + "/logs"; }
  std::string instance_log(const std::string& program, int index, std::string_view stream) const;
};

/// Resolves the home directory from the environment (an absolute path; relative TEND_HOME is made absolute).
Result<Paths> resolve_paths();
/// Creates the home (mode 0700) and logs/, tightening the mode of an existing home.
Status prepare_home(const Paths& paths);

}  // namespace tend
