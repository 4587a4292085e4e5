#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace tend {

/// CLOCK_MONOTONIC time point: every duration and deadline in tend uses it.
using MonoTime = std::chrono::steady_clock::time_point;

/// Injectable monotonic clock so policy code can be tested with fake time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual MonoTime now() const = 0;
};

/// The real CLOCK_MONOTONIC.
class SteadyClock final : public Clock {
 public:
  MonoTime now() const override { return std::chrono::steady_clock::now(); }
};

/// Wall-clock milliseconds since the epoch (display and history only).
std::int64_t wall_ms();
/// RFC 3339 UTC with milliseconds, e.g. "2026-11-22T02:16:29.123Z".
std::string format_rfc3339_ms(std::int64_t epoch_ms);
/// Writes the 24-byte RFC 3339 stamp of epoch_ms into out (no terminator). Hot path for log lines.
void write_rfc3339_ms(std::int64_t epoch_ms, char out[24]);

}  // namespace tend
