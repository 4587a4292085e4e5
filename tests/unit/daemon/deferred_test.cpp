// Deferred on a real sd-event loop: runs once per iteration however often it is asked for, and with a
// minimum interval, runs at once after a quiet spell but no sooner than the interval after the last run.
#include "daemon/deferred.h"

#include <gtest/gtest.h>

#include <vector>

namespace tend {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

class DeferredTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sd_event_new(&loop_), 0); }
  void TearDown() override { sd_event_unref(loop_); }

  std::uint64_t now() {
    std::uint64_t t = 0;
    sd_event_now(loop_, CLOCK_MONOTONIC, &t);
    return t;
  }
  /// Runs loop iterations until `runs_` reaches n or 5 s pass (a generous deadline: the loop sleeps until
  /// the timer is due, it does not spin).
  bool run_until(std::size_t n) {
    std::uint64_t deadline = now() + 5'000'000;
    while (runs_.size() < n && now() < deadline) sd_event_run(loop_, 100'000);
    return runs_.size() >= n;
  }
  void record() { runs_.push_back(now()); }

  sd_event* loop_ = nullptr;
  std::vector<std::uint64_t> runs_;
};

TEST_F(DeferredTest, RequestsBeforeTheEndOfAnIterationCoalesceIntoOneRun) {
  Deferred work(loop_, 0, [this] { record(); });
  work.schedule();
  work.schedule();
  work.schedule();
  EXPECT_TRUE(runs_.empty());  // not while asked for: at the end of the iteration
  sd_event_run(loop_, 0);
  EXPECT_EQ(runs_.size(), 1u);
  sd_event_run(loop_, 0);
  EXPECT_EQ(runs_.size(), 1u);
}

TEST_F(DeferredTest, WithoutAnIntervalEveryIterationMayRunIt) {
  Deferred work(loop_, 0, [this] { record(); });
  for (std::size_t i = 1; i <= 3; ++i) {
    work.schedule();
    sd_event_run(loop_, 0);
    EXPECT_EQ(runs_.size(), i);
  }
}

TEST_F(DeferredTest, AMinimumIntervalSpacesRunsAndCoalescesWhatCameMeanwhile) {
  constexpr std::uint64_t kInterval = 30'000;  // µs
  Deferred work(loop_, 0, [this] { record(); }, microseconds(kInterval));
  work.schedule();  // never ran: at once
  sd_event_run(loop_, 0);
  ASSERT_EQ(runs_.size(), 1u);
  for (int i = 0; i < 5; ++i) work.schedule();  // too soon: one run, when the interval is over
  sd_event_run(loop_, 0);
  EXPECT_EQ(runs_.size(), 1u);
  ASSERT_TRUE(run_until(2));
  EXPECT_GE(runs_[1] - runs_[0], kInterval);
  ASSERT_TRUE(run_until(2));
  sd_event_run(loop_, 50'000);  // nothing more was asked for: nothing more runs
  EXPECT_EQ(runs_.size(), 2u);
}

TEST_F(DeferredTest, AfterAQuietSpellLongerThanTheIntervalItRunsAtOnce) {
  constexpr std::uint64_t kInterval = 10'000;
  Deferred work(loop_, 0, [this] { record(); }, microseconds(kInterval));
  work.schedule();
  sd_event_run(loop_, 0);
  ASSERT_EQ(runs_.size(), 1u);
  // Let the interval pass on a timer of the test's own (the loop sleeps; nothing polls).
  sd_event_source* quiet = nullptr;
  auto nothing = [](sd_event_source*, std::uint64_t, void*) { return 0; };  // (a null callback would exit)
  ASSERT_GE(sd_event_add_time_relative(loop_, &quiet, CLOCK_MONOTONIC, 2 * kInterval, 1, nothing, nullptr), 0);
  while (now() < runs_[0] + 2 * kInterval) sd_event_run(loop_, 100'000);
  sd_event_source_unref(quiet);
  work.schedule();
  sd_event_run(loop_, 0);
  EXPECT_EQ(runs_.size(), 2u);
}

TEST_F(DeferredTest, DestroyingItCancelsAPendingRun) {
  {
    Deferred work(loop_, 0, [this] { record(); }, milliseconds(20));
    work.schedule();
    sd_event_run(loop_, 0);
    work.schedule();  // armed on the timer
  }
  sd_event_run(loop_, 50'000);
  EXPECT_EQ(runs_.size(), 1u);
}

}  // namespace
}  // namespace tend
