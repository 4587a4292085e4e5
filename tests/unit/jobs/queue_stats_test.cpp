#include "jobs/queue_stats.h"

#include <gtest/gtest.h>

namespace tend::jobs {
namespace {

Job ended(JobId id, std::int64_t submit, std::int64_t start, std::int64_t end, std::int64_t run_ms) {
  Job j;
  j.id = id;
  j.state = JobState::done;
  j.submit_ms = submit;
  j.start_ms = start;
  j.end_ms = end;
  j.run = Millis(run_ms);
  return j;
}

TEST(QueueStats, SummaryMeanAndNearestRankP95) {
  std::vector<std::int64_t> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  auto s = summarize(v);
  EXPECT_EQ(s.count, 100u);
  EXPECT_DOUBLE_EQ(s.mean, 50.5);
  EXPECT_EQ(s.p95, 95);
  EXPECT_EQ(summarize({7}).p95, 7);
  EXPECT_EQ(summarize({}).count, 0u);
  EXPECT_EQ(summarize({1, 2, 3}).p95, 3);
}

TEST(QueueStats, TextbookFcfsExample) {
  // Three jobs submitted together at t=0 on one slot, bursts 24, 3, 3 (the classic convoy).
  QueueConfig c;
  c.slots = 1;
  Job a = ended(1, 0, 0, 24, 24), b = ended(2, 0, 24, 27, 3), d = ended(3, 0, 27, 30, 3);
  Job queued;
  queued.id = 4;
  auto st = queue_stats(c, {&a, &b, &d, &queued}, MonoTime{}, 30, std::nullopt);
  EXPECT_EQ(st.measured, 3u);
  EXPECT_DOUBLE_EQ(st.wait.mean, 17.0);        // (0 + 24 + 27) / 3
  EXPECT_DOUBLE_EQ(st.response.mean, 17.0);
  EXPECT_DOUBLE_EQ(st.turnaround.mean, 27.0);  // (24 + 27 + 30) / 3
  EXPECT_EQ(st.span_ms, 30);
  EXPECT_DOUBLE_EQ(st.throughput, 100.0);      // 3 jobs in 30 ms
  EXPECT_DOUBLE_EQ(st.utilisation, 1.0);
  EXPECT_EQ(st.states[size_t(JobState::done)], 3);
  EXPECT_EQ(st.states[size_t(JobState::queued)], 1);
}

TEST(QueueStats, WindowKeepsRecentEndsOnly) {
  QueueConfig c;
  c.slots = 2;
  Job old = ended(1, 0, 0, 1000, 1000), recent = ended(2, 9000, 9000, 9500, 500);
  auto st = queue_stats(c, {&old, &recent}, MonoTime{}, 10'000, Millis(2000));
  EXPECT_EQ(st.measured, 1u);
  EXPECT_DOUBLE_EQ(st.utilisation, 0.5);  // 500 ms of running over 2 slots × 500 ms
}

}  // namespace
}  // namespace tend::jobs
