#pragma once
// Where a process re-parented to the daemon came from. The kernel keeps no record of a process's former
// parent, but an orphan keeps its cgroup (exact: each instance has its own), its process group and its
// session (which it keeps unless it called setsid/setpgid); those are matched against the instances.
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace tend {

/// The cgroup v2 path of a process from the text of /proc/PID/cgroup (the "0::/path" line); nullopt when
/// the text has none (cgroup v1 only).
std::optional<std::string> cgroup_v2_path(std::string_view proc_cgroup_text);

/// What is known of the process whose origin is sought.
struct OrphanFacts {
  std::string cgroup;  // its cgroup v2 path relative to the mount ("/tend-0-1234abcd/web-0"), or empty
  pid_t pgrp = 0;
  pid_t session = 0;
};

/// One instance as a candidate origin.
struct OriginCandidate {
  std::string label;   // "web:0"
  std::string cgroup;  // the instance's cgroup directory (absolute, under the mount), or empty
  pid_t pgid = 0;      // the process group of its latest run (= that run's main pid, a session leader); 0: none
};

/// The label of the instance the process came from, or nullopt: its cgroup when both have one, else a
/// process group or session equal to an instance's group.
std::optional<std::string> match_origin(const OrphanFacts& facts, const std::vector<OriginCandidate>& candidates);

/// Reads the facts of a live process or an unreaped zombie (a zombie keeps its cgroup, group and session
/// until reaped). kProcVanished when gone.
Result<OrphanFacts> read_orphan_facts(pid_t pid);

}  // namespace tend
