#pragma once
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "proc/proc_stat.h"
#include "util/result.h"

namespace tend {

/// A process that has exited and waits for its parent to reap it (wait(2)) — and the parent that does not.
struct Zombie {
  pid_t pid = 0;
  std::string name;  // its comm
  pid_t ppid = 0;
  std::string parent_command;  // the parent's argv joined, or "[comm]"; "" if the parent vanished meanwhile
  std::optional<std::chrono::milliseconds> zombie_for;  // a lower bound (see zombie_age.h); nullopt: unknown
};

/// True for a process that is a zombie awaiting reaping. A thread-group leader that called pthread_exit
/// while other threads run also shows state Z, but its process lives on: it has more than one thread.
bool is_unreaped_zombie(const ProcStat& stat);

/// Every zombie on the system (all users'), in pid order. Errors only when /proc cannot be listed.
Result<std::vector<Zombie>> find_zombies();

}  // namespace tend
