#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "util/result.h"

namespace tend {

/// The fields of /proc/PID/sched (the scheduler's debug view of a task) that tend uses.
struct ProcSched {
  /// se.exec_start: the scheduler's task clock, in ns, on the task's CPU when the task last started or
  /// stopped running there (it is also advanced at each tick while it runs). For a zombie that is the
  /// moment it left the CPU for good. The clock is that CPU's rq clock_task: it counts from about boot, but
  /// excludes steal time (and IRQ time with CONFIG_IRQ_TIME_ACCOUNTING) and so differs between CPUs by
  /// seconds; compare it only with the same CPU's clock (see zombie_age.h).
  std::int64_t exec_start_ns = 0;
  std::uint64_t nr_switches = 0;
  std::uint64_t nr_voluntary_switches = 0;
  std::uint64_t nr_involuntary_switches = 0;
  std::optional<unsigned> policy;
  std::optional<int> prio;
};

/// Parses the text; se.exec_start is required (EINVAL otherwise). The first line holds the task's name,
/// which may contain anything, and is skipped.
Result<ProcSched> parse_proc_sched(std::string_view text);
/// Reads /proc/PID/sched. ENOENT on kernels built without it (older ones without CONFIG_SCHED_DEBUG);
/// kProcVanished when gone.
Result<ProcSched> read_proc_sched(pid_t pid);

/// "12311661.718162" (ms.ns, as the kernel prints times in this file) → 12311661718162 ns.
std::optional<std::int64_t> parse_sched_ms(std::string_view text);

}  // namespace tend
