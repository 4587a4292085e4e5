// The job history survives the daemon: a graceful shutdown and a kill -9 alike.
#include <signal.h>

#include "jobs_support.h"

namespace tend::e2e {
namespace {

class JobsRestartTest : public JobsTest {
 protected:
  void kill_daemon_hard() {
    pid_t daemon = daemon_pid();
    ASSERT_GT(daemon, 0);
    ASSERT_EQ(kill(daemon, SIGKILL), 0);
    ASSERT_TRUE(wait_until([&] { return !pid_alive(daemon); }, Ms(5000)));
  }
};

TEST_F(JobsRestartTest, QueuedJobsAreStillQueuedAfterACrashAndRunAfterwards) {
  queue_set({"q", "--slots", "1", "--policy", "priority"});
  run_ok({"queue", "pause", "q"});
  work("a", "1", {"--queue", "q", "--priority", "1"});
  work("b", "1", {"--queue", "q", "--priority", "2"});
  ASSERT_NO_FATAL_FAILURE(kill_daemon_hard());
  RunResult ls = tend({"job", "ls", "--json"});  // starts a new daemon
  ASSERT_EQ(ls.exit_code, 0) << ls.describe();
  Json jobs = Json::parse(ls.out);
  ASSERT_EQ(jobs.size(), 2u);
  for (const auto& j : jobs) EXPECT_EQ(j["state"], "queued");
  Json queues = Json::parse(tend({"queue", "ls", "--json"}).out);
  bool paused = false;
  for (const auto& q : queues)
    if (q["name"] == "q") paused = q["paused"] && q["policy"] == "priority" && q["slots"] == 1;
  EXPECT_TRUE(paused) << queues.dump();
  run_ok({"queue", "resume", "q"});
  EXPECT_EQ(wait_jobs({"--queue", "q"}), 0);
  EXPECT_EQ(order("start"), (std::vector<std::string>{"b", "a"}));
}

TEST_F(JobsRestartTest, ARunningJobIsAdoptedByTheNextDaemon) {
  long id = submit({}, "t_sleep", {marker("adopt")});
  ASSERT_TRUE(wait_job(id, "running"));
  pid_t pid = show(id)["pid"];
  ASSERT_NO_FATAL_FAILURE(kill_daemon_hard());
  EXPECT_TRUE(pid_alive(pid)) << "a job outlives a daemon crash";
  Json j = show(id);  // a new daemon
  EXPECT_EQ(j["state"], "running");
  EXPECT_EQ(j["pid"], pid);
  EXPECT_EQ(j["adopted"], true);
  EXPECT_EQ(pids_with_arg(marker("adopt")).size(), 1u) << "started twice";
  RunResult r = tend({"job", "cancel", std::to_string(id)});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(state(id), "cancelled");
  EXPECT_TRUE(wait_until([&] { return !pid_alive(pid); }, Ms(5000)));
}

TEST_F(JobsRestartTest, ARunningJobThatDiedWithTheDaemonGoneIsFailedDaemonRestarted) {
  long id = submit({}, "t_sleep", {marker("lost")});
  long after = submit({"--after", "1"}, "t_exit", {"0"});
  ASSERT_TRUE(wait_job(id, "running"));
  pid_t pid = show(id)["pid"];
  ASSERT_NO_FATAL_FAILURE(kill_daemon_hard());
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return !pid_alive(pid); }, Ms(5000)));
  Json j = show(id);
  EXPECT_EQ(j["state"], "failed");
  EXPECT_EQ(j["reason"], "daemon restarted");
  EXPECT_EQ(state(after), "cancelled");
}

TEST_F(JobsRestartTest, ShutdownCancelsRunningJobsKeepsQueuedOnesAndHistory) {
  queue_set({"q", "--slots", "1"});
  long done = submit({"--queue", "q"}, "t_exit", {"0"});
  ASSERT_EQ(wait_jobs({std::to_string(done)}), 0);
  long running = submit({"--queue", "q"}, "t_sleep", {marker("run")});
  long queued = submit({"--queue", "q"}, "t_exit", {"0"});
  ASSERT_TRUE(wait_job(running, "running"));
  pid_t pid = show(running)["pid"];
  run_ok({"shutdown"});
  EXPECT_FALSE(pid_alive(pid));
  Json j = show(running);  // a new daemon
  EXPECT_EQ(j["state"], "cancelled");
  EXPECT_EQ(j["reason"], "daemon shut down");
  EXPECT_EQ(state(done), "done");
  EXPECT_EQ(wait_jobs({std::to_string(queued)}), 0);  // it was still queued and runs now
}

}  // namespace
}  // namespace tend::e2e
