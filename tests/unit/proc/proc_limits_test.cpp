#include "proc/proc_limits.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

#include "proc_fixtures.h"

namespace tend {
namespace {

using proc_testing::fixture;

const ProcLimit* find(const std::vector<ProcLimit>& limits, const std::string& name) {
  auto it = std::find_if(limits.begin(), limits.end(), [&](const ProcLimit& l) { return l.name == name; });
  return it == limits.end() ? nullptr : &*it;
}

TEST(ProcLimitsTest, ParsesEveryRowOfACapturedTable) {
  auto limits = parse_proc_limits(fixture("cat.limits"));
  ASSERT_TRUE(limits.ok()) << limits.error().message;
  EXPECT_EQ(limits->size(), 16u);
  const ProcLimit* files = find(*limits, "Max open files");
  ASSERT_NE(files, nullptr);
  EXPECT_EQ(files->soft, 20000u);
  EXPECT_EQ(files->hard, 20000u);
  EXPECT_EQ(files->units, "files");
  const ProcLimit* stack = find(*limits, "Max stack size");
  ASSERT_NE(stack, nullptr);
  EXPECT_EQ(stack->soft, 8388608u);
  EXPECT_FALSE(stack->hard.has_value());  // unlimited
  const ProcLimit* nice = find(*limits, "Max nice priority");
  ASSERT_NE(nice, nullptr);
  EXPECT_EQ(nice->units, "");
}

TEST(ProcLimitsTest, UnlimitedIsNullopt) {
  auto limits = parse_proc_limits(fixture("custom.limits"));
  ASSERT_TRUE(limits.ok()) << limits.error().message;
  ASSERT_EQ(limits->size(), 4u);
  EXPECT_EQ((*limits)[0].name, "Max cpu time");
  EXPECT_EQ((*limits)[0].soft, 60u);
  EXPECT_FALSE((*limits)[0].hard.has_value());
  EXPECT_EQ((*limits)[0].units, "seconds");
  EXPECT_EQ((*limits)[1].hard, 524288u);
  EXPECT_FALSE((*limits)[3].soft.has_value());
  EXPECT_EQ((*limits)[3].units, "us");
}

TEST(ProcLimitsTest, RejectsMalformedTables) {
  EXPECT_EQ(parse_proc_limits(fixture("bad.limits")).error().code, EINVAL);
  EXPECT_EQ(parse_proc_limits("").error().message, "unable to parse /proc/PID/limits: no header");
  std::string header_only = fixture("custom.limits");
  header_only.resize(header_only.find('\n') + 1);
  EXPECT_EQ(parse_proc_limits(header_only).error().message, "unable to parse /proc/PID/limits: no rows");
}

TEST(ProcLimitsTest, AgreesWithGetrlimit) {
  auto limits = read_proc_limits(::getpid());
  ASSERT_TRUE(limits.ok()) << limits.error().message;
  rlimit nofile{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &nofile), 0);
  const ProcLimit* files = find(*limits, "Max open files");
  ASSERT_NE(files, nullptr);
  EXPECT_EQ(files->soft.value_or(RLIM_INFINITY), nofile.rlim_cur);
  EXPECT_EQ(files->hard.value_or(RLIM_INFINITY), nofile.rlim_max);
}

}  // namespace
}  // namespace tend
