#include "proc/cgroup.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <cstdlib>

#include "proc/cgroup_paths.h"
#include "proc/pidfd.h"
#include "proc/spawn.h"
#include "proc_test_support.h"
#include "util/files.h"

namespace tend {
namespace {

using namespace proc_testing;

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

int count_subdirs(const std::string& path) {
  int count = 0;
  if (DIR* dir = ::opendir(path.c_str())) {
    while (dirent* entry = ::readdir(dir)) count += entry->d_type == DT_DIR && entry->d_name[0] != '.';
    ::closedir(dir);
  }
  return count;
}

// Waits on cgroup.events (the kernel signals POLLPRI on change) until "populated 0" or the deadline.
bool wait_unpopulated(const Cgroup& cgroup, milliseconds timeout = kDeadline) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  UniqueFd events(::open(cgroup.events_path().c_str(), O_RDONLY | O_CLOEXEC));
  for (;;) {
    char buf[256];
    // Reading through the polled fd re-arms it; populated() alone would open its own.
    ::pread(events.get(), buf, sizeof buf, 0);
    auto populated = cgroup.populated();
    if (populated.ok() && !*populated) return true;
    if (!wait_for(events.get(), POLLPRI, milliseconds(remaining_ms(deadline)))) return false;
  }
}

// Makes the test process a child subreaper for one scope, so that orphaned grandchildren it started are
// reparented to it and can be reaped by pid.
class SubreaperScope {
 public:
  SubreaperScope() { ::prctl(PR_SET_CHILD_SUBREAPER, 1); }
  ~SubreaperScope() { ::prctl(PR_SET_CHILD_SUBREAPER, 0); }
  SubreaperScope(const SubreaperScope&) = delete;
  SubreaperScope& operator=(const SubreaperScope&) = delete;
};

class CgroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_name_ = "tend-test-" + std::to_string(::getpid());
    support_ = detect_cgroups(base_name_);
    if (!support_.available) GTEST_SKIP() << "cgroups unavailable: " << support_.reason;
  }
  // Leaves nothing behind even when a test stopped half-way: kill what it started, then remove.
  void TearDown() override {
    if (!support_.available) return;
    Cgroup instance = this->instance();
    if (auto populated = instance.populated(); populated.ok() && *populated) {
      (void)instance.kill();
      wait_unpopulated(instance);
    }
    (void)Cgroup(instance.path() + "/nested").remove();
    EXPECT_TRUE(instance.remove().ok());
    EXPECT_TRUE(Cgroup(support_.base).remove().ok());
  }

  Cgroup instance() const { return Cgroup(support_.base + "/instance"); }
  /// "0::/<own path>/<base>/instance" as /proc/PID/cgroup shows it for a process in instance().
  std::string instance_line() const {
    std::string own = own_cgroup2_path(*read_file("/proc/self/cgroup")).value_or("?");
    return "0::" + (own == "/" ? "" : own) + "/" + base_name_ + "/instance\n";
  }

  std::string base_name_;
  CgroupSupport support_;
};

TEST_F(CgroupTest, DetectCreatesTheBaseAndRemovesItsProbe) {
  EXPECT_TRUE(is_dir(support_.base));
  EXPECT_EQ(support_.base.substr(support_.base.rfind('/') + 1), base_name_);
  EXPECT_EQ(count_subdirs(support_.base), 0);
  EXPECT_TRUE(support_.reason.empty());
  // A second detection (a restarted daemon) finds the base already there.
  EXPECT_TRUE(detect_cgroups(base_name_).available);
}

TEST_F(CgroupTest, CreatePopulatedAndRemove) {
  Cgroup cgroup = instance();
  auto fd = cgroup.create();
  ASSERT_TRUE(fd.ok()) << fd.error().message;
  EXPECT_TRUE(cgroup.create().ok());  // EEXIST is fine
  auto populated = cgroup.populated();
  ASSERT_TRUE(populated.ok()) << populated.error().message;
  EXPECT_FALSE(*populated);

  Cgroup nested(cgroup.path() + "/nested");
  ASSERT_TRUE(nested.create().ok());
  auto busy = cgroup.remove();
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, EBUSY);
  EXPECT_TRUE(nested.remove().ok());
  EXPECT_TRUE(cgroup.remove().ok());
  EXPECT_TRUE(cgroup.remove().ok());  // ENOENT counts as removed
  EXPECT_FALSE(cgroup.populated().ok());
}

TEST_F(CgroupTest, SpawnIntoCgroupAndKillReachesSetsidGrandchild) {
  SubreaperScope subreaper;
  Cgroup cgroup = instance();
  auto dir_fd = cgroup.create();
  ASSERT_TRUE(dir_fd.ok()) << dir_fd.error().message;
  Pipe out = make_pipe();
  SpawnRequest request;
  request.argv = {helper("tp_setsid_grandchild")};
  request.stdout_fd = request.stderr_fd = out.write.get();
  request.cgroup_fd = dir_fd->get();
  auto child = spawn(request);
  ASSERT_TRUE(child.ok()) << child.error().message;
  out.write.reset();
  auto line = read_line(out.read.get());
  ASSERT_TRUE(line.has_value());
  pid_t grandchild = std::stoi(*line);
  auto grandchild_fd = pidfd_open(grandchild);
  ASSERT_TRUE(grandchild_fd.ok()) << grandchild_fd.error().message;

  for (pid_t pid : {child->pid, grandchild}) {
    auto cgroups = read_file("/proc/" + std::to_string(pid) + "/cgroup");
    ASSERT_TRUE(cgroups.ok());
    EXPECT_NE(cgroups->find(instance_line()), std::string::npos) << *cgroups;
  }
  EXPECT_TRUE(*cgroup.populated());

  ASSERT_TRUE(cgroup.kill().ok());
  int status = wait_exit(*child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  status = wait_exit(grandchild, grandchild_fd->get());
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;

  EXPECT_TRUE(wait_unpopulated(cgroup));
  EXPECT_TRUE(cgroup.remove().ok());
}

TEST(CgroupDetectTest, HonoursTendNoCgroup) {
  ::setenv("TEND_NO_CGROUP", "1", 1);
  CgroupSupport support = detect_cgroups("tend-test-disabled");
  ::unsetenv("TEND_NO_CGROUP");
  EXPECT_FALSE(support.available);
  EXPECT_EQ(support.reason, "disabled by TEND_NO_CGROUP");
  EXPECT_TRUE(support.base.empty());
}

TEST(CgroupPathsTest, FindsCgroup2InHybridAndPureMounts) {
  std::string hybrid =
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
  auto mount = find_cgroup2_mount(hybrid);
  ASSERT_TRUE(mount.has_value());
  EXPECT_EQ(mount->mount_point, "/sys/fs/cgroup/unified");
  EXPECT_EQ(mount->root, "/");

  std::string pure =
      "25 30 0:22 / /sys rw,nosuid shared:7 - sysfs sysfs rw\n"
      "28 25 0:25 / /sys/fs/cgroup rw,nosuid,nodev shared:9 master:2 - cgroup2 cgroup2 rw,nsdelegate\n";
  mount = find_cgroup2_mount(pure);
  ASSERT_TRUE(mount.has_value());
  EXPECT_EQ(mount->mount_point, "/sys/fs/cgroup");

  mount = find_cgroup2_mount("50 1 0:40 /sub /mnt/my\\040cg rw - cgroup2 none rw\n");
  ASSERT_TRUE(mount.has_value());
  EXPECT_EQ(mount->root, "/sub");
  EXPECT_EQ(mount->mount_point, "/mnt/my cg");

  EXPECT_FALSE(find_cgroup2_mount(hybrid.substr(0, hybrid.find("41 31"))).has_value());
}

TEST(CgroupPathsTest, FindsOwnPathAndItsDirectory) {
  EXPECT_EQ(*own_cgroup2_path("1:cpu:/\n0::/system.slice/tend.service\n"), "/system.slice/tend.service");
  EXPECT_EQ(*own_cgroup2_path("0::/\n"), "/");
  EXPECT_FALSE(own_cgroup2_path("4:memory:/x\n").has_value());

  Cgroup2Mount root_mount{"/", "/sys/fs/cgroup"};
  EXPECT_EQ(*cgroup_directory(root_mount, "/"), "/sys/fs/cgroup");
  EXPECT_EQ(*cgroup_directory(root_mount, "/a/b"), "/sys/fs/cgroup/a/b");
  Cgroup2Mount sub_mount{"/sub", "/mnt/cg"};
  EXPECT_EQ(*cgroup_directory(sub_mount, "/sub/x"), "/mnt/cg/x");
  EXPECT_EQ(*cgroup_directory(sub_mount, "/sub"), "/mnt/cg");
  EXPECT_FALSE(cgroup_directory(sub_mount, "/subway").has_value());
  EXPECT_FALSE(cgroup_directory(sub_mount, "/other").has_value());
}

}  // namespace
}  // namespace tend
