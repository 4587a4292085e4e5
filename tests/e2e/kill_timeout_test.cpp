// Stop is a list of steps: stop signal to the group, wait kill-timeout, SIGKILL, wait until gone.
#include <signal.h>

#include "harness.h"

namespace tend::e2e {
namespace {

using KillTimeoutTest = TendTest;

TEST_F(KillTimeoutTest, IgnoredTermIsKilledAfterKillTimeout) {
  ASSERT_EQ(start("stubborn", "t_ignore_term", {}, {"--kill-timeout", "500ms"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("stubborn", 0, "ignoring", Ms(5000)));
  pid_t pid = pid_of("stubborn");
  ASSERT_GT(pid, 0);
  RunResult r = tend({"stop", "stubborn"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "stopped stubborn:0 (SIGKILL)\n");
  EXPECT_GE(r.elapsed.count(), 500) << "SIGKILL must wait for the kill timeout";
  EXPECT_TRUE(pid_gone(pid)) << "stop returns when the process is gone (and reaped)";
  auto inst = find_instance("stubborn");
  ASSERT_TRUE(inst);
  EXPECT_EQ((*inst)["state"], "stopped");
  EXPECT_EQ((*inst)["exit_signal"], "SIGKILL") << inst->dump();
}

TEST_F(KillTimeoutTest, StopSignalOptionIsUsed) {
  ASSERT_EQ(start("hup", "t_sigreport", {}, {"--stop-signal", "HUP", "--kill-timeout", "300ms"}).exit_code,
            0);
  ASSERT_TRUE(wait_log_contains("hup", 0, "ready", Ms(5000)));
  pid_t pid = pid_of("hup");
  RunResult r = tend({"stop", "hup"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(wait_log_contains("hup", 0, "got SIGHUP 1", Ms(2000))) << log_text("hup");
  EXPECT_EQ(r.out, "stopped hup:0 (SIGKILL)\n");
  EXPECT_GE(r.elapsed.count(), 300);
  EXPECT_TRUE(pid_gone(pid));
}

TEST_F(KillTimeoutTest, ProgramThatHonoursTermStopsWithoutWaitingForTheTimeout) {
  ASSERT_EQ(start("quick", "t_sleep", {}, {"--kill-timeout", "8s"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"quick"}, "running"));
  pid_t pid = pid_of("quick");
  RunResult r = tend({"stop", "quick"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "stopped quick:0 (SIGTERM)\n");
  EXPECT_LT(r.elapsed.count(), 6000) << "nothing to wait for once the process is gone";
  EXPECT_TRUE(pid_gone(pid));
}

TEST_F(KillTimeoutTest, DeleteAndRestartHonourTheKillTimeoutToo) {
  ASSERT_EQ(start("st", "t_ignore_term", {}, {"--kill-timeout", "300ms", "--instances", "2"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("st", 0, "ignoring", Ms(5000)));
  ASSERT_TRUE(wait_log_contains("st", 1, "ignoring", Ms(5000)));
  pid_t p0 = pid_of("st", 0), p1 = pid_of("st", 1);
  RunResult r = tend({"restart", "st:0"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(pid_gone(p0));
  ASSERT_TRUE(wait_state({"st:0"}, "running"));
  EXPECT_NE(pid_of("st", 0), p0);

  pid_t p0b = pid_of("st", 0);
  ASSERT_TRUE(wait_log_contains("st", 0, "ignoring\n", Ms(5000)));
  r = tend({"delete", "st"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_LT(r.elapsed.count(), 5000) << "both instances are stopped in parallel";
  EXPECT_TRUE(pid_gone(p0b));
  EXPECT_TRUE(pid_gone(p1));
}

TEST_F(KillTimeoutTest, BulkStopRunsInParallel) {
  ASSERT_EQ(start("many", "t_ignore_term", {}, {"--kill-timeout", "1s", "--instances", "4"}).exit_code, 0);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(wait_log_contains("many", i, "ignoring", Ms(5000)));
  RunResult r = tend({"stop", "all"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_GE(r.elapsed.count(), 1000);
  EXPECT_LT(r.elapsed.count(), 3500) << "4 × 1 s kill timeouts run in parallel, not one after another";
  for (int i = 0; i < 4; ++i)
    EXPECT_NE(r.out.find("stopped many:" + std::to_string(i) + " (SIGKILL)"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace tend::e2e
