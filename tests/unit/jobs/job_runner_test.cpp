// The real JobProcesses against the real kernel: logs appended by the child itself, its own process group,
// group signals, TEND_JOB_ID.
#include "jobs/job_runner.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "../log/temp_dir.h"
#include "proc/proc_stat.h"

namespace tend::jobs {
namespace {

Job shell_job(JobId id, const std::string& script) {
  Job j;
  j.id = id;
  j.spec.command = {script};
  j.spec.shell = true;
  j.spec.env = std::make_shared<const Environment>(Environment{{"PATH", "/usr/bin:/bin"}});
  return j;
}

/// A temporary directory whose jobs/ subdirectory goes too.
struct JobsDir {
  tend::testing::TempDir dir;
  ~JobsDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir.file("jobs"), ec);
  }
  std::string file(const std::string& name) const { return dir.file(name); }
  std::set<std::string> names() const { return dir.names(); }
};

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

TEST(JobRunner, OutputGoesStraightToTheJobsLogFilesAcrossAttempts) {
  JobsDir dir;
  JobRunner runner(dir.file("jobs"), -1);
  ASSERT_TRUE(runner.open().ok());
  Job j = shell_job(12, "echo out $TEND_JOB_ID; echo err >&2");
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto started = runner.start(j);
    ASSERT_TRUE(started.ok()) << started.error().message;
    // Read later (off the hot path), while the child is not reaped: a zombie still has its start time.
    EXPECT_GT(JobRunner::read_start_ticks(started->pid), 0u);
    EXPECT_EQ(WEXITSTATUS(reap(started->pid)), 0);
  }
  EXPECT_EQ(tend::testing::slurp(runner.out_log(12)), "out 12\nout 12\n");
  EXPECT_EQ(tend::testing::slurp(runner.err_log(12)), "err\nerr\n");
  runner.remove_logs(12);
  EXPECT_FALSE(dir.names().empty());  // the jobs/ directory itself stays
  EXPECT_EQ(tend::testing::slurp(runner.out_log(12)), "");
}

TEST(JobRunner, JobsSharingAnEnvironmentEachSeeTheirOwnIdOnce) {
  JobsDir dir;
  JobRunner runner(dir.file("jobs"), -1);
  ASSERT_TRUE(runner.open().ok());
  // Submitted from inside another job: the client's environment already has a TEND_JOB_ID.
  auto env = std::make_shared<const Environment>(
      Environment{{"PATH", "/usr/bin:/bin"}, {"TEND_JOB_ID", "7"}, {"SHARED", "yes"}});
  for (JobId id : {21, 22}) {
    Job j;
    j.id = id;
    j.spec.command = {"/usr/bin/env"};
    j.spec.env = env;
    auto started = runner.start(j);
    ASSERT_TRUE(started.ok()) << started.error().message;
    EXPECT_EQ(WEXITSTATUS(reap(started->pid)), 0);
    EXPECT_EQ(tend::testing::slurp(runner.out_log(id)),
              fmt::format("PATH=/usr/bin:/bin\nSHARED=yes\nTEND_JOB_ID={}\n", id));
  }
}

TEST(JobRunner, SignalsReachTheWholeProcessGroup) {
  JobsDir dir;
  JobRunner runner(dir.file("jobs"), -1);
  ASSERT_TRUE(runner.open().ok());
  Job j = shell_job(1, "sleep 30 & wait");
  auto started = runner.start(j);
  ASSERT_TRUE(started.ok());
  j.pid = started->pid;
  auto stat = read_proc_stat(j.pid);
  ASSERT_TRUE(stat.ok());
  EXPECT_EQ(stat->pgrp, j.pid) << "a job leads its own process group";
  runner.signal_group(j, SIGSTOP);
  bool stopped = false;
  for (int i = 0; i < 500 && !stopped; ++i) {
    auto s = read_proc_stat(j.pid);
    stopped = s && s->state == 'T';
    if (!stopped) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(stopped);
  runner.signal_group(j, SIGKILL);
  int status = reap(j.pid);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST(JobRunner, ASpawnErrorIsReportedSynchronously) {
  JobsDir dir;
  JobRunner runner(dir.file("jobs"), -1);
  ASSERT_TRUE(runner.open().ok());
  Job j = shell_job(2, "");
  j.spec.shell = false;
  j.spec.command = {"/no/such/program"};
  auto started = runner.start(j);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().message, "exec /no/such/program: No such file or directory");
  j.spec.command = {"/bin/true"};
  j.spec.cwd = "/no/such/dir";
  started = runner.start(j);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().message, "chdir /no/such/dir: No such file or directory");
}

}  // namespace
}  // namespace tend::jobs
