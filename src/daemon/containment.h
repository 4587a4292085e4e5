#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "proc/cgroup.h"
#include "proc/proc_stat.h"

namespace tend {

/// Pids listed in the cgroup's cgroup.procs (empty when unreadable).
std::vector<pid_t> cgroup_members(const Cgroup& cgroup);

/// Sends sig to process group pgid and to every member of cgroup (when not empty) that is outside that
/// group — descendants that called setsid() — so each process gets the signal exactly once.
/// Returns the number of processes or groups signalled.
int signal_tree(pid_t pgid, const Cgroup& cgroup, int sig);

/// True while process group pgid has a member that is not a zombie. Zombies are excluded because an adopted
/// instance's processes are reaped by someone else, possibly late; they hold nothing (no ports, no files).
bool group_has_live_members(pid_t pgid);

/// The main process of an instance's cgroup: the member whose parent is outside the cgroup (the oldest
/// such session leader when several are). Used to find a run a crashed daemon had not yet recorded.
std::optional<ProcStat> find_main_process(const Cgroup& cgroup);

/// Wall-clock start time (ms since the epoch) of a process from its /proc start time in clock ticks.
std::int64_t start_wall_ms(std::uint64_t start_ticks);

}  // namespace tend
