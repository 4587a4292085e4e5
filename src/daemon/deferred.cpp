#include "daemon/deferred.h"

namespace tend {

void Deferred::schedule() {
  if (timer_pending_) return;  // the timer's run will see this change too
  if (auto due = too_soon_until(); due && arm_timer(*due)) return;
  defer();  // no interval, the interval is over, or no timer to be had: at the end of this iteration
}

std::optional<std::uint64_t> Deferred::too_soon_until() const {
  if (min_interval_.count() <= 0 || last_run_usec_ == 0) return std::nullopt;
  std::uint64_t now = 0;
  std::uint64_t due = last_run_usec_ + std::uint64_t(min_interval_.count());
  if (sd_event_now(loop_, CLOCK_MONOTONIC, &now) < 0 || now >= due) return std::nullopt;
  return due;
}

bool Deferred::arm_timer(std::uint64_t due) {
  if (!timer_) {
    // 1 ms accuracy: sd-event's default (250 ms) would stretch the interval far beyond what was asked.
    if (sd_event_add_time(loop_, &timer_, CLOCK_MONOTONIC, due, 1000, on_timer, this) < 0) {
      timer_ = nullptr;
      return false;
    }
    sd_event_source_set_priority(timer_, priority_);
  } else if (sd_event_source_set_time(timer_, due) < 0) {
    return false;
  }
  sd_event_source_set_enabled(timer_, SD_EVENT_ONESHOT);
  timer_pending_ = true;
  return true;
}

void Deferred::defer() {
  if (!source_) {
    if (sd_event_add_defer(loop_, &source_, on_run, this) < 0) {
      source_ = nullptr;
      return run();
    }
    sd_event_source_set_priority(source_, priority_);
  }
  sd_event_source_set_enabled(source_, SD_EVENT_ONESHOT);
}

void Deferred::run() {
  if (min_interval_.count() > 0) {
    std::uint64_t now = 0;
    if (sd_event_now(loop_, CLOCK_MONOTONIC, &now) >= 0) last_run_usec_ = now;
  }
  work_();
}

int Deferred::on_run(sd_event_source*, void* self) {
  static_cast<Deferred*>(self)->run();
  return 0;
}

int Deferred::on_timer(sd_event_source*, std::uint64_t, void* self_ptr) {
  auto* self = static_cast<Deferred*>(self_ptr);
  self->timer_pending_ = false;
  self->run();
  return 0;
}

}  // namespace tend
