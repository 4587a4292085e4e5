#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace tend {

/// The fields of /proc/PID/stat that tend uses (see proc(5)).
struct ProcStat {
  pid_t pid = 0;
  std::string comm;  // may contain spaces and parentheses
  char state = '?';  // R S D T t Z X I ...
  pid_t ppid = 0;
  pid_t pgrp = 0;
  pid_t session = 0;
  std::uint64_t minflt = 0;  // page faults served without I/O
  std::uint64_t majflt = 0;  // page faults that read from disk
  std::uint64_t utime_ticks = 0;
  std::uint64_t stime_ticks = 0;
  long priority = 0;
  long nice = 0;
  long num_threads = 0;
  std::uint64_t starttime_ticks = 0;  // since boot: with pid, identifies a process across pid reuse
  std::uint64_t vsize_bytes = 0;
  std::int64_t rss_pages = 0;
  // Fields 39-41 of proc(5); left at these defaults when the text stops before them.
  int processor = -1;         // the CPU the task last ran on
  unsigned rt_priority = 0;   // 1..99 for SCHED_FIFO/SCHED_RR, else 0
  unsigned policy = 0;        // SCHED_OTHER, SCHED_FIFO, ... (see sched_policy_name)
};

/// Parses the text of /proc/PID/stat (comm is everything between the first '(' and the last ')').
Result<ProcStat> parse_proc_stat(std::string_view text);
/// Reads and parses /proc/PID/stat; ENOENT when the process is gone.
Result<ProcStat> read_proc_stat(pid_t pid);

/// "running", "sleeping", "disk sleep", "stopped", "tracing stop", "zombie", "dead", "idle", ... for a state letter.
std::string_view kernel_state_meaning(char state);

/// "other", "fifo", "rr", "batch", "idle", "deadline", "ext" for a SCHED_* policy number; "unknown" otherwise.
std::string_view sched_policy_name(unsigned policy);

/// sysconf(_SC_CLK_TCK) and page size, cached.
long clock_ticks_per_second();
long page_size_bytes();

}  // namespace tend
