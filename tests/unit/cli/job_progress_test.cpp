#include "cli/job_progress.h"

#include <gtest/gtest.h>

namespace tend::cli {
namespace {

TEST(JobProgress, BarCountsAndEta) {
  ProgressCounts c{100, 40, 10, 2, 48, 0};
  // 50 of 100 ended in 10 s: the other 50 take about 10 s more.
  EXPECT_EQ(render_progress(c, Millis(10'000), 10),
            "[#####.....] 50/100  done 40  failed 10  running 2  queued 48  ETA 10s");
  ProgressCounts none{4, 0, 0, 1, 3, 0};
  EXPECT_EQ(render_progress(none, Millis(500), 4), "[....] 0/4  done 0  failed 0  running 1  queued 3  ETA -");
  ProgressCounts all{2, 2, 0, 0, 0, 0};
  EXPECT_EQ(render_progress(all, Millis(500), 4), "[####] 2/2  done 2  failed 0  running 0  queued 0  ETA 0s");
  ProgressCounts slow{10, 1, 0, 1, 7, 1};
  EXPECT_EQ(render_progress(slow, Millis(60'000), 10),
            "[#.........] 1/10  done 1  failed 0  running 1  suspended 1  queued 7  ETA 9m00s");
}

}  // namespace
}  // namespace tend::cli
