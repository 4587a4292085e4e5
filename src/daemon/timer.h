#pragma once
#include <systemd/sd-event.h>

#include <functional>

#include "util/units.h"

namespace tend {

/// A one-shot CLOCK_MONOTONIC timer on the event loop. Re-arming replaces the pending expiry; destruction
/// cancels it. Per-instance timers (start window, retry, stop deadline) are these — never a periodic sweep.
class Timer {
 public:
  Timer(sd_event* loop, std::function<void()> on_expire) : loop_(loop), on_expire_(std::move(on_expire)) {}
  ~Timer() { cancel(); }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  void arm(Millis delay);
  void cancel() { source_ = sd_event_source_disable_unref(source_); }
  bool armed() const { return source_ != nullptr; }

 private:
  static int on_time(sd_event_source* s, uint64_t usec, void* self);

  sd_event* loop_;
  std::function<void()> on_expire_;
  sd_event_source* source_ = nullptr;
};

}  // namespace tend
