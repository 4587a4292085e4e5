#pragma once
#include <sys/types.h>

#include <vector>

#include "proc/cgroup.h"

namespace tend {

/// Pids listed in the cgroup's cgroup.procs (empty when unreadable).
std::vector<pid_t> cgroup_members(const Cgroup& cgroup);

/// Sends sig to process group pgid and to every member of cgroup (when not empty) that is outside that
/// group — descendants that called setsid() — so each process gets the signal exactly once.
/// Returns the number of processes or groups signalled.
int signal_tree(pid_t pgid, const Cgroup& cgroup, int sig);

}  // namespace tend
