#pragma once
// One instance's live figures at one moment: what `tend top` shows, what `tend metrics` exports, what the
// sampler streams. Pure data with its JSON form (docs/metrics.md, "The sample stream").
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace tend {

struct InstanceSnapshot {
  std::string program;
  int instance = 0;
  std::string state;  // tend's state name
  std::optional<pid_t> pid;
  int restarts = 0;
  std::int64_t uptime_ms = 0;
  std::optional<std::uint64_t> max_memory;
  // Read from /proc; nullopt without a process or when that part was not read.
  std::optional<char> kernel_state;
  std::optional<std::uint64_t> rss_bytes;
  std::optional<std::uint64_t> vsz_bytes;
  std::optional<double> user_seconds;
  std::optional<double> system_seconds;
  std::optional<long> threads;
  std::optional<std::uint64_t> minor_faults;
  std::optional<std::uint64_t> major_faults;
  std::optional<std::uint64_t> voluntary_ctxt_switches;  // summed over threads
  std::optional<std::uint64_t> nonvoluntary_ctxt_switches;
  std::optional<int> fds;
  std::optional<std::uint64_t> read_bytes;   // /proc/PID/io: storage I/O
  std::optional<std::uint64_t> write_bytes;
  // Over the last sampling interval (see inspect/sample.h).
  std::optional<double> cpu_percent;
  std::optional<double> voluntary_per_s;
  std::optional<double> nonvoluntary_per_s;

  std::string label() const { return program + ":" + std::to_string(instance); }
  /// Voluntary + involuntary switches per second, when both are known.
  std::optional<double> ctxt_switches_per_s() const;
};

/// Appends the snapshot as one JSON object, without a DOM (a sample of a thousand instances a second).
/// Keys: program, instance, state, pid, restarts, uptime_ms, max_memory, kernel_state, rss_bytes,
/// vsz_bytes, user_seconds, system_seconds, threads, minor_faults, major_faults, voluntary_ctxt_switches,
/// nonvoluntary_ctxt_switches, fds, read_bytes, write_bytes, cpu_percent, voluntary_per_s,
/// nonvoluntary_per_s; unknown values are null.
void append_snapshot_json(std::string& out, const InstanceSnapshot& snapshot);
/// Reads it back (clients). EINVAL when program, instance or state are missing.
Result<InstanceSnapshot> snapshot_from_json(const nlohmann::json& j);

}  // namespace tend
