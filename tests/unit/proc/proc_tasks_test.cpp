#include "proc/proc_tasks.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <future>
#include <thread>

#include "proc/proc_files.h"
#include "proc_fixtures.h"

namespace tend {
namespace {

using proc_testing::fixture;

TEST(ProcTasksTest, CombinesStatAndStatus) {
  auto stat = parse_proc_stat(fixture("newline_name.stat"));
  auto status = parse_proc_status(fixture("newline_name.status"));
  ASSERT_TRUE(stat.ok() && status.ok());
  ProcTask task = make_task(*stat, *status);
  EXPECT_EQ(task.tid, 17492);
  EXPECT_EQ(task.name, "a\nb\tc\\d e");
  EXPECT_EQ(task.state, 'S');
  EXPECT_EQ(task.processor, 1);
  EXPECT_EQ(task.policy, 0u);
  EXPECT_EQ(task.voluntary_ctxt_switches, 2u);
  EXPECT_EQ(task.nonvoluntary_ctxt_switches, 0u);
  ProcTask without_status = make_task(*stat, std::nullopt);
  EXPECT_FALSE(without_status.voluntary_ctxt_switches.has_value());
}

TEST(ProcTasksTest, ListsItsOwnThreads) {
  std::promise<pid_t> started;
  std::promise<void> release;
  std::thread worker([&] {
    ::pthread_setname_np(::pthread_self(), "w (x) y");
    started.set_value(pid_t(::syscall(SYS_gettid)));
    release.get_future().wait();
  });
  pid_t worker_tid = started.get_future().get();
  auto tasks = read_proc_tasks(::getpid());
  release.set_value();
  worker.join();
  ASSERT_TRUE(tasks.ok()) << tasks.error().message;
  ASSERT_GE(tasks->size(), 2u);
  EXPECT_EQ(tasks->front().tid, ::getpid());  // tid order: the main thread's tid is the pid
  EXPECT_EQ(tasks->front().state, 'R');
  EXPECT_GE(tasks->front().processor, 0);
  auto it = std::find_if(tasks->begin(), tasks->end(), [&](const ProcTask& t) { return t.tid == worker_tid; });
  ASSERT_NE(it, tasks->end());
  EXPECT_EQ(it->name, "w (x) y");
  EXPECT_TRUE(it->voluntary_ctxt_switches.has_value());
}

TEST(ProcTasksTest, ContextSwitchLinesAreFoundWithoutAFullParse) {
  auto counts = parse_context_switches(fixture("container.status"));
  auto full = parse_proc_status(fixture("container.status"));
  ASSERT_TRUE(counts.ok() && full.ok()) << (counts ? "" : counts.error().message);
  EXPECT_EQ(counts->voluntary, *full->voluntary_ctxt_switches);
  EXPECT_EQ(counts->nonvoluntary, *full->nonvoluntary_ctxt_switches);
  auto cat = parse_context_switches(fixture("cat.status"));
  ASSERT_TRUE(cat.ok());
  EXPECT_EQ(cat->voluntary, 0u);
  EXPECT_EQ(cat->nonvoluntary, 1u);
  EXPECT_FALSE(parse_context_switches(fixture("truncated.status")).ok());
  EXPECT_FALSE(parse_context_switches("voluntary_ctxt_switches:\tx\nnonvoluntary_ctxt_switches:\t1\n").ok());
  EXPECT_FALSE(parse_context_switches("nonvoluntary_ctxt_switches:\t1\n").ok());  // only the other one
}

TEST(ProcTasksTest, ContextSwitchesAreSummedOverThreads) {
  std::promise<pid_t> started;
  std::promise<void> release;
  std::thread worker([&] {
    started.set_value(pid_t(::syscall(SYS_gettid)));
    release.get_future().wait();
  });
  pid_t worker_tid = started.get_future().get();
  auto main_only = read_task_status(::getpid(), ::getpid());
  auto worker_status = read_task_status(::getpid(), worker_tid);
  auto sum = read_context_switches(::getpid(), 2);
  release.set_value();
  worker.join();
  ASSERT_TRUE(main_only.ok() && worker_status.ok() && sum.ok());
  EXPECT_GE(sum->voluntary, *main_only->voluntary_ctxt_switches + *worker_status->voluntary_ctxt_switches);
  auto single = read_context_switches(::getpid(), 1);
  ASSERT_TRUE(single.ok());
  EXPECT_GE(single->voluntary, *main_only->voluntary_ctxt_switches);
}

TEST(ProcTasksTest, ListsChildrenOfEveryThread) {
  pid_t first = ::fork();
  if (first == 0) {
    ::pause();
    ::_exit(0);
  }
  pid_t from_thread = -1;
  std::thread([&] {
    from_thread = ::fork();
    if (from_thread == 0) {
      ::pause();
      ::_exit(0);
    }
  }).join();
  auto children = read_children(::getpid());
  ::kill(first, SIGKILL);
  ::kill(from_thread, SIGKILL);
  ::waitpid(first, nullptr, 0);
  ::waitpid(from_thread, nullptr, 0);
  ASSERT_TRUE(children.ok()) << children.error().message;
  EXPECT_NE(std::find(children->begin(), children->end(), first), children->end());
  EXPECT_NE(std::find(children->begin(), children->end(), from_thread), children->end());
}

TEST(ProcTasksTest, ReportsAVanishedProcess) {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  auto tasks = read_proc_tasks(child);
  ASSERT_FALSE(tasks.ok());
  EXPECT_EQ(tasks.error().code, kProcVanished);
  EXPECT_EQ(read_task_stat(child, child).error().code, kProcVanished);
  EXPECT_EQ(read_context_switches(child, 1).error().code, kProcVanished);
  EXPECT_EQ(read_context_switches(child, 4).error().code, kProcVanished);
}

}  // namespace
}  // namespace tend
