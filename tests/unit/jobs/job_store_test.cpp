#include "jobs/job_store.h"

#include <gtest/gtest.h>

#include "../log/temp_dir.h"

namespace tend::jobs {
namespace {

Job sample(JobId id, std::shared_ptr<const Environment> env) {
  Job j;
  j.id = id;
  j.spec.command = {"make", "-j2"};
  j.spec.cwd = "/src";
  j.spec.env = std::move(env);
  j.spec.queue = "build";
  j.spec.priority = 3;
  j.spec.timeout = Millis(5000);
  j.spec.retries = 2;
  j.spec.after = {1};
  j.submit_ms = 1000;
  return j;
}

TEST(JobStore, EverythingComesBackAfterReopening) {
  tend::testing::TempDir dir;
  std::string path = dir.file("jobs.db");
  auto env = std::make_shared<const Environment>(Environment{{"PATH", "/bin"}, {"HOME", "/root"}});
  {
    auto store = JobStore::open(path);
    ASSERT_TRUE(store.ok()) << store.error().message;
    ASSERT_TRUE(store->begin().ok());
    Job a = sample(7, env), b = sample(8, env);
    ASSERT_TRUE(store->insert_job(a).ok());
    ASSERT_TRUE(store->insert_job(b).ok());
    a.state = JobState::running;
    a.pid = 4242;
    a.start_ticks = 99;
    a.start_ms = 1500;
    a.attempts = 1;
    ASSERT_TRUE(store->update_job(a).ok());
    b.state = JobState::failed;
    b.exit_code = 3;
    b.end_ms = 2000;
    b.run = Millis(400);
    ASSERT_TRUE(store->update_job(b).ok());
    Attempt at{1, 1500, 2000, Millis(400), 3, std::nullopt, "failed", "exit 3"};
    ASSERT_TRUE(store->insert_attempt(8, at).ok());
    ASSERT_TRUE(store->put_estimate("[\"make\"]", {250.5, 2, 1}).ok());
    QueueConfig q;
    q.name = "build";
    q.slots = 3;
    q.policy = Policy::mlfq;
    q.paused = true;
    ASSERT_TRUE(store->put_queue(q).ok());
    Schedule sc;
    sc.name = "nightly";
    sc.cron = *CronExpr::parse("@daily");
    sc.spec = sample(0, env).spec;
    sc.no_overlap = true;
    sc.fired = 4;
    ASSERT_TRUE(store->put_schedule(sc).ok());
    ASSERT_TRUE(store->set_next_id(9).ok());
    ASSERT_TRUE(store->commit().ok());
  }
  auto store = JobStore::open(path);
  ASSERT_TRUE(store.ok());
  auto loaded = store->load();
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_EQ(loaded->jobs.size(), 2u);
  const Job& a = loaded->jobs[0];
  EXPECT_EQ(a.id, 7);
  EXPECT_EQ(a.state, JobState::running);
  EXPECT_EQ(a.pid, 4242);
  EXPECT_EQ(a.start_ticks, 99u);
  EXPECT_EQ(a.spec.command, (std::vector<std::string>{"make", "-j2"}));
  EXPECT_EQ(a.spec.timeout, Millis(5000));
  EXPECT_EQ(a.spec.after, (std::vector<JobId>{1}));
  EXPECT_EQ(a.spec.env->at("PATH"), "/bin");
  EXPECT_EQ(a.spec.env, loaded->jobs[1].spec.env) << "one shared environment";
  EXPECT_EQ(loaded->jobs[1].exit_code, 3);
  EXPECT_EQ(loaded->jobs[1].run, Millis(400));
  EXPECT_EQ(loaded->next_id, 9);
  ASSERT_EQ(loaded->queues.size(), 1u);
  EXPECT_EQ(loaded->queues[0].policy, Policy::mlfq);
  EXPECT_TRUE(loaded->queues[0].paused);
  ASSERT_EQ(loaded->estimates.size(), 1u);
  EXPECT_DOUBLE_EQ(loaded->estimates[0].second.tau_ms, 250.5);
  ASSERT_EQ(loaded->schedules.size(), 1u);
  EXPECT_EQ(loaded->schedules[0].fired, 4);
  EXPECT_TRUE(loaded->schedules[0].no_overlap);
  auto attempts = store->attempts(8);
  ASSERT_TRUE(attempts.ok());
  ASSERT_EQ(attempts->size(), 1u);
  EXPECT_EQ((*attempts)[0].reason, "exit 3");

  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->remove_jobs({7, 8}).ok());
  ASSERT_TRUE(store->remove_schedule("nightly").ok());
  ASSERT_TRUE(store->commit().ok());
  auto empty = store->load();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->jobs.empty());
  EXPECT_EQ(empty->next_id, 9) << "ids are not reused after pruning";
  EXPECT_TRUE(store->attempts(8)->empty());
}

TEST(JobStore, AnUnopenableFileIsAnError) {
  auto store = JobStore::open("/proc/no/such/dir/jobs.db");
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("unable to open"), std::string::npos) << store.error().message;
}

}  // namespace
}  // namespace tend::jobs
