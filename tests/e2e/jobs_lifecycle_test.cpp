// Jobs from submission to their end: cancel, timeout, retries, --after chains, --wait, --lines, logs,
// wait, stats, prune, and the errors a user can make.
#include <sched.h>
#include <unistd.h>

#include <fstream>

#include "jobs_support.h"

namespace tend::e2e {
namespace {

class JobsLifecycleTest : public JobsTest {};

TEST_F(JobsLifecycleTest, SubmitPrintsOnlyTheId) {
  RunResult r = tend({"job", "submit", "--", helper_path("t_exit"), "0"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "1\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(wait_jobs({"1"}), 0);
  Json j = show(1);
  EXPECT_EQ(j["state"], "done");
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_EQ(j["queue"], "default");
  for (const char* key : {"submit_time", "start_time", "end_time", "wait_ms", "response_ms", "turnaround_ms", "run_ms"})
    EXPECT_FALSE(j[key].is_null()) << key;
  EXPECT_EQ(j["attempt_history"].size(), 1u);
}

TEST_F(JobsLifecycleTest, WaitExitsWithTheJobsExitStatus) {
  RunResult r = tend({"job", "submit", "--wait", "--", helper_path("t_exit"), "7"}, Ms(60000));
  EXPECT_EQ(r.exit_code, 7) << r.describe();
  EXPECT_EQ(r.out, "1\n");
  RunResult ok = tend({"job", "submit", "--wait", "--", helper_path("t_exit"), "0"}, Ms(60000));
  EXPECT_EQ(ok.exit_code, 0) << ok.describe();
}

TEST_F(JobsLifecycleTest, LinesQueuesOneJobPerLine) {
  std::string input = home_ + "/commands";
  std::string work_path = helper_path("t_work");
  {
    std::ofstream f(input);
    f << work_path << " " << record() << " one 1\n\n" << work_path << " " << record() << " 'two words' 1\n";
  }
  RunResult r = run_process({"/bin/sh", "-c", std::string(TEND_BINARY) + " job submit --lines < " + input}, env(),
                            Ms(20000));
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "1\n2\n");  // the blank line is skipped
  EXPECT_EQ(wait_jobs({"1", "2"}), 0);
  EXPECT_NE(at("start one"), -1);
  EXPECT_NE(at("start two words"), -1);  // split as a shell would: quotes keep "two words" one argument
  std::ofstream(input) << "'unclosed\n";
  RunResult bad = run_process({"/bin/sh", "-c", std::string(TEND_BINARY) + " job submit --lines < " + input}, env(),
                              Ms(20000));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("stdin line 1"), std::string::npos) << bad.err;
}

TEST_F(JobsLifecycleTest, LinesWithACommandAppendsEachLineAsItsLastArgument) {
  std::string script = std::string("printf 'x y\\nz\\n' | ") + TEND_BINARY + " job submit --lines -- /bin/echo said";
  RunResult r = run_process({"/bin/sh", "-c", script}, env(), Ms(20000));
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(wait_jobs({}), 0);
  EXPECT_EQ(read_file(show(1)["out_log"]), "said x y\n");
  EXPECT_EQ(read_file(show(2)["out_log"]), "said z\n");
}

TEST_F(JobsLifecycleTest, LogsPrintStdoutAndStderrSeparatelyAndFollowUntilTheEnd) {
  RunResult r = tend({"job", "submit", "--shell", "--", "echo one; echo oops >&2; sleep 0.3; echo two"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  std::string job = std::to_string(std::atol(r.out.c_str()));
  RunResult follow = tend({"job", "logs", job, "-f"}, Ms(30000));
  EXPECT_EQ(follow.exit_code, 0) << follow.describe();
  EXPECT_EQ(follow.out, "one\ntwo\n");
  EXPECT_EQ(follow.err, "oops\n");
  RunResult out = tend({"job", "logs", job, "--stream", "out"});
  EXPECT_EQ(out.out, "one\ntwo\n");
  EXPECT_EQ(out.err, "");
}

TEST_F(JobsLifecycleTest, CancelQueuedAtOnceAndRunningByItsStopSteps) {
  queue_set({"q", "--slots", "1"});
  long running = submit({"--queue", "q"}, "t_sleep", {marker("a")});
  long queued = submit({"--queue", "q"}, "t_sleep", {marker("b")});
  ASSERT_TRUE(wait_job(running, "running"));
  pid_t pid = show(running)["pid"];
  RunResult r = tend({"job", "cancel", std::to_string(queued), std::to_string(running)});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "job " + std::to_string(queued) + " cancelled\njob " + std::to_string(running) + " cancelled\n");
  EXPECT_TRUE(pid_gone(pid) || !pid_alive(pid));  // cancel answers once the process is gone
  EXPECT_EQ(show(running)["exit_signal"], "SIGTERM");
  EXPECT_TRUE(show(queued)["start_time"].is_null());
  RunResult again = tend({"job", "cancel", std::to_string(queued)});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("has already ended (cancelled)"), std::string::npos) << again.err;
  EXPECT_EQ(tend({"job", "cancel", "99"}).exit_code, 1);
}

TEST_F(JobsLifecycleTest, CancellingASuspendedJobContinuesAndKillsIt) {
  queue_set({"q", "--slots", "1", "--policy", "rr", "--quantum", "50ms"});
  long a = submit({"--queue", "q", "--kill-timeout", "300ms"}, "t_ignore_term", {});
  long b = work("b", "3000", {"--queue", "q"});
  ASSERT_TRUE(wait_until([&] { return state(a) == "suspended"; }, Ms(30000), Ms(5)));
  pid_t pid = show(a)["pid"];
  run_ok({"job", "cancel", std::to_string(a)});  // it ignores SIGTERM: SIGKILL after the kill timeout
  EXPECT_TRUE(wait_job(a, "cancelled", Ms(30000)));
  EXPECT_TRUE(pid_gone(pid) || !pid_alive(pid)) << "left behind, state " << (proc_stat(pid) ? proc_stat(pid)->state : '-');
  EXPECT_EQ(show(a)["exit_signal"], "SIGKILL");
  run_ok({"job", "cancel", std::to_string(b)});
}

TEST_F(JobsLifecycleTest, TimeoutSendsTheStopSignalThenSigkill) {
  long polite = submit({"--timeout", "300ms"}, "t_sleep", {marker("polite")});
  long stubborn = submit({"--timeout", "300ms", "--kill-timeout", "300ms"}, "t_ignore_term", {});
  ASSERT_TRUE(wait_job(polite, "timeout"));
  ASSERT_TRUE(wait_job(stubborn, "timeout"));
  EXPECT_EQ(show(polite)["exit_signal"], "SIGTERM");
  EXPECT_EQ(show(stubborn)["exit_signal"], "SIGKILL");
  EXPECT_GE(show(polite)["run_ms"].get<std::int64_t>(), 300);
  RunResult waited = tend({"job", "submit", "--wait", "--timeout", "200ms", "--", helper_path("t_sleep")}, Ms(30000));
  EXPECT_EQ(waited.exit_code, 124) << waited.describe();
}

TEST_F(JobsLifecycleTest, RetriesWithBackoffUntilSuccessOrTheLimit) {
  std::string counter = home_ + "/counter";
  long flaky = submit({"--retries", "3"}, "t_flaky", {counter, "2"});
  long hopeless = submit({"--retries", "2"}, "t_exit", {"3"});
  EXPECT_TRUE(wait_job(flaky, "done"));
  EXPECT_TRUE(wait_job(hopeless, "failed"));
  EXPECT_EQ(show(flaky)["attempts"], 3);
  Json h = show(hopeless);
  EXPECT_EQ(h["attempts"], 3);
  EXPECT_EQ(h["exit_code"], 3);
  ASSERT_EQ(h["attempt_history"].size(), 3u);
  for (const auto& a : h["attempt_history"]) EXPECT_EQ(a["outcome"], "failed");
}

TEST_F(JobsLifecycleTest, AfterHoldsUntilDoneAndAFailureCancelsTheChain) {
  queue_set({"q", "--slots", "4"});
  long first = work("first", "s300", {"--queue", "q"});
  long second = work("second", "1", {"--queue", "q", "--after", std::to_string(first)});
  long bad = submit({"--queue", "q"}, "t_exit", {"1"});
  long skipped = work("skipped", "1", {"--queue", "q", "--after", std::to_string(bad) + "," + std::to_string(first)});
  long cascade = work("cascade", "1", {"--queue", "q", "--after", std::to_string(skipped)});
  std::vector<std::string> all;
  for (long id : {first, second, bad, skipped, cascade}) all.push_back(std::to_string(id));
  EXPECT_EQ(wait_jobs(all), 1);  // some did not end done
  EXPECT_EQ(state(second), "done");
  EXPECT_LT(at("end first"), at("start second"));
  EXPECT_EQ(state(skipped), "cancelled");
  EXPECT_EQ(show(skipped)["reason"], "job " + std::to_string(bad) + " failed");
  EXPECT_EQ(state(cascade), "cancelled");
  EXPECT_EQ(at("start skipped"), -1);
  RunResult unknown = tend({"job", "submit", "--after", "999", "--", "/bin/true"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no job 999"), std::string::npos) << unknown.err;
}

TEST_F(JobsLifecycleTest, WaitWithoutIdsWaitsForEveryJobNotEndedAndFailsIfOneFailed) {
  queue_set({"q", "--slots", "2"});
  run_ok({"queue", "pause", "q"});
  work("a", "s800", {"--queue", "q"});
  submit({"--queue", "q"}, "t_work", {record(), "f", "s800", "2"});
  // Released only as the client waits, so neither has ended when it asks (slow clients included).
  std::string cmd = std::string(TEND_BINARY) + " queue resume q >/dev/null && " + TEND_BINARY + " job wait";
  RunResult r = run_process({"/bin/sh", "-c", cmd}, env(), Ms(60000));
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.out.find("2 jobs: 1 done, 1 not"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("job 2 failed: exit 2"), std::string::npos) << r.out;
  RunResult none = tend({"job", "wait"});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_EQ(none.out, "no jobs to wait for\n");
}

TEST_F(JobsLifecycleTest, WaitDrawsAProgressBarOnATerminal) {
  queue_set({"q", "--slots", "1"});
  run_ok({"queue", "pause", "q"});
  for (int i = 0; i < 4; ++i) work("p" + std::to_string(i), "s500", {"--queue", "q"});
  // script(1) gives the client a terminal; the jobs (2 s in all) start only right before it waits.
  std::string cmd = std::string(TEND_BINARY) + " queue resume q >/dev/null && " + TEND_BINARY +
                    " job wait --progress --queue q";
  RunResult r = run_process({"/usr/bin/script", "-qec", cmd, "/dev/null"}, env(), Ms(60000));
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("4/4  done 4  failed 0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ETA"), std::string::npos) << r.out;
  RunResult plain = tend({"job", "wait", "--progress"});  // not a terminal: no bar
  EXPECT_EQ(plain.out.find("ETA"), std::string::npos) << plain.out;
}

TEST_F(JobsLifecycleTest, StatsAndListing) {
  queue_set({"q", "--slots", "1"});
  for (int i = 0; i < 3; ++i) work("s" + std::to_string(i), "5", {"--queue", "q"});
  ASSERT_EQ(wait_jobs({"--queue", "q"}), 0);
  RunResult r = tend({"job", "stats", "--queue", "q", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  Json stats = Json::parse(r.out);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0]["jobs"]["done"], 3);
  EXPECT_EQ(stats[0]["measured"], 3);
  EXPECT_GT(stats[0]["throughput_per_s"].get<double>(), 0);
  for (const char* key : {"wait_ms", "response_ms", "turnaround_ms", "run_ms"}) {
    EXPECT_TRUE(stats[0][key].contains("mean")) << key;
    EXPECT_TRUE(stats[0][key].contains("p95")) << key;
  }
  RunResult text = tend({"job", "stats"});
  EXPECT_NE(text.out.find("throughput"), std::string::npos) << text.out;
  RunResult ls = tend({"job", "ls", "--queue", "q", "--state", "done", "--json"});
  EXPECT_EQ(Json::parse(ls.out).size(), 3u);
  EXPECT_EQ(tend({"job", "ls", "--state", "bogus"}).exit_code, 1);
  RunResult table = tend({"job", "ls"});
  EXPECT_NE(table.out.find("STATE"), std::string::npos);
}

TEST_F(JobsLifecycleTest, PruneForgetsEndedJobsAndTheirLogs) {
  long a = submit({}, "t_exit", {"0"});
  ASSERT_EQ(wait_jobs({std::to_string(a)}), 0);
  std::string log = show(a)["out_log"];
  ASSERT_TRUE(file_exists(log));
  RunResult r = tend({"job", "prune", "--keep", "0"});
  EXPECT_EQ(r.out, "pruned 1 job\n") << r.describe();
  EXPECT_FALSE(file_exists(log));
  EXPECT_EQ(tend({"job", "show", std::to_string(a)}).exit_code, 1);
  EXPECT_EQ(tend({"job", "prune"}).exit_code, 2);
  // Ids are never reused.
  EXPECT_EQ(submit({}, "t_exit", {"0"}), a + 1);
}

TEST_F(JobsLifecycleTest, QueuesDefaultSlotsPolicyAndBadInput) {
  RunResult ls = tend({"queue", "ls", "--json"});
  ASSERT_EQ(ls.exit_code, 0) << ls.describe();
  Json queues = Json::parse(ls.out);
  ASSERT_EQ(queues.size(), 1u);
  EXPECT_EQ(queues[0]["name"], "default");
  EXPECT_EQ(queues[0]["policy"], "fcfs");
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  ASSERT_EQ(sched_getaffinity(0, sizeof cpus, &cpus), 0);
  EXPECT_EQ(queues[0]["slots"], CPU_COUNT(&cpus)) << "one slot per CPU this daemon may use";
  RunResult bad = tend({"queue", "set", "q", "--policy", "lottery"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("invalid policy 'lottery'"), std::string::npos) << bad.err;
  EXPECT_EQ(tend({"queue", "set", "q", "--slots", "0"}).exit_code, 2);
  EXPECT_EQ(tend({"queue", "pause", "nope"}).exit_code, 1);
  EXPECT_EQ(tend({"job", "submit"}).exit_code, 2);
  EXPECT_EQ(tend({"job", "submit", "--timeout", "soon", "--", "/bin/true"}).exit_code, 2);
  RunResult missing = tend({"job", "submit", "--wait", "--", "/no/such/program"}, Ms(30000));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(show(1)["reason"], "exec /no/such/program: No such file or directory");
}

}  // namespace
}  // namespace tend::e2e
