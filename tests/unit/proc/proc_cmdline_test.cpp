#include "proc/proc_cmdline.h"

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>

#include "proc/proc_files.h"

namespace tend {
namespace {

using namespace std::string_literals;

TEST(ProcCmdlineTest, SplitsAtNuls) {
  EXPECT_EQ(split_nul("a\0b c\0"s), (std::vector<std::string>{"a", "b c"}));
  EXPECT_EQ(split_nul("a\0\0b\0"s), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split_nul("nginx: master process"), (std::vector<std::string>{"nginx: master process"}));
  EXPECT_TRUE(split_nul("").empty());
}

TEST(ProcCmdlineTest, DisplaysArgvOrBracketedComm) {
  EXPECT_EQ(display_command({"/bin/sleep", "10"}, "sleep"), "/bin/sleep 10");
  EXPECT_EQ(display_command({}, "kthreadd"), "[kthreadd]");
}

TEST(ProcCmdlineTest, ReadsItsOwnCommandEnvironmentExeAndCwd) {
  auto argv = read_proc_cmdline(::getpid());
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  ASSERT_FALSE(argv->empty());
  EXPECT_NE(argv->front().find("tend_unit_tests"), std::string::npos);
  auto env = read_proc_environ(::getpid());
  ASSERT_TRUE(env.ok()) << env.error().message;
  for (const auto& entry : *env) EXPECT_NE(entry.find('='), std::string::npos) << entry;
  char exe[PATH_MAX] = {};
  ASSERT_GT(::readlink("/proc/self/exe", exe, sizeof exe - 1), 0);
  EXPECT_EQ(read_proc_exe(::getpid()).value(), exe);
  char cwd[PATH_MAX] = {};
  ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
  EXPECT_EQ(read_proc_cwd(::getpid()).value(), cwd);
  EXPECT_EQ(read_display_command(::getpid()).value().substr(0, argv->front().size()), argv->front());
}

TEST(ProcCmdlineTest, AZombieHasOnlyItsComm) {
  pid_t child = ::fork();
  if (child == 0) {
    ::prctl(PR_SET_NAME, "dead (x)", 0, 0, 0);
    ::_exit(0);
  }
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, id_t(child), &info, WEXITED | WNOWAIT), 0);  // a zombie now, not reaped
  auto argv = read_proc_cmdline(child);
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_TRUE(argv->empty());
  EXPECT_EQ(read_display_command(child).value(), "[dead (x)]");
  EXPECT_EQ(read_proc_environ(child).error().code, kProcNoAddressSpace);
  EXPECT_EQ(read_proc_exe(child).error().code, kProcNoAddressSpace);
  EXPECT_EQ(read_proc_cwd(child).error().code, kProcNoAddressSpace);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  EXPECT_EQ(read_proc_cmdline(child).error().code, kProcVanished);
  EXPECT_EQ(read_display_command(child).error().code, kProcVanished);
  EXPECT_EQ(read_proc_exe(child).error().code, kProcVanished);
}

}  // namespace
}  // namespace tend
