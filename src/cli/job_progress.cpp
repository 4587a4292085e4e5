#include "cli/job_progress.h"

#include <fmt/format.h>

namespace tend::cli {

std::string render_progress(const ProgressCounts& c, Millis elapsed, int width) {
  std::int64_t ended = c.done + c.failed;
  int filled = c.total > 0 ? int(ended * width / c.total) : width;
  std::string bar(std::size_t(filled), '#');
  bar.append(std::size_t(width - filled), '.');
  auto eta = [&]() -> std::string {
    if (ended == c.total) return "0s";
    if (ended == 0) return "-";
    // The pace so far, applied to what is left (jobs still queued or running).
    std::int64_t ms = elapsed.count() * (c.total - ended) / ended;
    return ms < 60'000 ? fmt::format("{}s", (ms + 999) / 1000) : format_uptime(Millis(ms));
  };
  std::string line = fmt::format("[{}] {}/{}  done {}  failed {}  running {}", bar, ended, c.total, c.done, c.failed,
                                 c.running);
  if (c.suspended > 0) line += fmt::format("  suspended {}", c.suspended);
  line += fmt::format("  queued {}  ETA {}", c.queued, eta());
  return line;
}

}  // namespace tend::cli
