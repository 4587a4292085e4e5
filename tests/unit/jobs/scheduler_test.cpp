#include "jobs/scheduler.h"

#include <gtest/gtest.h>

#include "fake_processes.h"

namespace tend::jobs {
namespace {

using testing::Harness;
using std::chrono_literals::operator""ms;

TEST(SchedulerFcfs, RunsInSubmissionOrderOneSlotAtATime) {
  Harness h;
  JobId a = h.submit("a"), b = h.submit("b"), c = h.submit("c");
  h.scheduler.dispatch();
  EXPECT_EQ(h.processes.starts, (std::vector<JobId>{a}));
  EXPECT_EQ(h.state(b), JobState::queued);
  h.exit(a);
  h.exit(b);
  h.exit(c);
  EXPECT_EQ(h.processes.starts, (std::vector<JobId>{a, b, c}));
  EXPECT_EQ(h.state(c), JobState::done);
}

TEST(SchedulerFcfs, FillsEverySlot) {
  Harness h;
  ASSERT_TRUE(h.scheduler.configure(h.config("q", Policy::fcfs, 2)).ok());
  JobId a = h.submit("a", "q"), b = h.submit("b", "q"), c = h.submit("c", "q");
  h.scheduler.dispatch();
  EXPECT_EQ(h.processes.starts, (std::vector<JobId>{a, b}));
  h.exit(b);
  EXPECT_EQ(h.processes.starts.back(), c);
  EXPECT_EQ(h.scheduler.queue("q").running.size(), 2u);
}

TEST(SchedulerFcfs, NoDeadlineWithoutTimeoutsOrPreemption) {
  Harness h;
  h.submit("a");
  h.submit("b");
  h.scheduler.dispatch();
  EXPECT_FALSE(h.scheduler.next_deadline().has_value());
}

TEST(SchedulerQueues, PausedQueueStartsNothingUntilResumed) {
  Harness h;
  ASSERT_TRUE(h.scheduler.configure(h.config("q", Policy::fcfs)).ok());
  ASSERT_TRUE(h.scheduler.set_paused("q", true).ok());
  JobId a = h.submit("a", "q");
  h.scheduler.dispatch();
  EXPECT_TRUE(h.processes.starts.empty());
  ASSERT_TRUE(h.scheduler.set_paused("q", false).ok());
  h.scheduler.dispatch();
  EXPECT_EQ(h.processes.starts, (std::vector<JobId>{a}));
  EXPECT_FALSE(h.scheduler.set_paused("nope", true).ok());
}

TEST(SchedulerQueues, InvalidConfigurationIsRefused) {
  Harness h;
  auto c = h.config("q", Policy::rr, 0);
  EXPECT_EQ(h.scheduler.configure(c).error().code, EINVAL);
  c = h.config("bad name", Policy::rr);
  EXPECT_EQ(h.scheduler.configure(c).error().code, EINVAL);
}

TEST(SchedulerPriority, HighestFirstThenLongestWaiting) {
  Harness h;
  auto c = h.config("q", Policy::priority);
  c.paused = true;
  c.aging = Millis(0);
  ASSERT_TRUE(h.scheduler.configure(c).ok());
  JobId low = h.submit("low", "q", 1);
  h.clock.advance(5ms);
  JobId high = h.submit("high", "q", 5);
  JobId mid1 = h.submit("mid1", "q", 3);
  h.clock.advance(5ms);
  JobId mid2 = h.submit("mid2", "q", 3);
  ASSERT_TRUE(h.scheduler.set_paused("q", false).ok());
  h.scheduler.dispatch();
  for (JobId id : {high, mid1, mid2, low}) h.exit(id);
  EXPECT_EQ(h.processes.starts, (std::vector<JobId>{high, mid1, mid2, low}));
}

TEST(SchedulerPriority, EffectivePriorityRisesOneLevelPerAgingInterval) {
  MonoTime t0{Millis(10'000)};
  EXPECT_EQ(ReadyQueue::effective_priority(2, t0, Millis(100), t0 + 99ms), 2);
  EXPECT_EQ(ReadyQueue::effective_priority(2, t0, Millis(100), t0 + 100ms), 3);
  EXPECT_EQ(ReadyQueue::effective_priority(2, t0, Millis(100), t0 + 550ms), 7);
  EXPECT_EQ(ReadyQueue::effective_priority(2, t0, Millis(0), t0 + 550ms), 2);
}

// A stream of high-priority jobs, each submitted as the previous one starts (so one fresh high job is
// always waiting), runs 100 ms each. Without aging the low job waits for the stream to end.
int starts_before_low(Millis aging) {
  Harness h;
  auto c = h.config("q", Policy::priority);
  c.aging = aging;
  EXPECT_TRUE(h.scheduler.configure(c).ok());
  JobId first = h.submit("high", "q", 3);
  h.scheduler.dispatch();
  JobId low = h.submit("low", "q", 0);
  JobId current = first;
  JobId waiting = h.submit("high", "q", 3);
  for (int i = 0; i < 50 && h.state(low) == JobState::queued; ++i) {
    h.clock.advance(100ms);
    h.exit(current);
    if (h.state(low) == JobState::running) break;
    current = waiting;
    waiting = h.submit("high", "q", 3);
  }
  auto& starts = h.processes.starts;
  auto at = std::find(starts.begin(), starts.end(), low);
  return at == starts.end() ? -1 : int(at - starts.begin());
}

TEST(SchedulerPriority, AgingLetsALowPriorityJobRunUnderAStreamOfHighOnes) {
  int with_aging = starts_before_low(Millis(100));
  EXPECT_GT(with_aging, 0);
  EXPECT_LT(with_aging, 10);
  EXPECT_EQ(starts_before_low(Millis(0)), -1);  // starved for the whole stream
}

TEST(SchedulerSjf, ShortestEstimateFirst) {
  Harness h;
  auto c = h.config("q", Policy::sjf);
  c.paused = true;
  ASSERT_TRUE(h.scheduler.configure(c).ok());
  std::vector<JobId> ids;
  for (int ms : {3000, 1000, 2000}) {
    JobSpec s;
    s.command = {"job" + std::to_string(ms)};
    s.queue = "q";
    s.estimate = Millis(ms);
    ids.push_back(h.submit(std::move(s)));
  }
  ASSERT_TRUE(h.scheduler.set_paused("q", false).ok());
  h.scheduler.dispatch();
  for (JobId id : {ids[1], ids[2], ids[0]}) h.exit(id);
  EXPECT_EQ(h.processes.starts, (std::vector<JobId>{ids[1], ids[2], ids[0]}));
}

TEST(SchedulerSjf, PredictsFromPastRunsByExponentialAveraging) {
  Harness h;
  ASSERT_TRUE(h.scheduler.configure(h.config("q", Policy::sjf)).ok());
  auto run = [&](const std::string& cmd, Millis length) {
    JobId id = h.submit(cmd, "q");
    h.scheduler.dispatch();
    h.clock.advance(length);
    h.exit(id);
    return id;
  };
  run("slow", 4000ms);
  // τ1 = 0.5·4000 + 0.5·τ0 (1000) = 2500
  EXPECT_EQ(h.scheduler.estimates().predict("[\"slow\"]", std::nullopt), Millis(2500));
  run("slow", 4000ms);
  EXPECT_EQ(h.scheduler.estimates().predict("[\"slow\"]", std::nullopt), Millis(3250));
  run("quick", 100ms);  // τ = 550
  EXPECT_EQ(h.events.learned.at("[\"quick\"]").runs, 1);

  ASSERT_TRUE(h.scheduler.set_paused("q", true).ok());
  JobId slow = h.submit("slow", "q"), fresh = h.submit("fresh", "q"), quick = h.submit("quick", "q");
  ASSERT_TRUE(h.scheduler.set_paused("q", false).ok());
  h.scheduler.dispatch();
  EXPECT_EQ(h.job(slow).expected, Millis(3250));
  EXPECT_EQ(h.job(fresh).expected, RunEstimates::kInitialGuess);
  for (JobId id : {quick, fresh, slow}) h.exit(id);
  std::vector<JobId> tail(h.processes.starts.end() - 3, h.processes.starts.end());
  EXPECT_EQ(tail, (std::vector<JobId>{quick, fresh, slow}));
}

TEST(SchedulerRr, SlicesTwoJobsOnOneSlotWithStopAndContinue) {
  Harness h;
  auto c = h.config("q", Policy::rr);
  c.quantum = Millis(100);
  ASSERT_TRUE(h.scheduler.configure(c).ok());
  JobId a = h.submit("a", "q"), b = h.submit("b", "q");
  h.scheduler.dispatch();
  ASSERT_EQ(h.scheduler.next_deadline(), h.clock.now() + 100ms);
  h.advance(100ms);
  EXPECT_EQ(h.state(a), JobState::suspended);
  EXPECT_EQ(h.state(b), JobState::running);
  EXPECT_EQ(h.processes.signals_of(a), (std::vector<int>{SIGSTOP}));
  h.advance(100ms);
  EXPECT_EQ(h.state(a), JobState::running);
  EXPECT_EQ(h.state(b), JobState::suspended);
  EXPECT_EQ(h.processes.signals_of(a), (std::vector<int>{SIGSTOP, SIGCONT}));
  h.advance(50ms);
  h.exit(a);
  EXPECT_EQ(h.state(b), JobState::running);
  EXPECT_EQ(h.processes.signals_of(b), (std::vector<int>{SIGSTOP, SIGCONT}));
  // Alone now: no more slicing, no timer.
  EXPECT_FALSE(h.scheduler.next_deadline().has_value());
  EXPECT_EQ(h.job(a).run, Millis(150));
  EXPECT_EQ(h.job(a).wait_ms(h.clock.now(), h.clock.wall_ms()), 100);
}

TEST(SchedulerRr, SuspendedTimeDoesNotCountTowardsTheTimeout) {
  Harness h;
  auto c = h.config("q", Policy::rr);
  c.quantum = Millis(100);
  ASSERT_TRUE(h.scheduler.configure(c).ok());
  JobSpec s;
  s.command = {"a"};
  s.queue = "q";
  s.timeout = Millis(250);
  JobId a = h.submit(std::move(s));
  JobId b = h.submit("b", "q");
  h.scheduler.dispatch();
  h.advance(400ms);  // a ran 100, b 100, a 100, b 100: a has 200 of 250 ms and runs again
  EXPECT_EQ(h.processes.signals_of(a), (std::vector<int>{SIGSTOP, SIGCONT, SIGSTOP, SIGCONT}));
  EXPECT_EQ(h.scheduler.next_deadline(), h.clock.now() + 50ms);
  h.advance(100ms);  // times out at 450, after 250 ms of running in 450 ms
  EXPECT_EQ(h.processes.signals_of(a).back(), SIGTERM);
  h.killed(a, SIGTERM);
  EXPECT_EQ(h.state(a), JobState::timeout);
  (void)b;
}

TEST(SchedulerRr, CancellingASuspendedJobContinuesItAfterTheStopSignal) {
  Harness h;
  auto c = h.config("q", Policy::rr);
  c.quantum = Millis(100);
  ASSERT_TRUE(h.scheduler.configure(c).ok());
  JobId a = h.submit("a", "q"), b = h.submit("b", "q");
  h.scheduler.dispatch();
  h.advance(100ms);
  ASSERT_EQ(h.state(a), JobState::suspended);
  ASSERT_TRUE(h.scheduler.cancel(a, "cancelled by user").ok());
  EXPECT_EQ(h.processes.signals_of(a), (std::vector<int>{SIGSTOP, SIGTERM, SIGCONT}));
  EXPECT_EQ(h.state(a), JobState::running);  // continued, on its way out
  h.advance(Millis(10'000));
  EXPECT_EQ(h.processes.signals_of(a).back(), SIGKILL);  // it ignored SIGTERM
  h.killed(a, SIGKILL);
  EXPECT_EQ(h.state(a), JobState::cancelled);
  EXPECT_EQ(h.job(a).reason, "cancelled by user");
  EXPECT_EQ(h.state(b), JobState::running);
}

TEST(SchedulerMlfq, UsingTheWholeQuantumDemotesAndTheQuantumDoubles) {
  Harness h;
  auto c = h.config("q", Policy::mlfq);
  c.quantum = Millis(100);
  c.levels = 3;
  c.aging = Millis(0);
  ASSERT_TRUE(h.scheduler.configure(c).ok());
  JobId a = h.submit("a", "q");
  h.scheduler.dispatch();
  EXPECT_EQ(h.scheduler.next_deadline(), h.clock.now() + 100ms);
  h.advance(100ms);
  EXPECT_EQ(h.job(a).level, 1);
  EXPECT_EQ(h.scheduler.next_deadline(), h.clock.now() + 200ms);
  h.advance(200ms);
  EXPECT_EQ(h.job(a).level, 2);
  EXPECT_FALSE(h.scheduler.next_deadline().has_value());  // bottom level, nobody else: no timer
  EXPECT_TRUE(h.processes.signals_of(a).empty());           // alone: demoted without being stopped
}

TEST(SchedulerMlfq, ANewJobPreemptsALowerLevelAndShortJobsFinishFirst) {
  Harness h;
  auto c = h.config("q", Policy::mlfq);
  c.quantum = Millis(100);
  c.aging = Millis(0);
  ASSERT_TRUE(h.scheduler.configure(c).ok());
  JobId longer = h.submit("long", "q");
  h.scheduler.dispatch();
  h.advance(300ms);
  ASSERT_EQ(h.job(longer).level, 2);
  JobId quick = h.submit("quick", "q");
  h.scheduler.dispatch();
  EXPECT_EQ(h.state(longer), JobState::suspended);
  EXPECT_EQ(h.state(quick), JobState::running);
  h.advance(50ms);
  h.exit(quick);
  EXPECT_EQ(h.state(longer), JobState::running);
  EXPECT_EQ(h.job(longer).level, 2);
}

TEST(SchedulerMlfq, TwoJobsAtOneLevelShareItRoundRobin) {
  Harness h;
  auto c = h.config("q", Policy::mlfq);
  c.quantum = Millis(100);
  c.levels = 1;
  ASSERT_TRUE(h.scheduler.configure(c).ok());
  JobId a = h.submit("a", "q"), b = h.submit("b", "q");
  h.scheduler.dispatch();
  h.advance(100ms);
  EXPECT_EQ(h.state(a), JobState::suspended);
  EXPECT_EQ(h.state(b), JobState::running);
}

TEST(SchedulerMlfq, BoostReturnsEveryJobToTheTop) {
  Harness h;
  auto c = h.config("q", Policy::mlfq, 1);
  c.quantum = Millis(100);
  c.levels = 3;
  c.aging = Millis(1000);
  ASSERT_TRUE(h.scheduler.configure(c).ok());
  JobId a = h.submit("a", "q"), b = h.submit("b", "q");
  h.scheduler.dispatch();
  h.advance(100ms);  // a demoted (boost armed for 1100), b runs
  h.advance(100ms);  // b demoted, a (level 1) runs
  ASSERT_EQ(h.job(a).level, 1);
  ASSERT_EQ(h.job(b).level, 1);
  h.advance(900ms);  // boost at 1100
  EXPECT_EQ(h.job(a).level, 0);
  EXPECT_EQ(h.job(b).level, 0);
  // A job that keeps arriving can no longer starve the older ones: they compete at level 0 again.
  EXPECT_FALSE(h.scheduler.queue("q").boost_at && *h.scheduler.queue("q").boost_at < h.clock.now());
}

TEST(SchedulerTimeout, StopSignalThenSigkillOfTheGroup) {
  Harness h;
  JobSpec s;
  s.command = {"a"};
  s.timeout = Millis(300);
  s.kill_timeout = Millis(200);
  JobId a = h.submit(std::move(s));
  h.scheduler.dispatch();
  EXPECT_EQ(h.scheduler.next_deadline(), h.clock.now() + 300ms);
  h.advance(300ms);
  EXPECT_EQ(h.processes.signals_of(a), (std::vector<int>{SIGTERM}));
  EXPECT_EQ(h.state(a), JobState::running);
  h.advance(200ms);
  EXPECT_EQ(h.processes.signals_of(a), (std::vector<int>{SIGTERM, SIGKILL}));
  h.killed(a, SIGKILL);
  EXPECT_EQ(h.state(a), JobState::timeout);
  EXPECT_EQ(h.job(a).exit_signal, SIGKILL);
  EXPECT_EQ(job_exit_status(h.job(a)), 124);
}

TEST(SchedulerCancel, QueuedAtOnceRunningByItsStopSteps) {
  Harness h;
  JobId a = h.submit("a"), b = h.submit("b");
  h.scheduler.dispatch();
  ASSERT_TRUE(h.scheduler.cancel(b, "cancelled").ok());
  EXPECT_EQ(h.state(b), JobState::cancelled);
  ASSERT_TRUE(h.scheduler.cancel(a, "cancelled").ok());
  EXPECT_EQ(h.state(a), JobState::running);
  EXPECT_EQ(h.processes.signals_of(a), (std::vector<int>{SIGTERM}));
  h.killed(a, SIGTERM);
  EXPECT_EQ(h.state(a), JobState::cancelled);
  EXPECT_EQ(h.scheduler.cancel(a, "again").error().code, EALREADY);
  EXPECT_EQ(h.scheduler.cancel(99, "x").error().code, ENOENT);
  EXPECT_EQ(h.events.attempts[a].back().outcome, "cancelled");
}

TEST(SchedulerRetries, FailedAttemptsAreRetriedWithTheCoresBackoff) {
  Harness h;
  JobSpec s;
  s.command = {"flaky"};
  s.retries = 2;
  JobId a = h.submit(std::move(s));
  h.scheduler.dispatch();
  h.exit(a, 3);
  EXPECT_EQ(h.state(a), JobState::queued);
  EXPECT_EQ(h.scheduler.next_deadline(), h.clock.now() + 100ms);
  h.advance(99ms);
  EXPECT_EQ(h.processes.starts.size(), 1u);
  h.advance(1ms);
  EXPECT_EQ(h.processes.starts.size(), 2u);
  h.exit(a, 3);
  EXPECT_EQ(h.scheduler.next_deadline(), h.clock.now() + 200ms);
  h.advance(200ms);
  h.exit(a, 3);
  EXPECT_EQ(h.state(a), JobState::failed);
  EXPECT_EQ(h.job(a).attempts, 3);
  EXPECT_EQ(h.job(a).exit_code, 3);
  EXPECT_EQ(h.events.attempts[a].size(), 3u);
}

TEST(SchedulerRetries, ASuccessfulRetryEndsDone) {
  Harness h;
  JobSpec s;
  s.command = {"flaky"};
  s.retries = 3;
  JobId a = h.submit(std::move(s));
  h.scheduler.dispatch();
  h.killed(a, SIGSEGV);
  h.advance(100ms);
  h.exit(a, 0);
  EXPECT_EQ(h.state(a), JobState::done);
  EXPECT_EQ(h.job(a).attempts, 2);
  EXPECT_FALSE(h.job(a).exit_signal.has_value());
}

TEST(SchedulerSpawn, AFailedSpawnFailsTheJobWithTheReason) {
  Harness h;
  h.processes.failing.insert("/no/such");
  JobId a = h.submit("/no/such");
  JobId b = h.submit("b");
  h.scheduler.dispatch();
  EXPECT_EQ(h.state(a), JobState::failed);
  EXPECT_EQ(h.job(a).reason, "exec /no/such: No such file or directory");
  EXPECT_FALSE(h.job(a).start_ms.has_value());
  EXPECT_EQ(h.state(b), JobState::running);  // the slot went to the next job
}

TEST(SchedulerAfter, HeldUntilDependenciesAreDone) {
  Harness h;
  ASSERT_TRUE(h.scheduler.configure(h.config("default", Policy::fcfs, 4)).ok());
  JobId a = h.submit("a");
  JobSpec s;
  s.command = {"b"};
  s.after = {a};
  JobId b = h.submit(std::move(s));
  h.scheduler.dispatch();
  EXPECT_EQ(h.state(b), JobState::queued);
  EXPECT_EQ(h.job(b).reason, "waiting for job 1");
  h.exit(a);
  EXPECT_EQ(h.state(b), JobState::running);
}

TEST(SchedulerAfter, AFailedDependencyCancelsTheChain) {
  Harness h;
  ASSERT_TRUE(h.scheduler.configure(h.config("default", Policy::fcfs, 4)).ok());
  JobId a = h.submit("a");
  JobSpec s;
  s.command = {"b"};
  s.after = {a};
  JobId b = h.submit(s);
  s.after = {b};
  JobId c = h.submit(s);
  h.scheduler.dispatch();
  h.exit(a, 1);
  EXPECT_EQ(h.state(b), JobState::cancelled);
  EXPECT_EQ(h.job(b).reason, "job 1 failed");
  EXPECT_EQ(h.state(c), JobState::cancelled);
  EXPECT_EQ(h.job(c).reason, "job 2 cancelled");
  // Submitted after the failure: cancelled at once; an unknown id is refused.
  s.after = {a};
  JobId d = h.submit(s);
  EXPECT_EQ(h.state(d), JobState::cancelled);
  s.after = {77};
  EXPECT_EQ(h.scheduler.submit(s).error().code, ENOENT);
}

TEST(SchedulerRestore, QueuedJobsStayQueuedAndAdoptedOnesKeepTheirSlot) {
  Harness h;
  Job running;
  running.id = 4;
  running.spec.command = {"r"};
  running.state = JobState::running;
  running.pid = 777;
  running.attempts = 1;
  Job queued;
  queued.id = 5;
  queued.spec.command = {"q"};
  h.scheduler.restore(running);
  h.scheduler.restore(queued);
  h.scheduler.dispatch();
  EXPECT_TRUE(h.processes.starts.empty());  // the slot is the adopted job's
  h.scheduler.on_exit(4, ExitInfo{});       // exit status unknown
  h.scheduler.dispatch();
  EXPECT_EQ(h.state(4), JobState::failed);
  EXPECT_EQ(h.processes.starts, (std::vector<JobId>{5}));
  EXPECT_EQ(h.scheduler.next_id(), 6);
}

TEST(SchedulerShutdown, StopsJobsWithProcessesAndKeepsTheQueue) {
  Harness h;
  JobId a = h.submit("a"), b = h.submit("b");
  h.scheduler.dispatch();
  h.scheduler.begin_shutdown();
  EXPECT_EQ(h.processes.signals_of(a), (std::vector<int>{SIGTERM}));
  EXPECT_FALSE(h.scheduler.idle());
  h.killed(a, SIGTERM);
  EXPECT_TRUE(h.scheduler.idle());
  EXPECT_EQ(h.state(a), JobState::cancelled);
  EXPECT_EQ(h.job(a).reason, "daemon shut down");
  EXPECT_EQ(h.state(b), JobState::queued);
  EXPECT_EQ(h.processes.starts.size(), 1u);
}

TEST(SchedulerQueues, ChangingThePolicyReordersTheReadyQueue) {
  Harness h;
  auto c = h.config("q", Policy::fcfs);
  c.paused = true;
  ASSERT_TRUE(h.scheduler.configure(c).ok());
  JobId low = h.submit("low", "q", 0), high = h.submit("high", "q", 9);
  c.policy = Policy::priority;
  c.paused = false;
  ASSERT_TRUE(h.scheduler.configure(c).ok());
  h.scheduler.dispatch();
  EXPECT_EQ(h.processes.starts, (std::vector<JobId>{high}));
  (void)low;
}

TEST(SchedulerMetrics, WaitResponseTurnaroundAndRun) {
  Harness h;
  JobId a = h.submit("a"), b = h.submit("b");
  h.scheduler.dispatch();
  h.clock.advance(300ms);
  h.exit(a);
  h.clock.advance(200ms);
  h.exit(b);
  const Job& jb = h.job(b);
  EXPECT_EQ(jb.response_ms(), 300);
  EXPECT_EQ(jb.turnaround_ms(), 500);
  EXPECT_EQ(jb.run, Millis(200));
  EXPECT_EQ(jb.wait_ms(h.clock.now(), h.clock.wall_ms()), 300);
}

}  // namespace
}  // namespace tend::jobs
