// The daemon is a child subreaper and reaps everything re-parented to it: no zombie is left behind.
#include "harness.h"

namespace tend::e2e {
namespace {

using ZombiesTest = TendTest;

// Processes (live or zombie) named `comm` whose parent is `parent`.
std::vector<ProcStat> children_named(pid_t parent, const std::string& comm) {
  std::vector<ProcStat> out;
  for (const auto& p : all_procs())
    if (p.ppid == parent && p.comm == comm) out.push_back(p);
  return out;
}

std::string describe(const std::vector<pid_t>& pids) {
  std::string s;
  for (pid_t p : pids) s += std::to_string(p) + "(" + (proc_stat(p) ? proc_stat(p)->comm : "?") + ") ";
  return s;
}

TEST_F(ZombiesTest, OrphansAreReparentedAndReaped) {
  ASSERT_EQ(start("now", "t_orphans", {"20", "0"}, {"--restart", "never"}).exit_code, 0);
  ASSERT_EQ(start("later", "t_orphans", {"20", "200"}, {"--restart", "never"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"now", "later"}, "exited"));
  pid_t daemon = daemon_pid();
  ASSERT_GT(daemon, 0);
  // The delayed orphans live for 200 ms after their parent is gone; all 40 must end up reaped.
  EXPECT_TRUE(wait_until([&] { return children_named(daemon, "t_orphans").empty(); }, Ms(5000)))
      << children_named(daemon, "t_orphans").size() << " t_orphans children of the daemon remain";
  EXPECT_TRUE(zombies_of(daemon).empty()) << describe(zombies_of(daemon));
  EXPECT_EQ(tend({"ls"}).exit_code, 0) << "still serving after reaping strangers";
  EXPECT_EQ(daemon_pid(), daemon);
}

TEST_F(ZombiesTest, CrashLoopsLeaveNoZombies) {
  ASSERT_EQ(
      start("crash", "t_exit", {"1"},
            {"--instances", "4", "--backoff-min", "10ms", "--backoff-max", "10ms", "--max-restarts", "8"})
          .exit_code,
      0);
  ASSERT_EQ(start("orphaner", "t_orphans", {"10", "50"},
                  {"--backoff-min", "10ms", "--backoff-max", "10ms", "--max-restarts", "5"})
                .exit_code,
            0);
  ASSERT_TRUE(wait_state({"crash", "orphaner"}, "failed", Ms(15000)));
  pid_t daemon = daemon_pid();
  EXPECT_TRUE(wait_until([&] { return children_named(daemon, "t_orphans").empty(); }, Ms(5000)));
  EXPECT_TRUE(wait_until([&] { return zombies_of(daemon).empty(); }, Ms(2000)))
      << describe(zombies_of(daemon));
  for (int i = 0; i < 4; ++i) EXPECT_EQ((*find_instance("crash", i))["restarts"], 8);
}

TEST_F(ZombiesTest, NoZombieAfterStoppingATree) {
  std::string file = home_ + "/port";
  ASSERT_EQ(start("tree", "t_group_port", {file}, {"--kill-timeout", "300ms", "--instances", "3"}).exit_code,
            0);
  ASSERT_TRUE(wait_until([&] { return file_exists(file); }, Ms(5000)));
  ASSERT_TRUE(wait_state({"tree"}, "running"));
  ASSERT_EQ(tend({"stop", "all"}).exit_code, 0);
  pid_t daemon = daemon_pid();
  EXPECT_TRUE(wait_until([&] { return zombies_of(daemon).empty(); }, Ms(2000)))
      << describe(zombies_of(daemon));
}

}  // namespace
}  // namespace tend::e2e
