#include "proc/proc_syscall.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace tend {
namespace {

TEST(ProcSyscallTest, ParsesTheThreeForms) {
  auto running = parse_proc_syscall("running\n");
  ASSERT_TRUE(running);
  EXPECT_TRUE(running->running);
  auto in_call = parse_proc_syscall("270 0xfb 0x7ffc92e2a9b0 0x0 0x0 0x7ffc92e2a8c0 0x7ffc92e2a8d0 0x7ffc92e2a890 0x7f5e0535eaec\n");
  ASSERT_TRUE(in_call) << in_call.error().message;
  EXPECT_EQ(in_call->number, 270);
  EXPECT_EQ(in_call->stack_pointer, 0x7ffc92e2a890u);
  EXPECT_EQ(in_call->program_counter, 0x7f5e0535eaecu);
  auto outside = parse_proc_syscall("-1 0x7ffd1000 0x401000\n");
  ASSERT_TRUE(outside);
  EXPECT_FALSE(outside->number);
  EXPECT_EQ(outside->program_counter, 0x401000u);
}

TEST(ProcSyscallTest, RejectsMalformedText) {
  EXPECT_FALSE(parse_proc_syscall(""));
  EXPECT_FALSE(parse_proc_syscall("270 0x1 0x2"));      // a call needs its six arguments
  EXPECT_FALSE(parse_proc_syscall("-1 0x1 0x2 0x3"));
  EXPECT_FALSE(parse_proc_syscall("-1 12 0x2"));        // not hex
  EXPECT_FALSE(parse_proc_syscall("x 0x1 0x2"));
}

TEST(ProcSyscallTest, ReadsItsOwn) {
  auto own = read_proc_syscall(::getpid());
  if (!own && own.error().code == EACCES) GTEST_SKIP() << "not permitted here: " << own.error().message;
  ASSERT_TRUE(own) << own.error().message;
  EXPECT_TRUE(own->running || own->number);  // reading it is a system call of our own
}

}  // namespace
}  // namespace tend
