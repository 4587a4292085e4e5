#pragma once
#include <systemd/sd-event.h>

#include <cstdint>
#include <functional>

namespace tend {

/// Work to run once at the end of this loop iteration, however many times it was asked for meanwhile (an
/// sd-event defer source enabled one-shot): bursts of changes coalesce into one pass. The priority places it
/// among the loop's other sources. Destruction cancels it.
class Deferred {
 public:
  Deferred(sd_event* loop, std::int64_t priority, std::function<void()> work)
      : loop_(loop), priority_(priority), work_(std::move(work)) {}
  ~Deferred() { sd_event_source_disable_unref(source_); }
  Deferred(const Deferred&) = delete;
  Deferred& operator=(const Deferred&) = delete;

  /// Asks for one run; runs the work at once when the loop cannot take a source (out of memory).
  void schedule();

 private:
  static int on_run(sd_event_source* s, void* self);

  sd_event* loop_;
  std::int64_t priority_;
  std::function<void()> work_;
  sd_event_source* source_ = nullptr;
};

}  // namespace tend
