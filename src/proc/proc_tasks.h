#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proc/proc_stat.h"
#include "proc/proc_status.h"
#include "util/result.h"

namespace tend {

/// The thread control block as /proc shows it: one entry of /proc/PID/task.
struct ProcTask {
  pid_t tid = 0;
  std::string name;
  char state = '?';
  std::uint64_t utime_ticks = 0;
  std::uint64_t stime_ticks = 0;
  long priority = 0;
  long nice = 0;
  unsigned policy = 0;
  int processor = -1;  // the CPU it last ran on
  std::optional<std::uint64_t> voluntary_ctxt_switches;
  std::optional<std::uint64_t> nonvoluntary_ctxt_switches;
};

/// Combines a thread's stat and status (pure, so it is tested on fixtures). The name comes from stat,
/// which holds it unescaped.
ProcTask make_task(const ProcStat& stat, const std::optional<ProcStatus>& status);

/// The threads of process PID in tid order. Threads that exit while being read are left out;
/// kProcVanished when the process itself is gone.
Result<std::vector<ProcTask>> read_proc_tasks(pid_t pid);

/// Reads /proc/PID/task/TID/stat; kProcVanished when the thread is gone.
Result<ProcStat> read_task_stat(pid_t pid, pid_t tid);

/// Context switches of a whole process.
struct ContextSwitches {
  std::uint64_t voluntary = 0;
  std::uint64_t nonvoluntary = 0;
};
/// The two *_ctxt_switches lines of a status file, found without parsing the rest (a sampler reads one
/// per instance per interval). EINVAL when either is missing or malformed.
Result<ContextSwitches> parse_context_switches(std::string_view status_text);
/// The kernel counts switches per thread (/proc/PID/status shows the main thread's only), so this sums
/// /proc/PID/task/*/status when the process has more than one thread. Threads that already exited took
/// their counts with them. kProcVanished when the process is gone.
Result<ContextSwitches> read_context_switches(pid_t pid, long threads);

/// The children of process pid, from /proc/PID/task/*/children (every thread's own children), else — on a
/// kernel without CONFIG_PROC_CHILDREN — from a scan of every process's parent. kProcVanished when gone.
Result<std::vector<pid_t>> read_children(pid_t pid);

}  // namespace tend
