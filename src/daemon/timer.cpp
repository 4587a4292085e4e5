#include "daemon/timer.h"

#include <time.h>

#include "util/daemon_log.h"

namespace tend {

void Timer::arm(Millis delay) {
  cancel();
  // 1 ms accuracy: sd-event's default (250 ms) would blur kill timeouts and backoff delays.
  int r = sd_event_add_time_relative(loop_, &source_, CLOCK_MONOTONIC, uint64_t(delay.count()) * 1000, 1000,
                                     on_time, this);
  if (r < 0) {
    source_ = nullptr;
    log_error("unable to arm a timer: {}", strerror(-r));
  }
}

int Timer::on_time(sd_event_source*, uint64_t, void* self_ptr) {
  auto* self = static_cast<Timer*>(self_ptr);
  self->cancel();
  self->on_expire_();  // may destroy or re-arm this timer: touch nothing after
  return 0;
}

}  // namespace tend
