#include "jobs/job_json.h"

#include <gtest/gtest.h>

namespace tend::jobs {
namespace {

using nlohmann::json;

TEST(JobJson, SpecRoundTrip) {
  JobSpec s;
  s.name = "n";
  s.command = {"a", "b"};
  s.queue = "q";
  s.priority = -4;
  s.estimate = Millis(10);
  s.timeout = Millis(20);
  s.retries = 1;
  s.stop_signal = SIGINT;
  s.kill_timeout = Millis(30);
  s.after = {3, 4};
  auto back = spec_from_json(spec_to_json(s));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->command, s.command);
  EXPECT_EQ(back->priority, -4);
  EXPECT_EQ(back->estimate, Millis(10));
  EXPECT_EQ(back->stop_signal, SIGINT);
  EXPECT_EQ(back->kill_timeout, Millis(30));
  EXPECT_EQ(back->after, (std::vector<JobId>{3, 4}));
}

TEST(JobJson, BadSpecsAreErrorsNotExceptions) {
  EXPECT_FALSE(spec_from_json(json::array()).ok());
  EXPECT_FALSE(spec_from_json(json{{"command", "ls"}}).ok());
  EXPECT_FALSE(spec_from_json(json{{"command", {"ls"}}, {"retries", "many"}}).ok());
  EXPECT_FALSE(spec_from_json(json{{"command", {"ls"}}, {"stop_signal", "SIGNOPE"}}).ok());
  auto unknown = spec_from_json(json{{"command", {"ls"}}, {"colour", 1}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "invalid job: unknown key 'colour'");
}

TEST(JobJson, QueueSettingsApplyOntoTheCurrentOnes) {
  QueueConfig base;
  base.name = "q";
  base.slots = 4;
  auto c = queue_from_json(json{{"policy", "rr"}, {"quantum_ms", 50}}, base);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->slots, 4);
  EXPECT_EQ(c->policy, Policy::rr);
  EXPECT_EQ(c->quantum, Millis(50));
  EXPECT_FALSE(queue_from_json(json{{"slots", 0}}, base).ok());
  EXPECT_FALSE(queue_from_json(json{{"policy", "lottery"}}, base).ok());
}

TEST(JobJson, JobCarriesTheDocumentedKeys) {
  Job j;
  j.id = 3;
  j.spec.command = {"x"};
  j.state = JobState::done;
  j.submit_ms = 1000;
  j.start_ms = 1100;
  j.end_ms = 1600;
  j.run = Millis(500);
  j.exit_code = 0;
  json out = job_to_json(j, MonoTime{}, 2000, "/o", "/e");
  for (const char* key : {"id", "state", "exit_code", "queue", "priority", "submit_time", "start_time", "end_time",
                          "wait_ms", "response_ms", "turnaround_ms", "run_ms", "out_log", "err_log", "attempts"})
    EXPECT_TRUE(out.contains(key)) << key;
  EXPECT_EQ(out["wait_ms"], 100);
  EXPECT_EQ(out["response_ms"], 100);
  EXPECT_EQ(out["turnaround_ms"], 600);
  EXPECT_EQ(out["run_ms"], 500);
  EXPECT_EQ(out["submit_time"], "1970-01-01T00:00:01.000Z");
  EXPECT_TRUE(out["pid"].is_null());
}

}  // namespace
}  // namespace tend::jobs
