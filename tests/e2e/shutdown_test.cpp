// `tend shutdown` and SIGTERM stop everything and end the daemon with status 0; SIGHUP is ignored for now.
#include <signal.h>

#include "harness.h"

namespace tend::e2e {
namespace {

using ShutdownTest = TendTest;

TEST_F(ShutdownTest, ShutdownStopsEverythingAndKeepsDefinitions) {
  std::string file = home_ + "/port";
  ASSERT_EQ(start("a", "t_sleep").exit_code, 0);
  ASSERT_EQ(start("b", "t_sleep", {}, {"--instances", "2"}).exit_code, 0);
  ASSERT_EQ(start("stubborn", "t_ignore_term", {}, {"--kill-timeout", "500ms"}).exit_code, 0);
  ASSERT_EQ(start("tree", "t_group_port", {file}, {"--kill-timeout", "300ms"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"a", "b", "stubborn", "tree"}, "running"));
  ASSERT_TRUE(wait_log_contains("stubborn", 0, "ignoring", Ms(5000)));
  ASSERT_TRUE(wait_until([&] { return file_exists(file); }, Ms(5000)));
  std::vector<pid_t> pids;
  for (const auto& i : ls_json()) pids.push_back(i["pid"].get<pid_t>());
  ASSERT_EQ(pids.size(), 5u);
  pid_t tree = pid_of("tree");
  pid_t daemon = daemon_pid();

  RunResult r = tend({"shutdown"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_GE(r.elapsed.count(), 500) << "the kill timeout is honoured";
  EXPECT_LT(r.elapsed.count(), 4000) << "programs are stopped in parallel";
  for (pid_t pid : pids) EXPECT_FALSE(pid_alive(pid)) << "pid " << pid << " survived shutdown";
  EXPECT_FALSE(group_alive(tree));
  EXPECT_TRUE(wait_until([&] { return !pid_alive(daemon); }, Ms(5000))) << "the daemon exits";

  std::string state = read_file(home_ + "/state.json");
  Json parsed;
  ASSERT_NO_THROW(parsed = Json::parse(state)) << state;
  for (auto name : {"\"a\"", "\"b\"", "\"stubborn\"", "\"tree\""})
    EXPECT_NE(state.find(name), std::string::npos) << name << " missing from state.json:\n" << state;

  // A new daemon still knows the programs.
  Json list = ls_json();
  EXPECT_EQ(list.size(), 5u) << list.dump();
}

TEST_F(ShutdownTest, SigtermActsLikeShutdown) {
  ASSERT_EQ(start("a", "t_sleep", {}, {"--instances", "2"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"a"}, "running"));
  pid_t a0 = pid_of("a", 0), a1 = pid_of("a", 1);
  pid_t daemon = daemon_pid();
  ASSERT_EQ(kill(daemon, SIGTERM), 0);
  EXPECT_TRUE(wait_until([&] { return !pid_alive(daemon); }, Ms(10000)));
  EXPECT_FALSE(pid_alive(a0));
  EXPECT_FALSE(pid_alive(a1));
  EXPECT_NE(read_file(home_ + "/state.json").find("\"a\""), std::string::npos);
}

TEST_F(ShutdownTest, SighupIsIgnored) {
  ASSERT_EQ(start("a", "t_sleep").exit_code, 0);
  ASSERT_TRUE(wait_state({"a"}, "running"));
  pid_t a = pid_of("a");
  pid_t daemon = daemon_pid();
  ASSERT_EQ(kill(daemon, SIGHUP), 0);
  RunResult r = tend({"ls"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(daemon_pid(), daemon);
  EXPECT_TRUE(pid_alive(daemon));
  EXPECT_EQ(pid_of("a"), a);
  EXPECT_TRUE(pid_alive(a));
}

TEST_F(ShutdownTest, ShutdownWithNothingRunning) {
  ASSERT_EQ(tend({"ls"}).exit_code, 0);
  pid_t daemon = daemon_pid();
  RunResult r = tend({"shutdown"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(wait_until([&] { return !pid_alive(daemon); }, Ms(5000)));
}

TEST_F(ShutdownTest, ClientRightAfterShutdownGetsAFreshDaemon) {
  ASSERT_EQ(start("a", "t_sleep", {}, {"--restart", "never"}).exit_code, 0);
  for (int round = 0; round < 5; ++round) {
    RunResult down = tend({"shutdown"});
    ASSERT_EQ(down.exit_code, 0) << "round " << round << ": " << down.describe();
    RunResult up = tend({"start", "a"});
    EXPECT_EQ(up.exit_code, 0) << "round " << round << ": " << up.describe();
    auto inst = find_instance("a");
    ASSERT_TRUE(inst) << "round " << round;
    EXPECT_TRUE(pid_alive(daemon_pid())) << "round " << round;
  }
}

}  // namespace
}  // namespace tend::e2e
