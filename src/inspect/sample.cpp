#include "inspect/sample.h"

namespace tend {
namespace {

float per_second(std::uint64_t before, std::uint64_t after, std::int64_t interval_ns) {
  if (after < before) return 0;  // a thread exited and took its counts along
  return float(double(after - before) * 1e9 / double(interval_ns));
}

std::int32_t to_ms(std::int64_t ns) { return std::int32_t(ns / 1'000'000); }

}  // namespace

bool note_memory_sample(SampleState& state, std::optional<std::uint64_t> rss, std::optional<std::uint64_t> limit,
                        bool eligible) {
  if (!eligible || !rss || !limit || *rss <= *limit) {
    state.over_limit = 0;
    return false;
  }
  if (++state.over_limit < kMemorySamplesOverLimit) return false;
  state.over_limit = 0;
  return true;
}

Reading start_reading(pid_t pid, std::int64_t started_at_ns) {
  Reading r;
  r.pid = pid;
  r.cpu_at_ns = started_at_ns;
  r.ctxt_at_ns = started_at_ns;
  return r;
}

void take_reading(SampleState& s, const Reading& now, const Reading& start, long ticks_per_second,
                  bool periodic) {
  bool same = s.last.pid == now.pid && s.last.cpu_at_ns > 0;
  if (!periodic && s.periodic && same) return;  // the sampler's figures cover the last interval
  if (!same) {
    s.last = Reading{};
    s.last.pid = now.pid;
    s.figures = Figures{};
    s.over_limit = 0;
  }

  const Reading& cpu_base = same ? s.last : start;
  std::int64_t cpu_interval = now.cpu_at_ns - cpu_base.cpu_at_ns;
  bool cpu_too_soon = !periodic && same && cpu_interval < kMinOneShotIntervalNs;
  if (cpu_interval > 0 && !cpu_too_soon) {
    std::uint64_t used = now.cpu_ticks >= cpu_base.cpu_ticks ? now.cpu_ticks - cpu_base.cpu_ticks : 0;
    double seconds_used = double(used) / double(ticks_per_second);
    s.figures.cpu_percent = float(seconds_used * 1e11 / double(cpu_interval));  // 100 * used / interval
    s.figures.cpu_interval_ms = to_ms(cpu_interval);
    s.last.cpu_at_ns = now.cpu_at_ns;
    s.last.cpu_ticks = now.cpu_ticks;
  } else if (!same) {
    s.last.cpu_at_ns = now.cpu_at_ns;  // a new process seen for the first time at its start instant
    s.last.cpu_ticks = now.cpu_ticks;
  }

  if (now.ctxt_at_ns == 0) return;
  bool have_ctxt = same && s.last.ctxt_at_ns > 0;
  const Reading& ctxt_base = have_ctxt ? s.last : start;
  std::int64_t ctxt_interval = now.ctxt_at_ns - ctxt_base.ctxt_at_ns;
  if (ctxt_interval <= 0 || (!periodic && have_ctxt && ctxt_interval < kMinOneShotIntervalNs)) {
    if (!have_ctxt) {
      s.last.ctxt_at_ns = now.ctxt_at_ns;
      s.last.voluntary = now.voluntary;
      s.last.nonvoluntary = now.nonvoluntary;
    }
    return;
  }
  s.figures.voluntary_per_s = per_second(ctxt_base.voluntary, now.voluntary, ctxt_interval);
  s.figures.nonvoluntary_per_s = per_second(ctxt_base.nonvoluntary, now.nonvoluntary, ctxt_interval);
  s.figures.ctxt_interval_ms = to_ms(ctxt_interval);
  s.last.ctxt_at_ns = now.ctxt_at_ns;
  s.last.voluntary = now.voluntary;
  s.last.nonvoluntary = now.nonvoluntary;
}

}  // namespace tend
