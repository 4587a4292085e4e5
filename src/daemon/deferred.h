#pragma once
#include <systemd/sd-event.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace tend {

/// Work to run once at the end of this loop iteration, however many times it was asked for meanwhile (an
/// sd-event defer source enabled one-shot): bursts of changes coalesce into one pass. The priority places it
/// among the loop's other sources. Destruction cancels it.
///
/// With a minimum interval, runs are also at least that far apart: asked for sooner after the last run, the
/// work waits for a timer at the end of the interval. A quiet daemon still runs it at once; under a stream
/// of changes (a job queue finishing thousands of jobs a second) the runs become one per interval.
class Deferred {
 public:
  Deferred(sd_event* loop, std::int64_t priority, std::function<void()> work,
           std::chrono::microseconds min_interval = std::chrono::microseconds(0))
      : loop_(loop), priority_(priority), min_interval_(min_interval), work_(std::move(work)) {}
  ~Deferred() {
    sd_event_source_disable_unref(source_);
    sd_event_source_disable_unref(timer_);
  }
  Deferred(const Deferred&) = delete;
  Deferred& operator=(const Deferred&) = delete;

  /// Asks for one run; runs the work at once when the loop cannot take a source (out of memory).
  void schedule();

 private:
  static int on_run(sd_event_source* s, void* self);
  static int on_timer(sd_event_source* s, std::uint64_t usec, void* self);
  void run();
  void defer();
  /// When the interval since the last run is not over yet, the time it ends.
  std::optional<std::uint64_t> too_soon_until() const;
  bool arm_timer(std::uint64_t due);

  sd_event* loop_;
  std::int64_t priority_;
  std::chrono::microseconds min_interval_;
  std::function<void()> work_;
  sd_event_source* source_ = nullptr;
  sd_event_source* timer_ = nullptr;
  bool timer_pending_ = false;
  std::uint64_t last_run_usec_ = 0;  // CLOCK_MONOTONIC, the loop's idea of now when the work last ran
};

}  // namespace tend
