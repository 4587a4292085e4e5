#include "proc/zombie_age.h"

#include <sched.h>
#include <time.h>

#include "proc/proc_sched.h"
#include "util/files.h"

namespace tend {
namespace {

// Pins the calling thread to one CPU for its lifetime, then restores the previous affinity.
class PinnedToCpu {
 public:
  explicit PinnedToCpu(int cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE || ::sched_getaffinity(0, sizeof saved_, &saved_) != 0) return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    // sched_setaffinity moves the caller before it returns when its current CPU is not in the set.
    pinned_ = ::sched_setaffinity(0, sizeof one, &one) == 0 && ::sched_getcpu() == cpu;
    restore_ = true;
  }
  ~PinnedToCpu() {
    if (restore_) ::sched_setaffinity(0, sizeof saved_, &saved_);
  }
  PinnedToCpu(const PinnedToCpu&) = delete;
  PinnedToCpu& operator=(const PinnedToCpu&) = delete;
  bool pinned() const { return pinned_; }

 private:
  cpu_set_t saved_{};
  bool restore_ = false;
  bool pinned_ = false;
};

}  // namespace

std::chrono::milliseconds zombie_age(std::int64_t zombie_exec_start_ns, std::int64_t cpu_clock_now_ns) {
  std::int64_t ns = cpu_clock_now_ns - zombie_exec_start_ns;
  return std::chrono::milliseconds(ns > 0 ? ns / 1'000'000 : 0);
}

Result<std::int64_t> read_cpu_task_clock_ns(int cpu) {
  PinnedToCpu pin(cpu);
  if (!pin.pinned()) return Error{EINVAL, "unable to run on CPU " + std::to_string(cpu)};
  // Blocking, however briefly, makes the scheduler stamp se.exec_start when it puts us back on this CPU; a
  // thread that keeps running has its stamp advanced only at ticks (up to 10 ms stale). A 1 µs sleep blocks:
  // the timer is set, then schedule() runs.
  struct timespec tiny = {0, 1000};
  ::nanosleep(&tiny, nullptr);
  auto text = read_file("/proc/thread-self/sched");
  if (!text) return text.error();
  auto sched = parse_proc_sched(*text);
  if (!sched) return sched.error();
  return sched->exec_start_ns;
}

std::optional<std::chrono::milliseconds> ZombieAgeMeter::age_of(const ProcStat& zombie) {
  auto sched = read_proc_sched(zombie.pid);
  if (!sched || zombie.processor < 0) return std::nullopt;
  auto [it, fresh] = cpu_now_ns_.try_emplace(zombie.processor);
  if (fresh) {
    auto now = read_cpu_task_clock_ns(zombie.processor);
    if (now) it->second = *now;
  }
  if (!it->second) return std::nullopt;
  // The pid may have been reaped and reused between the scan and now; then this is someone else's clock.
  auto again = read_proc_stat(zombie.pid);
  if (!again || again->state != 'Z' || again->starttime_ticks != zombie.starttime_ticks) return std::nullopt;
  return zombie_age(sched->exec_start_ns, *it->second);
}

}  // namespace tend
