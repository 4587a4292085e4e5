#pragma once

namespace tend {

struct DaemonOptions {
  bool foreground = false;
  int ready_fd = -1;  // written to ("1") once the socket serves, then closed: the starting client waits on it
};

/// Runs the daemon until shutdown; returns the process exit status. Fatal errors only at start-up.
int run_daemon(const DaemonOptions& options);

}  // namespace tend
