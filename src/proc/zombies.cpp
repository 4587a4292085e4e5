#include "proc/zombies.h"

#include "proc/proc_cmdline.h"
#include "proc/proc_scan.h"
#include "proc/zombie_age.h"

namespace tend {

bool is_unreaped_zombie(const ProcStat& stat) {
  return stat.state == 'Z' && stat.num_threads <= 1;
}

Result<std::vector<Zombie>> find_zombies() {
  auto procs = scan_processes();
  if (!procs) return procs.error();
  ZombieAgeMeter meter;
  std::vector<Zombie> out;
  for (const ProcStat& stat : *procs) {
    if (!is_unreaped_zombie(stat)) continue;
    auto parent = read_display_command(stat.ppid);
    out.push_back(Zombie{stat.pid, stat.comm, stat.ppid, parent ? *parent : "", meter.age_of(stat)});
  }
  return out;
}

}  // namespace tend
