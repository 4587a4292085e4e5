// The order of starts under each policy, on real processes: small deterministic workloads submitted to a
// paused queue, released at once, then compared with what the policy must do. Timing only ever decides
// *whether* something happens within a generous deadline, never the order asserted.
#include <fstream>

#include "jobs_support.h"

namespace tend::e2e {
namespace {

class JobsPolicyTest : public JobsTest {};

TEST_F(JobsPolicyTest, FcfsRunsInSubmissionOrderAtMostSlotsAtOnce) {
  queue_set({"q", "--slots", "2", "--policy", "fcfs"});
  run_ok({"queue", "pause", "q"});
  std::vector<long> ids;
  for (const char* name : {"a", "b", "c", "d", "e"}) ids.push_back(work(name, "20", {"--queue", "q"}));
  run_ok({"queue", "resume", "q"});
  EXPECT_EQ(wait_jobs({"--queue", "q"}), 0);
  // Two jobs started in the same slot-filling pass race to write their "start" lines, so the order asserted
  // is the daemon's: start times (RFC 3339, ms, UTC: they compare as strings) never go down in submission order.
  std::vector<std::string> starts;
  for (long id : ids) starts.push_back(show(id).value("start_time", ""));
  for (size_t i = 1; i < starts.size(); ++i)
    EXPECT_LE(starts[i - 1], starts[i]) << "job " << ids[i] << " started before job " << ids[i - 1];
  EXPECT_EQ(order("start").size(), 5u);
  EXPECT_LE(max_concurrency(), 2);
}

TEST_F(JobsPolicyTest, PriorityRunsTheHighestFirst) {
  queue_set({"q", "--slots", "1", "--policy", "priority"});
  run_ok({"queue", "pause", "q"});
  work("low", "5", {"--queue", "q", "--priority", "1"});
  work("high", "5", {"--queue", "q", "--priority", "9"});
  work("mid", "5", {"--queue", "q", "--priority", "5"});
  run_ok({"queue", "resume", "q"});
  EXPECT_EQ(wait_jobs({"--queue", "q"}), 0);
  EXPECT_EQ(order("start"), (std::vector<std::string>{"high", "mid", "low"}));
}

TEST_F(JobsPolicyTest, AgingLetsALowPriorityJobRunUnderAStreamOfHighPriorityOnes) {
  // One slot. Whenever a job starts, fresh high-priority ones are submitted so that two are always waiting
  // (each runs 1.2 s: time enough to submit the next ones with a slow client, under a sanitizer or load).
  // Aging (+1 per 100 ms waited) must let the low-priority job overtake high ones that were waiting when it
  // started; without aging it would wait for the end of the stream.
  queue_set({"q", "--slots", "1", "--policy", "priority", "--aging", "100ms"});
  std::vector<long> highs;
  auto queued_highs = [&] {
    RunResult r = tend({"job", "ls", "--queue", "q", "--state", "queued", "--json"});
    int n = 0;
    for (const auto& j : Json::parse(r.out, nullptr, false)) n += j.value("priority", 0) == 5;
    return n;
  };
  highs.push_back(work("h0", "s1200", {"--queue", "q", "--priority", "5"}));
  ASSERT_TRUE(wait_job(highs[0], "running"));
  long low = work("low", "1", {"--queue", "q", "--priority", "0"});
  for (int round = 0; round < 30 && at("start low") == -1; ++round) {
    for (int n = queued_highs(); n < 2; ++n)
      highs.push_back(work("h" + std::to_string(highs.size()), "s1200", {"--queue", "q", "--priority", "5"}));
    std::size_t started = order("start").size();
    ASSERT_TRUE(wait_until([&] { return order("start").size() > started; }, Ms(30000)));
  }
  ASSERT_NE(state(low), "queued") << "the low-priority job starved";
  Json l = show(low);
  ASSERT_TRUE(l["start_time"].is_string());
  bool overtook = false;
  for (long h : highs) {
    Json j = show(h);
    bool submitted_before = j["submit_time"].get<std::string>() < l["start_time"].get<std::string>();
    bool started_after = j["start_time"].is_null() || j["start_time"].get<std::string>() > l["start_time"].get<std::string>();
    overtook = overtook || (submitted_before && started_after);
  }
  EXPECT_TRUE(overtook) << "the low job started only when no high one was waiting";
  run_ok({"job", "cancel", "--queue", "q"});
}

TEST_F(JobsPolicyTest, SjfRunsTheShortestEstimateFirst) {
  queue_set({"q", "--slots", "1", "--policy", "sjf"});
  run_ok({"queue", "pause", "q"});
  work("three", "5", {"--queue", "q", "--estimate", "3s"});
  work("one", "5", {"--queue", "q", "--estimate", "1s"});
  work("two", "5", {"--queue", "q", "--estimate", "2s"});
  run_ok({"queue", "resume", "q"});
  EXPECT_EQ(wait_jobs({"--queue", "q"}), 0);
  EXPECT_EQ(order("start"), (std::vector<std::string>{"one", "two", "three"}));
}

TEST_F(JobsPolicyTest, SjfPredictsFromThisCommandsPastRuns) {
  queue_set({"q", "--slots", "1", "--policy", "sjf"});
  long first = work("learn", "30", {"--queue", "q"});
  ASSERT_EQ(wait_jobs({std::to_string(first)}), 0);
  long second = work("learn", "30", {"--queue", "q"});
  ASSERT_EQ(wait_jobs({std::to_string(second)}), 0);
  std::int64_t t1 = show(first)["run_ms"], t2 = show(second)["run_ms"];
  run_ok({"queue", "pause", "q"});
  long next = work("learn", "30", {"--queue", "q"});
  long fresh = work("never-seen", "1", {"--queue", "q"});
  // τ1 = α·t1 + (1−α)·τ0 with τ0 = 1 s; τ2 = α·t2 + (1−α)·τ1; α = 0.5.
  double tau = 0.5 * double(t2) + 0.5 * (0.5 * double(t1) + 0.5 * 1000.0);
  EXPECT_NEAR(show(next)["expected_ms"].get<double>(), tau, 1.0);
  EXPECT_EQ(show(fresh)["expected_ms"], 1000);
  run_ok({"job", "cancel", "--queue", "q"});
}

TEST_F(JobsPolicyTest, RoundRobinStopsAndContinuesTheWholeProcessGroup) {
  queue_set({"q", "--slots", "1", "--policy", "rr", "--quantum", "50ms"});
  run_ok({"queue", "pause", "q"});
  long a = work("a", "600", {"--queue", "q"});
  long b = work("b", "600", {"--queue", "q"});
  run_ok({"queue", "resume", "q"});
  // Both start before either ends (t_work records its pid); then, read straight from /proc (no client in the
  // way: a slice is only 50 ms), one of them is seen stopped by SIGSTOP: kernel state T.
  auto pid_in_record = [&](const std::string& name) -> pid_t {
    for (const auto& line : records())
      if (line.rfind("start " + name + " ", 0) == 0) return pid_t(std::atol(line.c_str() + 7 + name.size()));
    return 0;
  };
  ASSERT_TRUE(wait_until([&] { return pid_in_record("a") > 0 && pid_in_record("b") > 0; }, Ms(60000)))
      << read_file(record());
  pid_t pa = pid_in_record("a"), pb = pid_in_record("b");
  bool seen_stopped = wait_until(
      [&] {
        for (pid_t pid : {pa, pb})
          if (auto st = proc_stat(pid); st && st->state == 'T') return true;
        return false;
      },
      Ms(30000), Ms(2));
  EXPECT_TRUE(seen_stopped) << "no job was seen suspended (T) while the other ran";
  EXPECT_EQ(wait_jobs({"--queue", "q"}), 0);
  // Both started before either ended: they shared the slot.
  EXPECT_LT(at("start b"), at("end a"));
  EXPECT_LT(at("start a"), at("end b"));
  EXPECT_EQ(state(a), "done");
  EXPECT_EQ(state(b), "done");
  EXPECT_GT(show(a)["wait_ms"].get<std::int64_t>(), 0);
}

TEST_F(JobsPolicyTest, MlfqDemotesALongJobAndAShortOneOvertakesIt) {
  queue_set({"q", "--slots", "1", "--policy", "mlfq", "--levels", "3", "--quantum", "30ms", "--aging", "0"});
  long longer = work("long", "3000", {"--queue", "q"});
  ASSERT_TRUE(wait_until([&] { return show(longer)["level"] == 2; }, Ms(30000), Ms(10)))
      << "never demoted: " << show(longer).dump();
  long quick = work("short", "5", {"--queue", "q"});
  ASSERT_TRUE(wait_job(quick, "done", Ms(30000)));
  // The short job preempted the demoted one (level 0 beats level 2) and ended before it.
  long long_end = at("end long");
  EXPECT_TRUE(long_end == -1 || long_end > at("end short")) << read_file(record());
  EXPECT_LT(at("start long"), at("start short"));
  if (long_end == -1) run_ok({"job", "cancel", std::to_string(longer)});
}

}  // namespace
}  // namespace tend::e2e
