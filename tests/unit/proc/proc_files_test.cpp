#include "proc/proc_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace tend {
namespace {

TEST(ProcFilesTest, TellsVanishedFromMissingFromNoAddressSpace) {
  // "/" stands for a task directory that still exists, the other for one that is gone.
  EXPECT_EQ(proc_error("/", "environ", ESRCH).code, kProcNoAddressSpace);
  EXPECT_EQ(proc_error("/", "sched", ENOENT).code, ENOENT);
  EXPECT_EQ(proc_error("/nonexistent/tend", "stat", ENOENT).code, kProcVanished);
  EXPECT_EQ(proc_error("/nonexistent/tend", "stat", ESRCH).code, kProcVanished);
  EXPECT_EQ(proc_error("/nonexistent/tend", "io", EACCES).code, EACCES);
  EXPECT_EQ(proc_error("/nonexistent/tend", "stat", ENOENT).message,
            "unable to read /nonexistent/tend/stat: process vanished");
  EXPECT_EQ(proc_error("/", "io", EACCES).message, "unable to read //io: Permission denied");
}

TEST(ProcFilesTest, ReadsTextAndLinks) {
  EXPECT_EQ(proc_dir(42), "/proc/42");
  EXPECT_EQ(proc_task_dir(42, 43), "/proc/42/task/43");
  auto comm = read_proc_text(proc_dir(::getpid()), "comm");
  ASSERT_TRUE(comm.ok()) << comm.error().message;
  EXPECT_FALSE(comm->empty());
  EXPECT_EQ(read_proc_text(proc_dir(::getpid()), "no-such-file").error().code, ENOENT);
  auto exe = read_proc_link(proc_dir(::getpid()), "exe");
  ASSERT_TRUE(exe.ok()) << exe.error().message;
  EXPECT_EQ(exe->front(), '/');
}

}  // namespace
}  // namespace tend
