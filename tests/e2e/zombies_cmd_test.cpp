// `tend zombies`: every zombie on the system with the parent that fails to reap it, read from /proc without
// a daemon.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <sstream>

#include "harness.h"

namespace tend::e2e {
namespace {

using ZombiesCmdTest = TendTest;

// The test process becomes the subreaper of what it starts, so that the helper's zombies come to it (and not
// to PID 1, which may reap late or never) when the helper dies.
struct SubreaperScope {
  SubreaperScope() { prctl(PR_SET_CHILD_SUBREAPER, 1); }
  ~SubreaperScope() { prctl(PR_SET_CHILD_SUBREAPER, 0); }
};

std::vector<pid_t> parse_ready(const std::string& line) {
  std::istringstream in(line.substr(line.find("ready") + 5));
  std::vector<pid_t> pids;
  for (pid_t pid; in >> pid;) pids.push_back(pid);
  return pids;
}

std::optional<Json> find_pid(const Json& zombies, pid_t pid) {
  for (const auto& z : zombies)
    if (z["pid"] == pid) return z;
  return std::nullopt;
}

TEST_F(ZombiesCmdTest, ListsTheZombiesOfAParentThatNeverReaps) {
  SubreaperScope subreaper;
  Spawned maker = spawn_process({helper_path("t_zombie_maker"), "3"}, env());
  ASSERT_GT(maker.pid, 0);
  track_pid(maker.pid);
  std::string out;
  ASSERT_TRUE(read_stdout_until(maker, out, "\n", Ms(5000))) << out;
  std::vector<pid_t> children = parse_ready(out);
  ASSERT_EQ(children.size(), 3u) << out;
  auto all_zombies = [&] {
    for (pid_t child : children)
      if (!proc_stat(child) || proc_stat(child)->state != 'Z') return false;
    return true;
  };
  ASSERT_TRUE(wait_until(all_zombies, Ms(5000)));

  RunResult listed = tend({"zombies", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.describe();
  Json zombies = Json::parse(listed.out);
  ASSERT_TRUE(zombies.is_array());
  for (pid_t child : children) {
    auto z = find_pid(zombies, child);
    ASSERT_TRUE(z) << child << " not in " << listed.out;
    EXPECT_EQ((*z)["ppid"], maker.pid);
    EXPECT_EQ((*z)["name"], "t_zombie_maker");
    EXPECT_NE((*z)["parent_command"].get<std::string>().find("t_zombie_maker"), std::string::npos) << *z;
    if (!(*z)["zombie_for_ms"].is_null()) {  // null only where the kernel has no /proc/PID/sched
      EXPECT_GE((*z)["zombie_for_ms"].get<long long>(), 0);
      EXPECT_LT((*z)["zombie_for_ms"].get<long long>(), 60'000);
    }
  }

  RunResult table = tend({"zombies"});
  ASSERT_EQ(table.exit_code, 0) << table.describe();
  EXPECT_EQ(table.out.rfind("     PID     PPID ZOMBIE FOR  NAME", 0), 0u) << table.out;
  EXPECT_NE(table.out.find(std::to_string(children[0])), std::string::npos) << table.out;

  // The parent dies; its zombies are re-parented to us (the subreaper) and reaped here.
  ASSERT_EQ(kill(maker.pid, SIGKILL), 0);
  ASSERT_TRUE(finish_process(maker, Ms(5000)).term_signal == SIGKILL);
  for (pid_t child : children) EXPECT_EQ(waitpid(child, nullptr, 0), child);
  RunResult after = tend({"zombies", "--json"});
  ASSERT_EQ(after.exit_code, 0) << after.describe();
  Json remaining = Json::parse(after.out);
  for (pid_t child : children) EXPECT_FALSE(find_pid(remaining, child)) << child << " still listed";
}

TEST_F(ZombiesCmdTest, NeedsNoDaemon) {
  ASSERT_EQ(tend({"zombies"}).exit_code, 0);
  EXPECT_EQ(daemon_pid(), 0) << "zombies must not start a daemon";
}

}  // namespace
}  // namespace tend::e2e
