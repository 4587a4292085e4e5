#include "proc/zombie_age.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>

#include "proc/proc_sched.h"

namespace tend {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

bool have_sched() {
  return read_proc_sched(::getpid()).ok();
}

TEST(ZombieAgeTest, IsTheDifferenceOfTheTwoStampsClampedAtZero) {
  EXPECT_EQ(zombie_age(1'000'000'000, 3'500'999'999), milliseconds(2500));
  EXPECT_EQ(zombie_age(5'000'000, 4'000'000), milliseconds(0));
}

TEST(ZombieAgeTest, ReadsTheClockOfACpuWeMayUseAndRestoresAffinity) {
  if (!have_sched()) GTEST_SKIP() << "kernel without /proc/PID/sched";
  cpu_set_t before;
  ASSERT_EQ(::sched_getaffinity(0, sizeof before, &before), 0);
  int cpu = ::sched_getcpu();
  auto first = read_cpu_task_clock_ns(cpu);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = read_cpu_task_clock_ns(cpu);
  ASSERT_TRUE(second.ok());
  EXPECT_GT(*second, *first);  // the same CPU's clock moves forward
  cpu_set_t after;
  ASSERT_EQ(::sched_getaffinity(0, sizeof after, &after), 0);
  EXPECT_TRUE(CPU_EQUAL(&before, &after));
  EXPECT_EQ(read_cpu_task_clock_ns(-1).error().code, EINVAL);
  EXPECT_EQ(read_cpu_task_clock_ns(CPU_SETSIZE - 1).error().code, EINVAL);
}

// Against CLOCK_MONOTONIC: the child is a zombie somewhere between `exiting` (before fork) and `dead`
// (waitid with WNOWAIT returned), so its age lies within [now - dead, now - exiting], less the steal time
// the task clock leaves out (a few ms per second at worst on a busy VM).
TEST(ZombieAgeTest, MatchesTheMonotonicClock) {
  if (!have_sched()) GTEST_SKIP() << "kernel without /proc/PID/sched";
  auto exiting = Clock::now();
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, id_t(child), &info, WEXITED | WNOWAIT), 0);
  auto dead = Clock::now();
  // The zombie's age is what is measured here, so it has to grow for a known while: a sleep, not a wait.
  struct timespec pause = {0, 200'000'000};
  ::nanosleep(&pause, nullptr);
  auto stat = read_proc_stat(child);
  ASSERT_TRUE(stat.ok());
  ZombieAgeMeter meter;
  auto age = meter.age_of(*stat);
  auto now = Clock::now();
  ::waitpid(child, nullptr, 0);
  ASSERT_TRUE(age.has_value());
  auto at_least = std::chrono::duration_cast<milliseconds>(now - dead);
  auto at_most = std::chrono::duration_cast<milliseconds>(now - exiting);
  EXPECT_LE(age->count(), at_most.count() + 1);
  EXPECT_GE(age->count(), at_least.count() * 9 / 10 - 5);
}

TEST(ZombieAgeTest, UnknownForAProcessThatIsNoLongerAZombie) {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, id_t(child), &info, WEXITED | WNOWAIT), 0);
  auto stat = read_proc_stat(child);
  ASSERT_TRUE(stat.ok());
  ::waitpid(child, nullptr, 0);
  ZombieAgeMeter meter;
  EXPECT_FALSE(meter.age_of(*stat).has_value());
  ProcStat self = *read_proc_stat(::getpid());
  EXPECT_FALSE(meter.age_of(self).has_value()) << "not a zombie";
}

}  // namespace
}  // namespace tend
