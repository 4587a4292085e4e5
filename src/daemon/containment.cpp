#include "daemon/containment.h"

#include <dirent.h>
#include <signal.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "util/clock.h"
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

bool group_has_live_members(pid_t pgid) {
  if (pgid <= 0 || ::kill(-pgid, 0) != 0) return false;
  DIR* proc = ::opendir("/proc");
  if (!proc) return true;
  bool live = false;
  while (dirent* entry = ::readdir(proc)) {
    pid_t pid = 0;
    std::string_view name = entry->d_name;
    if (std::from_chars(name.data(), name.data() + name.size(), pid).ec != std::errc() || pid <= 0) continue;
    auto stat = read_proc_stat(pid);
    if (stat && stat->pgrp == pgid && stat->state != 'Z') {
      live = true;
      break;
    }
  }
  ::closedir(proc);
  return live;
}

std::optional<ProcStat> find_main_process(const Cgroup& cgroup) {
  auto members = cgroup_members(cgroup);
  std::optional<ProcStat> best;
  for (pid_t pid : members) {
    auto stat = read_proc_stat(pid);
    if (!stat || stat->state == 'Z') continue;
    if (std::find(members.begin(), members.end(), stat->ppid) != members.end()) continue;
    bool leader = stat->session == pid;
    bool best_leader = best && best->session == best->pid;
    if (!best || (leader && !best_leader) ||
        (leader == best_leader && stat->starttime_ticks < best->starttime_ticks))
      best = *stat;
  }
  return best;
}

std::int64_t start_wall_ms(std::uint64_t start_ticks) {
  auto uptime = read_file("/proc/uptime");
  if (!uptime) return wall_ms();
  double seconds_since_boot = std::strtod(uptime->c_str(), nullptr);
  double started_after_boot = double(start_ticks) / double(clock_ticks_per_second());
  return wall_ms() - std::int64_t((seconds_since_boot - started_after_boot) * 1000);
}

}  // namespace tend
