#include "daemon/containment.h"

#include <signal.h>

#include <charconv>

#include "proc/proc_stat.h"
#include "util/files.h"

namespace tend {

std::vector<pid_t> cgroup_members(const Cgroup& cgroup) {
  std::vector<pid_t> pids;
  auto text = read_file(cgroup.path() + "/cgroup.procs");
  if (!text) return pids;
  const char* p = text->data();
  const char* end = p + text->size();
  while (p < end) {
    pid_t pid = 0;
    auto [next, ec] = std::from_chars(p, end, pid);
    if (ec == std::errc() && pid > 0) pids.push_back(pid);
    p = next + 1;
  }
  return pids;
}

int signal_tree(pid_t pgid, const Cgroup& cgroup, int sig) {
  int signalled = 0;
  if (pgid > 0 && ::kill(-pgid, sig) == 0) ++signalled;
  if (cgroup.empty()) return signalled;
  for (pid_t pid : cgroup_members(cgroup)) {
    auto stat = read_proc_stat(pid);
    if (stat && stat->pgrp != pgid && ::kill(pid, sig) == 0) ++signalled;
  }
  return signalled;
}

}  // namespace tend
