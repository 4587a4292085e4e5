#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>

#include "proc/proc_stat.h"
#include "util/result.h"

namespace tend {

// How long has a zombie been one? The kernel keeps no time of death, but a zombie's se.exec_start in
// /proc/PID/sched is when it last left its CPU, which for a zombie is when it exited. That clock is the
// CPU's scheduler task clock, so "now" must be read from the same CPU's clock: we move onto that CPU, sleep
// a microsecond so the scheduler stamps our own se.exec_start as we start running again, and read it.
//
// Measured on a 2-CPU VM: the two CPUs' clocks were 11.5 s apart (their accumulated steal time differs), so
// comparing across CPUs is useless; on the same CPU the result matched CLOCK_MONOTONIC to within 0.3 ms over
// 10 s, and fell short by the steal time in between otherwise (-18 ms over 3 s under host contention). The
// task clock leaves out steal time (and IRQ time with CONFIG_IRQ_TIME_ACCOUNTING), so the age is a slight
// underestimate: a lower bound, exact on bare metal.

/// The age of a zombie from its se.exec_start and the same CPU's task clock now; 0 if now is earlier.
std::chrono::milliseconds zombie_age(std::int64_t zombie_exec_start_ns, std::int64_t cpu_clock_now_ns);

/// CPU `cpu`'s scheduler task clock now, in ns, read as described above; restores the calling thread's CPU
/// affinity before returning. EINVAL when we may not run on that CPU (offline, or outside our cpuset);
/// ENOENT when the kernel has no /proc/PID/sched.
Result<std::int64_t> read_cpu_task_clock_ns(int cpu);

/// Measures zombie ages, reading each CPU's clock once (so one pass over many zombies moves us once per CPU).
class ZombieAgeMeter {
 public:
  /// nullopt when unknown: /proc/PID/sched missing, the CPU unusable, or the process no longer a zombie.
  std::optional<std::chrono::milliseconds> age_of(const ProcStat& zombie);

 private:
  std::map<int, std::optional<std::int64_t>> cpu_now_ns_;
};

}  // namespace tend
