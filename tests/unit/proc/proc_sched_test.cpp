#include "proc/proc_sched.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "proc_fixtures.h"

namespace tend {
namespace {

using proc_testing::fixture;

TEST(ProcSchedTest, ParsesExecStartToTheNanosecond) {
  auto sched = parse_proc_sched(fixture("zombie.sched"));
  ASSERT_TRUE(sched.ok()) << sched.error().message;
  EXPECT_EQ(sched->exec_start_ns, 12311661718162);
  EXPECT_EQ(sched->nr_switches, 1u);
  EXPECT_EQ(sched->nr_voluntary_switches, 1u);
  EXPECT_EQ(sched->nr_involuntary_switches, 0u);
  EXPECT_EQ(sched->policy, 0u);
  EXPECT_EQ(sched->prio, 120);
  auto cat = parse_proc_sched(fixture("cat.sched"));
  ASSERT_TRUE(cat.ok());
  EXPECT_EQ(cat->exec_start_ns, 12308662567578);
}

TEST(ProcSchedTest, SkipsTheNameLineWhateverItHolds) {
  auto sched = parse_proc_sched("se.exec_start: 1.0 (7, #threads: 1)\n----\nse.exec_start  :  5.000001\n");
  ASSERT_TRUE(sched.ok()) << sched.error().message;
  EXPECT_EQ(sched->exec_start_ns, 5'000'001);
}

TEST(ProcSchedTest, ParsesMillisecondsWithSixDigits) {
  EXPECT_EQ(parse_sched_ms("0.000000"), 0);
  EXPECT_EQ(parse_sched_ms("12.000345"), 12'000'345);
  EXPECT_EQ(parse_sched_ms("7"), 7'000'000);
  EXPECT_FALSE(parse_sched_ms("1.5").has_value());
  EXPECT_FALSE(parse_sched_ms("-1.000000").has_value());
  EXPECT_FALSE(parse_sched_ms("99999999999999999999.000000").has_value());
}

TEST(ProcSchedTest, RejectsTextWithoutExecStart) {
  EXPECT_EQ(parse_proc_sched("").error().code, EINVAL);
  EXPECT_EQ(parse_proc_sched("x (1, #threads: 1)\n---\nnr_switches : 3\n").error().code, EINVAL);
}

TEST(ProcSchedTest, ReadsItsOwnWhereTheKernelHasIt) {
  auto sched = read_proc_sched(::getpid());
  if (!sched.ok() && sched.error().code == ENOENT) GTEST_SKIP() << "kernel without /proc/PID/sched";
  ASSERT_TRUE(sched.ok()) << sched.error().message;
  EXPECT_GT(sched->exec_start_ns, 0);
}

}  // namespace
}  // namespace tend
