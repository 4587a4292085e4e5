#include "util/clock.h"

#include <time.h>

namespace tend {

std::int64_t wall_ms() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return std::int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

void write_rfc3339_ms(std::int64_t epoch_ms, char out[24]) {
  // Cache the date-time part per second: log capture stamps many lines within one second.
  static thread_local time_t cached_sec = -1;
  static thread_local char cached[20];
  time_t sec = epoch_ms / 1000;
  if (sec != cached_sec) {
    tm utc{};
    gmtime_r(&sec, &utc);
    strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &utc);
    cached_sec = sec;
  }
  int ms = int(epoch_ms % 1000);
  for (int i = 0; i < 19; ++i) out[i] = cached[i];
  out[19] = '.';
  out[20] = char('0' + ms / 100);
  out[21] = char('0' + ms / 10 % 10);
  out[22] = char('0' + ms % 10);
  out[23] = 'Z';
}

std::string format_rfc3339_ms(std::int64_t epoch_ms) {
  char buf[24];
  write_rfc3339_ms(epoch_ms, buf);
  return std::string(buf, sizeof buf);
}

}  // namespace tend
