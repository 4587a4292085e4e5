// kill -9 of the daemon: the children live on, a new daemon adopts them from state.json and never starts a
// second copy of an instance that is still alive.
#include <signal.h>

#include "harness.h"

namespace tend::e2e {
namespace {

using RecoveryTest = TendTest;
using FallbackRecoveryTest = TendNoCgroupTest;

// SIGKILLs the daemon by the pid in tend.pid and waits until it is dead.
void kill_daemon_hard(pid_t daemon) {
  ASSERT_GT(daemon, 0);
  ASSERT_EQ(kill(daemon, SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return !pid_alive(daemon); }, Ms(5000)));
}

TEST_F(RecoveryTest, NewDaemonAdoptsLiveInstancesWithoutDuplicates) {
  std::string ma = marker("a"), mb = marker("b"), mc = marker("c");
  ASSERT_EQ(start("a", "t_sleep", {ma}).exit_code, 0);
  ASSERT_EQ(start("b", "t_sleep", {mb}, {"--instances", "2"}).exit_code, 0);
  ASSERT_EQ(start("c", "t_sleep", {mc}).exit_code, 0);
  ASSERT_TRUE(wait_state({"a", "b", "c"}, "running"));
  ASSERT_EQ(tend({"stop", "c"}).exit_code, 0);
  pid_t a = pid_of("a"), b0 = pid_of("b", 0), b1 = pid_of("b", 1);
  pid_t old_daemon = daemon_pid();

  ASSERT_NO_FATAL_FAILURE(kill_daemon_hard(old_daemon));
  EXPECT_TRUE(pid_alive(a)) << "children must outlive a daemon crash (no PDEATHSIG)";
  EXPECT_TRUE(pid_alive(b0));
  EXPECT_TRUE(pid_alive(b1));

  Json list = ls_json();  // auto-starts a new daemon
  pid_t new_daemon = daemon_pid();
  EXPECT_NE(new_daemon, old_daemon);
  EXPECT_TRUE(pid_alive(new_daemon));
  ASSERT_TRUE(wait_state({"a", "b"}, "running", Ms(5000)));
  EXPECT_EQ(pid_of("a"), a) << list.dump();
  EXPECT_EQ(pid_of("b", 0), b0);
  EXPECT_EQ(pid_of("b", 1), b1);
  EXPECT_EQ(pids_with_arg(ma).size(), 1u) << "a second copy of a was started";
  EXPECT_EQ(pids_with_arg(mb).size(), 2u) << "a second copy of b was started";
  EXPECT_TRUE(pids_with_arg(mc).empty()) << "c was stopped before the crash and must stay stopped";
  auto c = find_instance("c");
  ASSERT_TRUE(c) << "c's definition survives";
  EXPECT_EQ((*c)["state"], "stopped");

  // The new daemon can stop what it adopted, as fast as its own children.
  RunResult r = tend({"stop", "a"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_LT(r.elapsed.count(), 5000)
      << "t_sleep dies on SIGTERM at once; no need to wait for the kill timeout";
  EXPECT_FALSE(pid_alive(a));
  EXPECT_TRUE(pids_with_arg(ma).empty());
}

TEST_F(RecoveryTest, InstanceThatDiedWhileNoDaemonRanIsRestarted) {
  std::string ma = marker("a");
  ASSERT_EQ(start("a", "t_sleep", {ma}).exit_code, 0);
  ASSERT_TRUE(wait_state({"a"}, "running"));
  pid_t a = pid_of("a");
  ASSERT_NO_FATAL_FAILURE(kill_daemon_hard(daemon_pid()));
  ASSERT_EQ(kill(a, SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return !pid_alive(a); }, Ms(5000)));

  ASSERT_EQ(tend({"ls"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"a"}, "running", Ms(5000)));
  pid_t a2 = pid_of("a");
  EXPECT_NE(a2, a);
  EXPECT_TRUE(pid_alive(a2));
  EXPECT_EQ(pids_with_arg(ma).size(), 1u);
}

TEST_F(RecoveryTest, DefinitionsSurviveAndStateJsonIsValid) {
  ASSERT_EQ(start("keep", "t_sleep", {}, {"--kill-timeout", "700ms", "--instances", "2", "--env", "E2E_X=1"})
                .exit_code,
            0);
  ASSERT_TRUE(wait_state({"keep"}, "running"));
  std::string state = read_file(home_ + "/state.json");
  ASSERT_FALSE(state.empty());
  EXPECT_TRUE(Json::accept(state)) << state;
  EXPECT_NE(state.find("keep"), std::string::npos);
  ASSERT_NO_FATAL_FAILURE(kill_daemon_hard(daemon_pid()));
  ASSERT_EQ(tend({"ls"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"keep"}, "running", Ms(5000)));
  EXPECT_TRUE(find_instance("keep", 1));
  EXPECT_FALSE(find_instance("keep", 2));
}

TEST_F(FallbackRecoveryTest, AdoptsWithoutCgroupsToo) {
  std::string ma = marker("a");
  ASSERT_EQ(start("a", "t_sleep", {ma}, {"--kill-timeout", "2s"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"a"}, "running"));
  pid_t a = pid_of("a");
  ASSERT_NO_FATAL_FAILURE(kill_daemon_hard(daemon_pid()));
  ASSERT_TRUE(pid_alive(a));
  ASSERT_EQ(tend({"ls"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"a"}, "running", Ms(5000)));
  EXPECT_EQ(pid_of("a"), a);
  EXPECT_EQ(pids_with_arg(ma).size(), 1u);
  RunResult r = tend({"stop", "a"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_LT(r.elapsed.count(), 2000)
      << "t_sleep dies on SIGTERM at once; stop must not wait for the kill timeout";
  EXPECT_FALSE(pid_alive(a));
}

}  // namespace
}  // namespace tend::e2e
