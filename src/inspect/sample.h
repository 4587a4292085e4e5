#pragma once
// Live figures from raw /proc counters: CPU% and context switches per second between two readings. Pure,
// so the rules (which interval a figure covers, what resets it) are unit-tested with made-up numbers.
#include <sys/types.h>

#include <cmath>
#include <cstdint>
#include <optional>

namespace tend {

/// Raw counters of one process at one moment (CLOCK_MONOTONIC nanoseconds). The context-switch part is
/// optional: `ls` reads only /proc/PID/stat.
struct Reading {
  pid_t pid = 0;
  std::int64_t cpu_at_ns = 0;
  std::uint64_t cpu_ticks = 0;  // utime + stime of every thread, living and exited (/proc/PID/stat)
  std::int64_t ctxt_at_ns = 0;  // 0: no context-switch counters in this reading
  std::uint64_t voluntary = 0;  // summed over the live threads
  std::uint64_t nonvoluntary = 0;
};

/// What a reading is compared with when the process has no earlier one: its start, with no CPU time used
/// and no switch made yet.
Reading start_reading(pid_t pid, std::int64_t started_at_ns);

/// Figures over an interval; NaN where unknown (no earlier reading of that counter for this pid).
struct Figures {
  float cpu_percent = NAN;  // 100 = one CPU busy all the time (a multi-threaded process can exceed it)
  float voluntary_per_s = NAN;
  float nonvoluntary_per_s = NAN;
  std::int32_t cpu_interval_ms = 0;  // what cpu_percent covers
  std::int32_t ctxt_interval_ms = 0;
};

/// The sampling state an instance keeps between readings (about 70 bytes).
struct SampleState {
  Reading last;
  Figures figures;
  std::uint8_t over_limit = 0;  // consecutive periodic samples with RSS above max_memory
  bool periodic = false;        // the sampler's timer covers this instance now
};

/// A one-shot reading (ls, inspect, metrics) closer than this to the previous one keeps the figures of the
/// previous interval: a few milliseconds of clock ticks (10 ms each) would be noise.
inline constexpr std::int64_t kMinOneShotIntervalNs = 200'000'000;

/// Takes `now` into the state. A periodic reading always computes new figures over the time since the last
/// reading and becomes the new baseline. A one-shot reading does so only while no periodic sampling covers
/// the instance (otherwise the sampler's figures, over its last interval, stand) and only when at least
/// kMinOneShotIntervalNs passed. Without an earlier reading of the same pid, `start` is the baseline.
/// Counters that went backwards (threads exited) give 0 for that interval.
void take_reading(SampleState& state, const Reading& now, const Reading& start, long ticks_per_second,
                  bool periodic);

/// Counts one periodic sample towards a memory limit: true when RSS is above limit for the second sample in
/// a row (the count then starts over: a restart follows). A sample of an ineligible instance (not starting
/// or running), without a limit or without an RSS reading, resets the count.
inline constexpr int kMemorySamplesOverLimit = 2;
bool note_memory_sample(SampleState& state, std::optional<std::uint64_t> rss, std::optional<std::uint64_t> limit,
                        bool eligible);

/// The figure as an optional (NaN → nullopt), for JSON and tables.
inline std::optional<double> known(float value) {
  return std::isnan(value) ? std::nullopt : std::optional<double>(value);
}

}  // namespace tend
