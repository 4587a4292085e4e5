#include "proc/proc_scan.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "proc_fixtures.h"

namespace tend {
namespace {

namespace fs = std::filesystem;
using proc_testing::fixture;

TEST(ProcScanTest, FindsItselfAndItsParent) {
  auto procs = scan_processes();
  ASSERT_TRUE(procs.ok()) << procs.error().message;
  ASSERT_TRUE(std::is_sorted(procs->begin(), procs->end(), [](auto& a, auto& b) { return a.pid < b.pid; }));
  auto self = std::find_if(procs->begin(), procs->end(), [](const ProcStat& p) { return p.pid == ::getpid(); });
  ASSERT_NE(self, procs->end());
  EXPECT_EQ(self->ppid, ::getppid());
  EXPECT_GT(self->starttime_ticks, 0u);
}

// A made-up /proc: a process, one that vanished after the listing (its directory has no stat any more),
// one whose stat is garbage, and non-numeric entries.
TEST(ProcScanTest, SkipsVanishedAndUnreadableEntries) {
  fs::path root = fs::temp_directory_path() / ("tend-scan-test-" + std::to_string(::getpid()));
  fs::create_directories(root / "5221");
  fs::create_directories(root / "4242");
  fs::create_directories(root / "777");
  fs::create_directories(root / "9999");
  fs::create_directories(root / "self");
  std::ofstream(root / "5221" / "stat") << fixture("cat.stat");
  std::ofstream(root / "4242" / "stat") << fixture("odd_name.stat");
  std::ofstream(root / "777" / "stat") << "garbage";
  std::ofstream(root / "self" / "stat") << fixture("cat.stat");
  std::ofstream(root / "uptime") << "1.0 1.0";
  auto procs = scan_processes(root.string());
  fs::remove_all(root);
  ASSERT_TRUE(procs.ok()) << procs.error().message;
  ASSERT_EQ(procs->size(), 2u);
  EXPECT_EQ((*procs)[0].pid, 4242);
  EXPECT_EQ((*procs)[0].comm, "(a b) c)");
  EXPECT_EQ((*procs)[1].pid, 5221);
  EXPECT_EQ((*procs)[1].ppid, 5218);
}

TEST(ProcScanTest, FailsWhenTheRootCannotBeListed) {
  auto procs = scan_processes("/nonexistent/tend/proc");
  ASSERT_FALSE(procs.ok());
  EXPECT_EQ(procs.error().code, ENOENT);
}

}  // namespace
}  // namespace tend
