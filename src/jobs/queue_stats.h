#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "jobs/job.h"
#include "jobs/queue_config.h"

namespace tend::jobs {

/// Mean and 95th percentile (nearest rank) of a metric over some jobs.
struct Summary {
  std::size_t count = 0;
  double mean = 0;
  std::int64_t p95 = 0;
};
Summary summarize(std::vector<std::int64_t> values);

/// The seeds' scheduling metrics for one queue.
struct QueueStats {
  QueueConfig config;
  std::array<int, 7> states{};  // jobs per JobState, indexed by the enum
  std::size_t measured = 0;     // ended jobs that ran at least once (the ones the figures describe)
  std::int64_t span_ms = 0;     // first submission to last end among them
  double throughput = 0;        // measured jobs per second of span
  double utilisation = 0;       // their running time over slots × span (0..1)
  Summary wait, response, turnaround, run;
};

/// Computes a queue's figures from its jobs. With a window, only jobs that ended within the last `window`
/// are measured (the state counts cover every job).
QueueStats queue_stats(const QueueConfig& config, const std::vector<const Job*>& jobs, MonoTime now,
                       std::int64_t now_wall_ms, std::optional<Millis> window);

}  // namespace tend::jobs
