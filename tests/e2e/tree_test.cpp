// `tend tree`: instances with all their descendants, as pstree -p draws them, zombies and orphans marked.
#include <sstream>

#include "harness.h"

namespace tend::e2e {
namespace {

using TreeTest = TendTest;

std::vector<pid_t> ready_pids(const std::string& log) {
  std::vector<pid_t> pids;
  auto at = log.find("ready");
  if (at == std::string::npos) return pids;
  std::istringstream in(log.substr(at + 5, log.find('\n', at) - at - 5));
  for (pid_t pid; in >> pid;) pids.push_back(pid);
  return pids;
}

TEST_F(TreeTest, ShowsGrandchildren) {
  ASSERT_EQ(start("family", "t_tree").exit_code, 0);
  ASSERT_TRUE(wait_log_contains("family", 0, "ready", Ms(10000)));
  auto pids = ready_pids(log_text("family"));
  ASSERT_EQ(pids.size(), 2u) << log_text("family");
  pid_t main = pid_of("family");
  RunResult r = tend({"tree", "--ascii"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  std::string expected = "t_tree(" + std::to_string(main) + ")---t_tree(" + std::to_string(pids[0]) + ")---t_tree(" +
                         std::to_string(pids[1]) + ")\n";
  EXPECT_NE(r.out.find("family:0 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(expected), std::string::npos) << "expected " << expected << " in\n" << r.out;
}

TEST_F(TreeTest, MarksZombiesAndThreads) {
  ASSERT_EQ(start("maker", "t_zombie_maker", {"2"}).exit_code, 0);
  ASSERT_EQ(start("threads", "t_threads", {"2"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("maker", 0, "ready", Ms(10000)));
  ASSERT_TRUE(wait_log_contains("threads", 0, "ready", Ms(10000)));
  auto zombies = ready_pids(log_text("maker"));
  ASSERT_EQ(zombies.size(), 2u);
  ASSERT_TRUE(wait_until([&] { return zombies_of(pid_of("maker")).size() == 2; }, Ms(5000)));
  RunResult r = tend({"tree", "maker", "threads", "--ascii"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  for (pid_t z : zombies)
    EXPECT_NE(r.out.find("t_zombie_maker(" + std::to_string(z) + ") [zombie]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("{worker-0}("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("{worker-1}("), std::string::npos) << r.out;
  RunResult bare = tend({"tree", "threads", "--ascii", "--no-threads"});
  EXPECT_EQ(bare.out.find("{worker-0}"), std::string::npos) << bare.out;
}

TEST_F(TreeTest, OrphansReparentedToTheDaemonNameTheirProgram) {
  ASSERT_EQ(start("parent", "t_tree", {"orphan"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("parent", 0, "ready", Ms(10000)));
  auto pids = ready_pids(log_text("parent"));
  ASSERT_EQ(pids.size(), 3u) << log_text("parent");
  pid_t orphan = pids[2];
  ASSERT_TRUE(wait_until([&] { return proc_stat(orphan) && proc_stat(orphan)->ppid == daemon_pid(); }, Ms(5000)));
  RunResult r = tend({"tree", "--ascii"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("re-parented to tend (pid " + std::to_string(daemon_pid()) + "):"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("t_tree(" + std::to_string(orphan) + ") [orphan of parent:0]"), std::string::npos) << r.out;
  // Named programs show only their own orphans.
  ASSERT_EQ(start("other", "t_sleep").exit_code, 0);
  RunResult other = tend({"tree", "other", "--ascii"});
  EXPECT_EQ(other.out.find("orphan"), std::string::npos) << other.out;
  // When it goes, its origin is in the event and the log.
  ASSERT_EQ(tend({"stop", "parent"}).exit_code, 0);
  ASSERT_TRUE(wait_until([&] { return pid_gone(orphan); }, Ms(5000)));
  RunResult events = tend({"events", "parent:0", "--kind", "orphan", "--json"});
  EXPECT_NE(events.out.find("\"pid\":" + std::to_string(orphan)), std::string::npos) << events.describe();
}

TEST_F(TreeTest, AnInstanceWithoutAProcessSaysSo) {
  ASSERT_EQ(start("idle", "t_sleep").exit_code, 0);
  ASSERT_EQ(tend({"stop", "idle"}).exit_code, 0);
  RunResult r = tend({"tree", "idle"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "idle:0 stopped (no process)\n");
  EXPECT_EQ(tend({"tree", "nosuch"}).exit_code, 1);
}

}  // namespace
}  // namespace tend::e2e
