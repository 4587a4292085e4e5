#include "jobs/ready_queue.h"

#include <gtest/gtest.h>

namespace tend::jobs {
namespace {

Job job(JobId id, int priority = 0, MonoTime ready = MonoTime{}, std::uint64_t seq = 0, int level = 0) {
  Job j;
  j.id = id;
  j.spec.priority = priority;
  j.ready_since = ready;
  j.ready_seq = seq;
  j.level = level;
  return j;
}

TEST(ReadyQueue, FcfsIsIdOrderWhateverTheEntryOrder) {
  ReadyQueue q;
  QueueConfig c;
  for (JobId id : {5, 2, 9}) q.add(job(id), Policy::fcfs);
  EXPECT_EQ(q.pick(c, MonoTime{}), 2);
  q.remove(2);
  EXPECT_EQ(q.pick(c, MonoTime{}), 5);
  EXPECT_EQ(q.size(), 2u);
  EXPECT_FALSE(q.contains(2));
}

TEST(ReadyQueue, RrIsEntryOrder) {
  ReadyQueue q;
  QueueConfig c;
  c.policy = Policy::rr;
  q.add(job(1, 0, {}, 30), Policy::rr);
  q.add(job(2, 0, {}, 10), Policy::rr);
  EXPECT_EQ(q.pick(c, MonoTime{}), 2);
}

TEST(ReadyQueue, MlfqIsLevelThenEntryOrder) {
  ReadyQueue q;
  QueueConfig c;
  c.policy = Policy::mlfq;
  q.add(job(1, 0, {}, 1, 2), Policy::mlfq);
  q.add(job(2, 0, {}, 5, 0), Policy::mlfq);
  q.add(job(3, 0, {}, 2, 0), Policy::mlfq);
  EXPECT_EQ(q.ids(), (std::vector<JobId>{3, 2, 1}));
}

TEST(ReadyQueue, AgingPicksTheHighestEffectivePriorityAmongManyJobs) {
  ReadyQueue q;
  QueueConfig c;
  c.policy = Policy::priority;
  c.aging = Millis(100);
  MonoTime t0{Millis(100'000)};
  // 50,000 fresh priority-5 jobs and one priority-0 job that has waited 800 ms (effective 8).
  for (JobId id = 1; id <= 50'000; ++id) q.add(job(id, 5, t0 + Millis(790)), Policy::priority);
  q.add(job(99'999, 0, t0), Policy::priority);
  EXPECT_EQ(q.pick(c, t0 + Millis(800)), 99'999);
  c.aging = Millis(0);
  EXPECT_EQ(q.pick(c, t0 + Millis(800)), 1);
}

}  // namespace
}  // namespace tend::jobs
