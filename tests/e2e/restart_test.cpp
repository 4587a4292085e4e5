// Restart policy end to end: crash loop → backoff → failed, the doubling delays, the cap, the sliding window,
// the immediate restart after a stable run, and stop cancelling a pending restart. Timing assertions are
// lower bounds (or upper bounds with a wide margin against a much larger wrong value): the machine is noisy.
#include "harness.h"

namespace tend::e2e {
namespace {

using RestartTest = TendTest;

// Start times (ms, CLOCK_MONOTONIC) that t_crash_stamp appended to `file`.
std::vector<double> start_times_ms(const std::string& file) {
  std::vector<double> out;
  for (const auto& line : split_lines(read_file(file))) out.push_back(std::atoll(line.c_str()) / 1000.0);
  return out;
}

std::vector<double> gaps(const std::vector<double>& t) {
  std::vector<double> out;
  for (size_t i = 1; i < t.size(); ++i) out.push_back(t[i] - t[i - 1]);
  return out;
}

TEST_F(RestartTest, CrashLoopBacksOffThenFails) {
  std::string stamps = home_ + "/stamps";
  long long t0 = monotonic_us();
  RunResult r = start("crash", "t_crash_stamp", {stamps, "1"},
                      {"--min-uptime", "1s", "--backoff-min", "100ms", "--max-restarts", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(wait_state({"crash"}, "failed", Ms(15000)));
  double total_ms = (monotonic_us() - t0) / 1000.0;

  auto inst = find_instance("crash");
  ASSERT_TRUE(inst);
  EXPECT_EQ((*inst)["restarts"], 3) << inst->dump();
  EXPECT_EQ((*inst)["exit_code"], 1) << inst->dump();
  EXPECT_TRUE((*inst)["pid"].is_null()) << inst->dump();
  EXPECT_TRUE((*inst)["reason"].is_string()) << "a failed instance says why: " << inst->dump();

  auto t = start_times_ms(stamps);
  ASSERT_EQ(t.size(), 4u) << "1 start + 3 restarts, then more than max-restarts unstable exits → failed";
  auto g = gaps(t);
  const double delays[] = {100, 200, 400};
  for (size_t i = 0; i < g.size(); ++i)
    EXPECT_GE(g[i], delays[i] * 0.9) << "gap " << i << " should be the doubled backoff delay";
  EXPECT_LT(total_ms, 10000) << "100+200+400 ms of backoff should not take this long";

  // failed is final: no restart comes later (watched for longer than the next delay, 800 ms, would be).
  EXPECT_FALSE(wait_until([&] { return start_times_ms(stamps).size() > 4; }, Ms(1000), Ms(50)));
}

TEST_F(RestartTest, BackoffIsCappedAtBackoffMax) {
  std::string stamps = home_ + "/stamps";
  ASSERT_EQ(
      start("cap", "t_crash_stamp", {stamps, "1"},
            {"--min-uptime", "1s", "--backoff-min", "100ms", "--backoff-max", "100ms", "--max-restarts", "5"})
          .exit_code,
      0);
  ASSERT_TRUE(wait_state({"cap"}, "failed", Ms(15000)));
  auto t = start_times_ms(stamps);
  ASSERT_EQ(t.size(), 6u);
  auto g = gaps(t);
  for (double gap : g) EXPECT_GE(gap, 90);
  // Uncapped, the last delay would be 1600 ms.
  EXPECT_LT(g.back(), 1200) << "the delay must stop growing at --backoff-max";
}

TEST_F(RestartTest, WindowSlides) {
  // Exits ~300 ms apart, a 200 ms window and max-restarts 1: a sliding window never holds more than one
  // unstable exit, so the program keeps being restarted. A count since creation would give up after the
  // second exit.
  std::string stamps = home_ + "/stamps";
  ASSERT_EQ(start("slide", "t_crash_stamp", {stamps, "1", "300"},
                  {"--min-uptime", "5s", "--max-restarts", "1", "--restart-window", "200ms", "--backoff-min",
                   "10ms", "--backoff-max", "10ms"})
                .exit_code,
            0);
  ASSERT_TRUE(wait_until([&] { return start_times_ms(stamps).size() >= 5; }, Ms(15000)))
      << "starts: " << start_times_ms(stamps).size() << " " << ls_json().dump();
  auto inst = find_instance("slide");
  ASSERT_TRUE(inst);
  EXPECT_NE((*inst)["state"], "failed") << inst->dump();
  EXPECT_GE((*inst)["restarts"].get<int>(), 4) << inst->dump();
}

TEST_F(RestartTest, RestartAfterStableRunIsImmediate) {
  // Each run lasts 300 ms, past min-uptime 100 ms: stable, so the restart must not wait the 3 s backoff-min.
  std::string stamps = home_ + "/stamps";
  ASSERT_EQ(start("stable", "t_crash_stamp", {stamps, "1", "300"},
                  {"--min-uptime", "100ms", "--backoff-min", "3s", "--max-restarts", "1"})
                .exit_code,
            0);
  ASSERT_TRUE(wait_until([&] { return start_times_ms(stamps).size() >= 3; }, Ms(8000)))
      << "starts: " << start_times_ms(stamps).size() << " " << ls_json().dump();
  for (double gap : gaps(start_times_ms(stamps))) {
    EXPECT_GE(gap, 270);
    EXPECT_LT(gap, 2500) << "a restart after a stable run is immediate, not delayed by backoff-min 3s";
  }
  auto inst = find_instance("stable");
  ASSERT_TRUE(inst);
  EXPECT_NE((*inst)["state"], "failed") << "stable exits do not count toward max-restarts: " << inst->dump();
}

TEST_F(RestartTest, BackoffStateIsVisibleAndStopCancelsThePendingRestart) {
  std::string stamps = home_ + "/stamps";
  ASSERT_EQ(start("pending", "t_crash_stamp", {stamps, "1"}, {"--min-uptime", "1s", "--backoff-min", "1s"})
                .exit_code,
            0);
  ASSERT_TRUE(poll_state("pending", 0, "backoff", Ms(5000))) << ls_json().dump();
  RunResult r = tend({"stop", "pending"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(wait_state({"pending"}, "stopped", Ms(2000)));
  // Watch for longer than the pending 1 s delay: no restart may happen.
  EXPECT_FALSE(wait_until([&] { return start_times_ms(stamps).size() > 1; }, Ms(1500), Ms(50)));
  EXPECT_EQ((*find_instance("pending"))["state"], "stopped");
}

TEST_F(RestartTest, AlwaysRestartsCleanExitsToo) {
  std::string stamps = home_ + "/stamps";
  ASSERT_EQ(start("zero", "t_crash_stamp", {stamps, "0"}, {"--backoff-min", "10ms", "--max-restarts", "2"})
                .exit_code,
            0);
  ASSERT_TRUE(wait_state({"zero"}, "failed", Ms(10000)));
  EXPECT_EQ(start_times_ms(stamps).size(), 3u);
  EXPECT_EQ((*find_instance("zero"))["restarts"], 2);
}

TEST_F(RestartTest, NeverMeansExited) {
  std::string stamps = home_ + "/stamps";
  ASSERT_EQ(start("once", "t_crash_stamp", {stamps, "1"}, {"--restart", "never"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"once"}, "exited"));
  auto inst = find_instance("once");
  ASSERT_TRUE(inst);
  EXPECT_EQ((*inst)["restarts"], 0);
  EXPECT_EQ((*inst)["exit_code"], 1);
  EXPECT_EQ(start_times_ms(stamps).size(), 1u);
}

TEST_F(RestartTest, StartOfAFailedProgramTriesAgain) {
  std::string stamps = home_ + "/stamps";
  ASSERT_EQ(start("again", "t_crash_stamp", {stamps, "1"}, {"--backoff-min", "10ms", "--max-restarts", "0"})
                .exit_code,
            0);
  ASSERT_TRUE(wait_state({"again"}, "failed", Ms(5000)));
  ASSERT_EQ(start_times_ms(stamps).size(), 1u)
      << "max-restarts 0: the first unstable exit is already too many";
  RunResult r = tend({"start", "again"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(wait_state({"again"}, "failed", Ms(5000)));
  EXPECT_EQ(start_times_ms(stamps).size(), 2u);
}

}  // namespace
}  // namespace tend::e2e
