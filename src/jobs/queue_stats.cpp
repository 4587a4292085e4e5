#include "jobs/queue_stats.h"

#include <algorithm>
#include <numeric>

namespace tend::jobs {

Summary summarize(std::vector<std::int64_t> values) {
  Summary s;
  s.count = values.size();
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  s.mean = double(std::accumulate(values.begin(), values.end(), std::int64_t(0))) / double(values.size());
  // Nearest rank: the smallest value with at least 95% of the values at or below it.
  size_t rank = (values.size() * 95 + 99) / 100;
  s.p95 = values[std::max<size_t>(rank, 1) - 1];
  return s;
}

QueueStats queue_stats(const QueueConfig& config, const std::vector<const Job*>& jobs, MonoTime now,
                       std::int64_t now_wall_ms, std::optional<Millis> window) {
  QueueStats st;
  st.config = config;
  std::vector<std::int64_t> wait, response, turnaround, run;
  std::int64_t first_submit = 0, last_end = 0, total_run = 0;
  for (const Job* job : jobs) {
    ++st.states[static_cast<size_t>(job->state)];
    if (!job->end_ms || !job->start_ms) continue;
    if (window && *job->end_ms < now_wall_ms - window->count()) continue;
    if (st.measured == 0 || job->submit_ms < first_submit) first_submit = job->submit_ms;
    last_end = std::max(last_end, *job->end_ms);
    ++st.measured;
    wait.push_back(job->wait_ms(now, now_wall_ms));
    response.push_back(*job->response_ms());
    turnaround.push_back(*job->turnaround_ms());
    run.push_back(job->run.count());
    total_run += job->run.count();
  }
  if (st.measured > 0) {
    st.span_ms = std::max<std::int64_t>(1, last_end - first_submit);
    st.throughput = double(st.measured) * 1000.0 / double(st.span_ms);
    st.utilisation = std::min(1.0, double(total_run) / (double(config.slots) * double(st.span_ms)));
  }
  st.wait = summarize(std::move(wait));
  st.response = summarize(std::move(response));
  st.turnaround = summarize(std::move(turnaround));
  st.run = summarize(std::move(run));
  return st;
}

}  // namespace tend::jobs
