#pragma once
#include <cstdint>
#include <string>

#include "util/units.h"

namespace tend::cli {

/// Job counts from a `job-wait` progress event.
struct ProgressCounts {
  std::int64_t total = 0, done = 0, failed = 0, running = 0, queued = 0;  // failed: failed, cancelled, timeout
  std::int64_t suspended = 0;
};

/// One line for a terminal: a bar of `width` cells, the counts and an ETA from the pace so far
/// ("[######......] 1200/2000  done 1190  failed 10  running 2  queued 798  ETA 12s").
std::string render_progress(const ProgressCounts& counts, Millis elapsed, int width = 30);

}  // namespace tend::cli
