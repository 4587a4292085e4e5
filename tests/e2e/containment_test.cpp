// Stop means the whole tree: with cgroups even a setsid'd grandchild holding a port; in the process-group
// fallback, the whole process group.
#include <cstdio>
#include <sstream>

#include "harness.h"

namespace tend::e2e {
namespace {

using ContainmentTest = TendTest;
using FallbackContainmentTest = TendNoCgroupTest;

struct Published {
  int port = 0;
  pid_t pid = 0;
};

// Waits for a helper's "PORT PID" file.
std::optional<Published> wait_published(const std::string& file) {
  if (!wait_until([&] { return file_exists(file); }, Ms(5000))) return std::nullopt;
  std::istringstream in(read_file(file));
  Published p;
  in >> p.port >> p.pid;
  if (p.port <= 0 || p.pid <= 0) return std::nullopt;
  return p;
}

TEST_F(ContainmentTest, VersionVerboseNamesTheContainment) {
  std::string v = verbose_version();
  EXPECT_TRUE(v.find("containment: cgroup v2 (") != std::string::npos ||
              v.find("containment: process groups (") != std::string::npos)
      << v;
}

TEST_F(ContainmentTest, CgroupStopKillsSetsidGrandchildAndFreesItsPort) {
  if (!cgroup_mode()) GTEST_SKIP() << "daemon is not using cgroups: " << verbose_version();
  std::string file = home_ + "/port";
  ASSERT_EQ(start("gc", "t_grandchild_port", {file}, {"--kill-timeout", "500ms"}).exit_code, 0);
  auto pub = wait_published(file);
  ASSERT_TRUE(pub) << log_text("gc", 0, "err");
  track_pid(pub->pid);
  auto inst = find_instance("gc");
  ASSERT_TRUE(inst);
  pid_t pid = (*inst)["pid"].get<pid_t>();
  ASSERT_TRUE((*inst)["cgroup"].is_string()) << inst->dump();
  std::string cgroup = (*inst)["cgroup"];
  std::string leaf = cgroup.substr(cgroup.rfind('/') + 1);
  EXPECT_NE(read_file("/proc/" + std::to_string(pub->pid) + "/cgroup").find(leaf), std::string::npos)
      << "the grandchild is in the instance's cgroup " << cgroup;
  ASSERT_NE(proc_stat(pub->pid)->pgid, pid) << "the grandchild left the instance's process group";
  ASSERT_FALSE(port_is_free(pub->port));

  RunResult r = tend({"stop", "gc"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(pid_alive(pub->pid)) << "the setsid'd grandchild survived stop";
  EXPECT_TRUE(port_is_free(pub->port)) << "port " << pub->port << " still accepts connections after stop";
  EXPECT_TRUE(pid_gone(pid));
  EXPECT_TRUE(wait_until([&] { return pid_gone(pub->pid); }, Ms(5000))) << "the daemon reaps the grandchild";
}

TEST_F(ContainmentTest, CgroupKillsTermIgnoringRunawayAfterKillTimeout) {
  if (!cgroup_mode()) GTEST_SKIP() << "daemon is not using cgroups: " << verbose_version();
  std::string file = home_ + "/port";
  ASSERT_EQ(start("gc", "t_grandchild_port", {file, "--ignore-term"}, {"--kill-timeout", "400ms"}).exit_code,
            0);
  auto pub = wait_published(file);
  ASSERT_TRUE(pub);
  track_pid(pub->pid);
  RunResult r = tend({"stop", "gc"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_GE(r.elapsed.count(), 400);
  EXPECT_FALSE(pid_alive(pub->pid));
  EXPECT_TRUE(port_is_free(pub->port));
}

TEST_F(ContainmentTest, CgroupDeleteAndRestartAlsoReachTheGrandchild) {
  if (!cgroup_mode()) GTEST_SKIP() << "daemon is not using cgroups: " << verbose_version();
  std::string file = home_ + "/port";
  ASSERT_EQ(start("gc", "t_grandchild_port", {file}, {"--kill-timeout", "300ms"}).exit_code, 0);
  auto first = wait_published(file);
  ASSERT_TRUE(first);
  track_pid(first->pid);
  std::remove(file.c_str());
  RunResult r = tend({"restart", "gc"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(pid_alive(first->pid));
  EXPECT_TRUE(port_is_free(first->port));
  auto second = wait_published(file);
  ASSERT_TRUE(second);
  track_pid(second->pid);
  r = tend({"delete", "gc"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(pid_alive(second->pid));
  EXPECT_TRUE(port_is_free(second->port));
}

TEST_F(FallbackContainmentTest, VersionSaysProcessGroups) {
  std::string v = verbose_version();
  EXPECT_NE(v.find("containment: process groups ("), std::string::npos) << v;
  ASSERT_EQ(start("pg", "t_sleep").exit_code, 0);
  ASSERT_TRUE(wait_state({"pg"}, "running"));
  auto inst = find_instance("pg");
  ASSERT_TRUE(inst);
  EXPECT_TRUE((*inst)["cgroup"].is_null()) << inst->dump();
  EXPECT_NE(read_file(home_ + "/tend.log").find("process group"), std::string::npos)
      << "the fallback is said once in tend.log:\n"
      << read_file(home_ + "/tend.log");
}

TEST_F(FallbackContainmentTest, StopKillsTheWholeProcessGroup) {
  std::string file = home_ + "/port";
  ASSERT_EQ(start("grp", "t_group_port", {file}, {"--kill-timeout", "500ms"}).exit_code, 0);
  auto pub = wait_published(file);
  ASSERT_TRUE(pub) << log_text("grp", 0, "err");
  track_pid(pub->pid);
  pid_t pid = pid_of("grp");
  ASSERT_GT(pid, 0);
  ASSERT_EQ(proc_stat(pub->pid)->pgid, pid) << "the grandchild stays in the instance's process group";
  ASSERT_FALSE(port_is_free(pub->port));

  RunResult r = tend({"stop", "grp"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(group_alive(pid)) << "a process of the instance's group survived stop";
  EXPECT_FALSE(pid_alive(pub->pid));
  EXPECT_TRUE(port_is_free(pub->port));
  EXPECT_TRUE(pid_gone(pid));
  EXPECT_TRUE(wait_until([&] { return pid_gone(pub->pid); }, Ms(5000)))
      << "the subreaper reaps the grandchild";
}

TEST_F(FallbackContainmentTest, KillTimeoutWorksWithoutCgroups) {
  ASSERT_EQ(start("stubborn", "t_ignore_term", {}, {"--kill-timeout", "300ms"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("stubborn", 0, "ignoring", Ms(5000)));
  pid_t pid = pid_of("stubborn");
  RunResult r = tend({"stop", "stubborn"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "stopped stubborn:0 (SIGKILL)\n");
  EXPECT_GE(r.elapsed.count(), 300);
  EXPECT_TRUE(pid_gone(pid));
}

}  // namespace
}  // namespace tend::e2e
