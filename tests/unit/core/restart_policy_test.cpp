#include "core/restart_policy.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

using Action = RestartDecision::Action;
using namespace std::chrono_literals;

class RestartPolicyTest : public ::testing::Test {
 protected:
  RestartPolicy policy_;
  RestartHistory history_;
  MonoTime now_{};  // fake monotonic time, advanced by hand

  RestartDecision crash_after(Millis run) {
    now_ += run;
    return decide_restart(ExitInfo{1, 0}, run, history_, policy_, now_);
  }
};

TEST_F(RestartPolicyTest, UnstableExitsBackOffExponentiallyUpToMax) {
  policy_.backoff_min = 100ms;
  policy_.backoff_max = 1000ms;
  policy_.max_restarts = 100;
  std::vector<long> delays;
  for (int i = 0; i < 6; ++i) delays.push_back(crash_after(10ms).delay.count());
  EXPECT_EQ(delays, (std::vector<long>{100, 200, 400, 800, 1000, 1000}));
}

TEST_F(RestartPolicyTest, StableRunRestartsImmediatelyAndResetsDelay) {
  crash_after(10ms);
  crash_after(10ms);
  EXPECT_EQ(crash_after(10ms).delay, 400ms);
  auto stable = crash_after(5s);
  EXPECT_EQ(stable.action, Action::restart);
  EXPECT_EQ(stable.delay, 0ms);
  EXPECT_FALSE(stable.unstable);
  EXPECT_EQ(crash_after(10ms).delay, 100ms);
}

TEST_F(RestartPolicyTest, GivesUpAfterMaxRestartsInsideWindow) {
  policy_.max_restarts = 3;
  EXPECT_EQ(crash_after(10ms).action, Action::restart);
  EXPECT_EQ(crash_after(10ms).action, Action::restart);
  EXPECT_EQ(crash_after(10ms).action, Action::restart);
  EXPECT_EQ(crash_after(10ms).action, Action::give_up);
}

TEST_F(RestartPolicyTest, WindowSlidesSoOldUnstableExitsAreForgotten) {
  policy_.max_restarts = 2;
  policy_.restart_window = 60s;
  policy_.min_uptime = 1s;
  EXPECT_EQ(crash_after(10ms).action, Action::restart);
  now_ += 50s;
  EXPECT_EQ(crash_after(10ms).action, Action::restart);
  now_ += 20s;  // the first exit is now 70s old: outside the window
  EXPECT_EQ(crash_after(10ms).action, Action::restart);
  EXPECT_EQ(crash_after(10ms).action, Action::give_up);
}

TEST_F(RestartPolicyTest, NeverStaysDown) {
  policy_.mode = RestartMode::never;
  EXPECT_EQ(crash_after(5s).action, Action::stay_down);
}

TEST_F(RestartPolicyTest, OnFailureRestartsOnlyFailures) {
  policy_.mode = RestartMode::on_failure;
  now_ += 5s;
  EXPECT_EQ(decide_restart(ExitInfo{0, 0}, 5s, history_, policy_, now_).action, Action::stay_down);
  EXPECT_EQ(decide_restart(ExitInfo{-1, 9}, 5s, history_, policy_, now_).action, Action::restart);
  EXPECT_EQ(decide_restart(ExitInfo{3, 0}, 5s, history_, policy_, now_).action, Action::restart);
}

TEST_F(RestartPolicyTest, ZeroBackoffRestartsWithoutDelay) {
  policy_.backoff_min = 0ms;
  policy_.backoff_max = 0ms;
  EXPECT_EQ(crash_after(1ms).delay, 0ms);
  EXPECT_EQ(crash_after(1ms).delay, 0ms);
}

}  // namespace
}  // namespace tend
