#include "proc/proc_io.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "proc_fixtures.h"

namespace tend {
namespace {

using proc_testing::fixture;

TEST(ProcIoTest, ParsesEveryCounter) {
  auto io = parse_proc_io(fixture("cat.io"));
  ASSERT_TRUE(io.ok()) << io.error().message;
  EXPECT_EQ(io->rchar, 6976u);
  EXPECT_EQ(io->wchar, 0u);
  EXPECT_EQ(io->syscr, 10u);
  EXPECT_EQ(io->read_bytes, 0u);
  EXPECT_EQ(io->write_bytes, 0u);
  auto kthreadd = parse_proc_io(fixture("kthreadd.io"));
  ASSERT_TRUE(kthreadd.ok());
  EXPECT_EQ(kthreadd->rchar, 0u);
}

TEST(ProcIoTest, RejectsTruncatedText) {
  auto io = parse_proc_io(fixture("truncated.io"));
  ASSERT_FALSE(io.ok());
  EXPECT_EQ(io.error().message, "unable to parse /proc/PID/io: no valid syscw line");
  EXPECT_FALSE(parse_proc_io("rchar: -1\n").ok());
}

TEST(ProcIoTest, CountsItsOwnReads) {
  auto before = read_proc_io(::getpid());
  ASSERT_TRUE(before.ok()) << before.error().message;
  auto after = read_proc_io(::getpid());
  ASSERT_TRUE(after.ok());
  EXPECT_GT(after->rchar, before->rchar);  // reading the file is itself a read
  EXPECT_GT(after->syscr, before->syscr);
}

}  // namespace
}  // namespace tend
