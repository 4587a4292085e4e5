#include "proc/proc_stat.h"

#include <gtest/gtest.h>

#include "proc/spawn.h"
#include "proc_test_support.h"
#include "util/files.h"

namespace tend {
namespace {

using namespace proc_testing;

ProcStat parse_fixture(const std::string& name) {
  auto text = read_file(std::string(TEND_TEST_DATA_DIR) + "/proc/" + name);
  EXPECT_TRUE(text.ok()) << text.error().message;
  if (!text) return {};
  auto stat = parse_proc_stat(*text);
  EXPECT_TRUE(stat.ok()) << stat.error().message;
  return stat ? *stat : ProcStat{};
}

TEST(ProcStatTest, ParsesAnOrdinaryProcess) {
  ProcStat st = parse_fixture("cat.stat");
  EXPECT_EQ(st.pid, 5221);
  EXPECT_EQ(st.comm, "cat");
  EXPECT_EQ(st.state, 'R');
  EXPECT_EQ(st.ppid, 5218);
  EXPECT_EQ(st.pgrp, 5218);
  EXPECT_EQ(st.session, 2819);
  EXPECT_EQ(st.utime_ticks, 7u);
  EXPECT_EQ(st.stime_ticks, 3u);
  EXPECT_EQ(st.priority, 20);
  EXPECT_EQ(st.nice, 0);
  EXPECT_EQ(st.num_threads, 1);
  EXPECT_EQ(st.starttime_ticks, 49978u);
  EXPECT_EQ(st.vsize_bytes, 3133440u);
  EXPECT_EQ(st.rss_pages, 389);
  EXPECT_EQ(st.minflt, 100u);
  EXPECT_EQ(st.majflt, 0u);
  EXPECT_EQ(st.processor, 1);
  EXPECT_EQ(st.rt_priority, 0u);
  EXPECT_EQ(st.policy, 0u);
}

TEST(ProcStatTest, ParsesSchedulingFieldsAndRawNames) {
  ProcStat rt = parse_fixture("realtime.stat");
  EXPECT_EQ(rt.processor, 0);
  EXPECT_EQ(rt.rt_priority, 99u);
  EXPECT_EQ(rt.policy, 1u);
  EXPECT_EQ(sched_policy_name(rt.policy), "fifo");
  EXPECT_EQ(sched_policy_name(0), "other");
  EXPECT_EQ(sched_policy_name(6), "deadline");
  EXPECT_EQ(sched_policy_name(4), "unknown");
  EXPECT_EQ(sched_policy_name(99), "unknown");
  ProcStat nl = parse_fixture("newline_name.stat");
  EXPECT_EQ(nl.comm, "a\nb\tc\\d e");
  EXPECT_EQ(nl.ppid, 17484);
  EXPECT_EQ(nl.processor, 1);
  ProcStat zombie = parse_fixture("zombie_odd.stat");
  EXPECT_EQ(zombie.comm, "a) b (c");
  EXPECT_EQ(zombie.state, 'Z');
  EXPECT_EQ(zombie.num_threads, 1);
  ProcStat kthreadd = parse_fixture("kthreadd.stat");
  EXPECT_EQ(kthreadd.ppid, 0);
  EXPECT_EQ(kthreadd.vsize_bytes, 0u);
}

TEST(ProcStatTest, OlderLayoutWithoutSchedulingFieldsStillParses) {
  auto st = parse_proc_stat("1 (cat) R 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1");
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->processor, -1);
  EXPECT_EQ(st->policy, 0u);
}

TEST(ProcStatTest, CommRunsToTheLastParenthesis) {
  ProcStat st = parse_fixture("odd_name.stat");
  EXPECT_EQ(st.comm, "(a b) c)");
  EXPECT_EQ(st.state, 'S');
  EXPECT_EQ(st.ppid, 1);
  EXPECT_EQ(st.utime_ticks, 12u);
  EXPECT_EQ(st.stime_ticks, 34u);
  EXPECT_EQ(st.priority, 25);
  EXPECT_EQ(st.nice, 5);
  EXPECT_EQ(st.num_threads, 3);
  EXPECT_EQ(st.starttime_ticks, 123456u);
  EXPECT_EQ(st.rss_pages, 256);
}

TEST(ProcStatTest, ParsesKernelThreadsAndNegativeNumbers) {
  ProcStat kworker = parse_fixture("kworker.stat");
  EXPECT_EQ(kworker.comm, "kworker/0:0H-events_highpri");
  EXPECT_EQ(kworker.state, 'I');
  EXPECT_EQ(kworker.ppid, 2);
  EXPECT_EQ(kworker.nice, -20);
  EXPECT_EQ(kworker.vsize_bytes, 0u);
  ProcStat rt = parse_fixture("realtime.stat");
  EXPECT_EQ(rt.comm, "migration/0");
  EXPECT_EQ(rt.priority, -100);
  ProcStat zombie = parse_fixture("zombie.stat");
  EXPECT_EQ(zombie.state, 'Z');
  EXPECT_EQ(zombie.rss_pages, 0);
}

TEST(ProcStatTest, RejectsMalformedText) {
  auto truncated = read_file(std::string(TEND_TEST_DATA_DIR) + "/proc/truncated.stat");
  ASSERT_TRUE(truncated.ok());
  for (std::string_view bad :
       {std::string_view(*truncated), std::string_view(""), std::string_view("12 cat R"),
        std::string_view("x (cat) R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1"),
        std::string_view("1 (cat) R one 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1"),
        std::string_view(") (")}) {
    auto st = parse_proc_stat(bad);
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().code, EINVAL);
  }
  EXPECT_EQ(parse_proc_stat("").error().message, "unable to parse /proc/PID/stat: no (comm)");
}

TEST(ProcStatTest, ReadsALiveProcess) {
  auto self = read_proc_stat(::getpid());
  ASSERT_TRUE(self.ok()) << self.error().message;
  EXPECT_EQ(self->pid, ::getpid());
  EXPECT_EQ(self->ppid, ::getppid());
  EXPECT_EQ(self->state, 'R');
  EXPECT_GE(self->num_threads, 1);
  EXPECT_GT(self->rss_pages, 0);
  EXPECT_EQ(read_proc_stat(::getpid())->starttime_ticks, self->starttime_ticks);
}

TEST(ProcStatTest, ReportsENOENTForAReapedProcess) {
  Pipe out = make_pipe();
  SpawnRequest request;
  request.argv = {"/bin/true"};
  request.stdout_fd = request.stderr_fd = out.write.get();
  auto child = spawn(request);
  ASSERT_TRUE(child.ok()) << child.error().message;
  EXPECT_EQ(wait_exit(*child), 0);
  auto gone = read_proc_stat(child->pid);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ENOENT);
}

TEST(ProcStatTest, NamesKernelStates) {
  EXPECT_EQ(kernel_state_meaning('R'), "running");
  EXPECT_EQ(kernel_state_meaning('S'), "sleeping");
  EXPECT_EQ(kernel_state_meaning('D'), "disk sleep");
  EXPECT_EQ(kernel_state_meaning('T'), "stopped");
  EXPECT_EQ(kernel_state_meaning('t'), "tracing stop");
  EXPECT_EQ(kernel_state_meaning('Z'), "zombie");
  EXPECT_EQ(kernel_state_meaning('X'), "dead");
  EXPECT_EQ(kernel_state_meaning('I'), "idle");
  EXPECT_EQ(kernel_state_meaning('P'), "parked");
  EXPECT_EQ(kernel_state_meaning('?'), "unknown");
}

TEST(ProcStatTest, KnowsTicksAndPageSize) {
  EXPECT_GT(clock_ticks_per_second(), 0);
  EXPECT_GT(page_size_bytes(), 0);
  EXPECT_EQ(page_size_bytes() % 1024, 0);
}

}  // namespace
}  // namespace tend
