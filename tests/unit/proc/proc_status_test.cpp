#include "proc/proc_status.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc/proc_files.h"
#include "proc_fixtures.h"

namespace tend {
namespace {

using proc_testing::fixture;

ProcStatus parse(const std::string& name) {
  auto st = parse_proc_status(fixture(name));
  EXPECT_TRUE(st.ok()) << name << ": " << (st ? "" : st.error().message);
  return st ? *st : ProcStatus{};
}

TEST(ProcStatusTest, ParsesAnOrdinaryProcess) {
  ProcStatus st = parse("cat.status");
  EXPECT_EQ(st.name, "cat");
  EXPECT_EQ(st.state, 'R');
  EXPECT_EQ(st.tgid, 17365);
  EXPECT_EQ(st.pid, 17365);
  EXPECT_EQ(st.ppid, 17356);
  EXPECT_EQ(st.uid, 0u);
  EXPECT_EQ(st.threads, 1);
  EXPECT_EQ(st.kernel_thread, false);
  EXPECT_EQ(st.vm_size_bytes, 3060u * 1024);
  EXPECT_EQ(st.vm_rss_bytes, 1772u * 1024);
  EXPECT_EQ(st.rss_anon_bytes, 116u * 1024);
  EXPECT_EQ(st.rss_file_bytes, 1656u * 1024);
  EXPECT_EQ(st.rss_shmem_bytes, 0u);
  EXPECT_EQ(st.vm_swap_bytes, 0u);
  EXPECT_EQ(st.voluntary_ctxt_switches, 0u);
  EXPECT_EQ(st.nonvoluntary_ctxt_switches, 1u);
  EXPECT_EQ(st.cpus_allowed_list, "0-1");
  EXPECT_EQ(st.nspid, std::vector<pid_t>{17365});
}

TEST(ProcStatusTest, KernelThreadHasNoMemoryLines) {
  ProcStatus st = parse("kthreadd.status");
  EXPECT_EQ(st.name, "kthreadd");
  EXPECT_EQ(st.state, 'S');
  EXPECT_EQ(st.ppid, 0);
  EXPECT_EQ(st.kernel_thread, true);
  EXPECT_FALSE(st.vm_size_bytes.has_value());
  EXPECT_FALSE(st.vm_rss_bytes.has_value());
  EXPECT_FALSE(st.vm_swap_bytes.has_value());
  EXPECT_EQ(st.voluntary_ctxt_switches, 117u);
}

TEST(ProcStatusTest, ZombieKeepsNameWithParenthesesAndHasNoMemory) {
  ProcStatus st = parse("zombie.status");
  EXPECT_EQ(st.name, "a) b (c");
  EXPECT_EQ(st.state, 'Z');
  EXPECT_EQ(st.ppid, 17194);
  EXPECT_FALSE(st.vm_rss_bytes.has_value());
  EXPECT_EQ(st.voluntary_ctxt_switches, 1u);
}

TEST(ProcStatusTest, UnescapesNewlinesAndBackslashesInNames) {
  EXPECT_EQ(parse("newline_name.status").name, "a\nb\tc\\d e");
  EXPECT_EQ(unescape_task_name("a\\nb"), "a\nb");
  EXPECT_EQ(unescape_task_name("a\\\\n"), "a\\n");
  EXPECT_EQ(unescape_task_name("end\\"), "end\\");
}

TEST(ProcStatusTest, ReadsNamespacesIdsAndOptionalLines) {
  ProcStatus st = parse("container.status");
  EXPECT_EQ(st.name, "web ");  // the trailing space is part of the name
  EXPECT_EQ(st.uid, 1000u);
  EXPECT_EQ(st.euid, 1001u);
  EXPECT_EQ(st.gid, 100u);
  EXPECT_EQ(st.egid, 101u);
  EXPECT_EQ(st.nspid, (std::vector<pid_t>{17365, 42, 1}));
  EXPECT_FALSE(st.kernel_thread.has_value());
  EXPECT_EQ(st.vm_swap_bytes, 512u * 1024);
}

TEST(ProcStatusTest, RejectsTruncatedAndMalformedText) {
  auto truncated = parse_proc_status(fixture("truncated.status"));
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().code, EINVAL);
  EXPECT_EQ(truncated.error().message, "unable to parse /proc/PID/status: no Threads line (truncated?)");
  EXPECT_FALSE(parse_proc_status("").ok());
  std::string bad_pid = fixture("cat.status");
  bad_pid.replace(bad_pid.find("PPid:\t17356"), 11, "PPid:\tx");
  EXPECT_EQ(parse_proc_status(bad_pid).error().message, "unable to parse /proc/PID/status: bad PPid");
  std::string bad_rss = fixture("cat.status");
  bad_rss.replace(bad_rss.find("1772 kB\nRssAnon"), 7, "1772 MB");
  EXPECT_EQ(parse_proc_status(bad_rss).error().message, "unable to parse /proc/PID/status: bad VmRSS");
}

TEST(ProcStatusTest, ReadsItselfAndItsThread) {
  auto self = read_proc_status(::getpid());
  ASSERT_TRUE(self.ok()) << self.error().message;
  EXPECT_EQ(self->pid, ::getpid());
  EXPECT_EQ(self->ppid, ::getppid());
  EXPECT_EQ(self->uid, ::getuid());
  EXPECT_GT(*self->vm_rss_bytes, 0u);
  auto thread = read_task_status(::getpid(), ::getpid());
  ASSERT_TRUE(thread.ok()) << thread.error().message;
  EXPECT_EQ(thread->tgid, ::getpid());
}

TEST(ProcStatusTest, ReportsAVanishedProcess) {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  auto gone = read_proc_status(child);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, kProcVanished);
  EXPECT_NE(gone.error().message.find("vanished"), std::string::npos) << gone.error().message;
}

}  // namespace
}  // namespace tend
