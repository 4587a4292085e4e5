// Cron schedules end to end: a real timer firing (a seconds field keeps the test short), run-now, no-overlap.
#include "jobs_support.h"

namespace tend::e2e {
namespace {

class ScheduleTest : public JobsTest {
 protected:
  RunResult add(const std::vector<std::string>& args, const std::string& helper, const std::vector<std::string>& hargs) {
    std::vector<std::string> argv{"schedule", "add"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--");
    argv.push_back(helper_path(helper));
    argv.insert(argv.end(), hargs.begin(), hargs.end());
    return tend(argv);
  }
};

TEST_F(ScheduleTest, ARealtimeTimerSubmitsAJobAtEachFiring) {
  RunResult r = add({"tick", "--cron", "*/2 * * * * *"}, "t_work", {record(), "tick", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("schedule tick: next at "), std::string::npos) << r.out;
  ASSERT_TRUE(wait_until([&] { return order("end").size() >= 2; }, Ms(30000))) << read_file(record());
  run_ok({"schedule", "rm", "tick"});
  Json jobs = Json::parse(tend({"job", "ls", "--json"}).out);
  ASSERT_GE(jobs.size(), 2u);
  EXPECT_EQ(jobs[0]["schedule"], "tick");
  EXPECT_EQ(tend({"schedule", "rm", "tick"}).exit_code, 1);
}

TEST_F(ScheduleTest, ListRunNowAndTheNextFiringOfAMinuteExpression) {
  ASSERT_EQ(add({"nightly", "--cron", "30 3 * * *", "--queue", "night"}, "t_work", {record(), "nightly", "1"}).exit_code, 0);
  RunResult ls = tend({"schedule", "ls", "--json"});
  ASSERT_EQ(ls.exit_code, 0) << ls.describe();
  Json all = Json::parse(ls.out);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["cron"], "30 3 * * *");
  EXPECT_EQ(all[0]["queue"], "night");
  std::string next = all[0]["next_time"];
  // RFC 3339 UTC; the local time it names is 03:30:00 (checked in the unit tests); here: a future whole minute.
  EXPECT_EQ(next.substr(16), ":00.000Z") << next;
  RunResult run = tend({"schedule", "run", "nightly"});
  ASSERT_EQ(run.exit_code, 0) << run.describe();
  long id = std::atol(run.out.c_str());
  EXPECT_EQ(wait_jobs({std::to_string(id)}), 0);
  EXPECT_EQ(show(id)["queue"], "night");
  EXPECT_EQ(Json::parse(tend({"schedule", "ls", "--json"}).out)[0]["fired"], 1);
  RunResult text = tend({"schedule", "ls"});
  EXPECT_NE(text.out.find("nightly"), std::string::npos) << text.out;
}

TEST_F(ScheduleTest, NoOverlapSkipsWhileThePreviousJobRuns) {
  ASSERT_EQ(add({"once", "--cron", "@daily", "--no-overlap"}, "t_sleep", {marker("once")}).exit_code, 0);
  RunResult first = tend({"schedule", "run", "once"});
  ASSERT_EQ(first.exit_code, 0) << first.describe();
  long id = std::atol(first.out.c_str());
  ASSERT_TRUE(wait_job(id, "running"));
  RunResult second = tend({"schedule", "run", "once"});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("skipped: job " + std::to_string(id) + " of schedule once is still running"),
            std::string::npos)
      << second.err;
  run_ok({"job", "cancel", std::to_string(id)});
  RunResult third = tend({"schedule", "run", "once"});
  EXPECT_EQ(third.exit_code, 0) << third.describe();
  run_ok({"job", "cancel", "--queue", "default"});
  EXPECT_EQ(Json::parse(tend({"schedule", "ls", "--json"}).out)[0]["skipped"], 1);
}

TEST_F(ScheduleTest, SchedulesSurviveADaemonRestart) {
  ASSERT_EQ(add({"keep", "--cron", "0 0 1 1 *"}, "t_exit", {"0"}).exit_code, 0);
  run_ok({"shutdown"});
  Json all = Json::parse(tend({"schedule", "ls", "--json"}).out);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["name"], "keep");
  EXPECT_FALSE(all[0]["next_time"].is_null());
}

TEST_F(ScheduleTest, BadExpressionsAreRefusedWithTheReason) {
  RunResult r = add({"bad", "--cron", "61 * * * *"}, "t_exit", {"0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("invalid cron expression '61 * * * *': minute: 61 is out of range 0-59"), std::string::npos)
      << r.err;
  RunResult never = add({"never", "--cron", "0 0 30 2 *"}, "t_exit", {"0"});
  EXPECT_EQ(never.exit_code, 1);
  EXPECT_NE(never.err.find("never fires"), std::string::npos) << never.err;
  EXPECT_EQ(tend({"schedule", "add", "nocmd", "--cron", "@daily"}).exit_code, 2);
  EXPECT_EQ(Json::parse(tend({"schedule", "ls", "--json"}).out).size(), 0u);
}

}  // namespace
}  // namespace tend::e2e
