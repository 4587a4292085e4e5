#include "proc/zombies.h"

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "proc_fixtures.h"

namespace tend {
namespace {

using proc_testing::fixture;

TEST(FindZombiesTest, OnlyAWholeExitedProcessIsAnUnreapedZombie) {
  EXPECT_TRUE(is_unreaped_zombie(*parse_proc_stat(fixture("zombie_odd.stat"))));
  EXPECT_TRUE(is_unreaped_zombie(*parse_proc_stat(fixture("zombie.stat"))));
  EXPECT_FALSE(is_unreaped_zombie(*parse_proc_stat(fixture("exited_leader.stat"))));
  EXPECT_FALSE(is_unreaped_zombie(*parse_proc_stat(fixture("cat.stat"))));
  EXPECT_FALSE(is_unreaped_zombie(*parse_proc_stat(fixture("kthreadd.stat"))));
}

TEST(FindZombiesTest, FindsOurUnreapedChildWithUsAsTheParent) {
  pid_t child = ::fork();
  if (child == 0) {
    ::prctl(PR_SET_NAME, "z) (y", 0, 0, 0);
    ::_exit(0);
  }
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, id_t(child), &info, WEXITED | WNOWAIT), 0);  // a zombie now, not reaped
  auto zombies = find_zombies();
  ::waitpid(child, nullptr, 0);
  ASSERT_TRUE(zombies.ok()) << zombies.error().message;
  auto it = std::find_if(zombies->begin(), zombies->end(), [&](const Zombie& z) { return z.pid == child; });
  ASSERT_NE(it, zombies->end());
  EXPECT_EQ(it->name, "z) (y");
  EXPECT_EQ(it->ppid, ::getpid());
  EXPECT_NE(it->parent_command.find("tend_unit_tests"), std::string::npos) << it->parent_command;
  if (it->zombie_for) {
    EXPECT_LT(it->zombie_for->count(), 10'000);
  }
  auto after = find_zombies();
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(std::none_of(after->begin(), after->end(), [&](const Zombie& z) { return z.pid == child; }));
}

}  // namespace
}  // namespace tend
