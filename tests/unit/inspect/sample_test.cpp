#include "inspect/sample.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr long kHz = 100;

Reading cpu_at(pid_t pid, std::int64_t at_ns, std::uint64_t ticks) {
  Reading r;
  r.pid = pid;
  r.cpu_at_ns = at_ns;
  r.cpu_ticks = ticks;
  return r;
}

Reading with_ctxt(Reading r, std::uint64_t voluntary, std::uint64_t nonvoluntary) {
  r.ctxt_at_ns = r.cpu_at_ns;
  r.voluntary = voluntary;
  r.nonvoluntary = nonvoluntary;
  return r;
}

TEST(SampleTest, FirstReadingCoversTheTimeSinceStart) {
  SampleState s;
  take_reading(s, cpu_at(7, 11 * kSecond, 50), start_reading(7, 10 * kSecond), kHz, false);
  EXPECT_FLOAT_EQ(s.figures.cpu_percent, 50);
  EXPECT_EQ(s.figures.cpu_interval_ms, 1000);
  EXPECT_TRUE(std::isnan(s.figures.voluntary_per_s));
}

TEST(SampleTest, OneShotReadingsTooCloseKeepThePreviousInterval) {
  SampleState s;
  Reading start = start_reading(7, 0);
  take_reading(s, cpu_at(7, 2 * kSecond, 100), start, kHz, false);  // 50% since start
  take_reading(s, cpu_at(7, 2 * kSecond + 50'000'000, 105), start, kHz, false);
  EXPECT_FLOAT_EQ(s.figures.cpu_percent, 50);
  EXPECT_EQ(s.last.cpu_ticks, 100u);
  take_reading(s, cpu_at(7, 3 * kSecond, 200), start, kHz, false);  // a full CPU over the last second
  EXPECT_FLOAT_EQ(s.figures.cpu_percent, 100);
  EXPECT_EQ(s.figures.cpu_interval_ms, 1000);
}

TEST(SampleTest, WhilePeriodicOneShotReadingsChangeNothing) {
  SampleState s;
  Reading start = start_reading(7, 0);
  take_reading(s, cpu_at(7, 1 * kSecond, 10), start, kHz, true);
  s.periodic = true;
  take_reading(s, cpu_at(7, 1 * kSecond + 900'000'000, 100), start, kHz, false);
  EXPECT_FLOAT_EQ(s.figures.cpu_percent, 10);
  EXPECT_EQ(s.last.cpu_ticks, 10u);
  take_reading(s, cpu_at(7, 2 * kSecond, 35), start, kHz, true);  // periodic: always a new interval
  EXPECT_FLOAT_EQ(s.figures.cpu_percent, 25);
}

TEST(SampleTest, APeriodicReadingRightAfterAOneShotStillComputes) {
  SampleState s;
  Reading start = start_reading(7, 0);
  take_reading(s, cpu_at(7, 1 * kSecond, 0), start, kHz, false);
  take_reading(s, cpu_at(7, 1 * kSecond + 100'000'000, 10), start, kHz, true);
  EXPECT_FLOAT_EQ(s.figures.cpu_percent, 100);
  EXPECT_EQ(s.figures.cpu_interval_ms, 100);
}

TEST(SampleTest, MultiThreadedProcessesCanExceedOneCpu) {
  SampleState s;
  take_reading(s, cpu_at(7, kSecond, 300), start_reading(7, 0), kHz, true);
  EXPECT_FLOAT_EQ(s.figures.cpu_percent, 300);
}

TEST(SampleTest, ANewPidStartsOver) {
  SampleState s;
  take_reading(s, with_ctxt(cpu_at(7, 5 * kSecond, 100), 10, 1), start_reading(7, 0), kHz, true);
  s.over_limit = 1;
  take_reading(s, cpu_at(8, 6 * kSecond, 10), start_reading(8, 5 * kSecond), kHz, true);
  EXPECT_EQ(s.last.pid, 8);
  EXPECT_FLOAT_EQ(s.figures.cpu_percent, 10);
  EXPECT_TRUE(std::isnan(s.figures.voluntary_per_s));
  EXPECT_EQ(s.over_limit, 0);
}

TEST(SampleTest, ContextSwitchRatesKeepTheirOwnBaseline) {
  SampleState s;
  Reading start = start_reading(7, 0);
  take_reading(s, with_ctxt(cpu_at(7, 1 * kSecond, 0), 100, 10), start, kHz, false);  // since start
  EXPECT_FLOAT_EQ(s.figures.voluntary_per_s, 100);
  EXPECT_FLOAT_EQ(s.figures.nonvoluntary_per_s, 10);
  take_reading(s, cpu_at(7, 2 * kSecond, 0), start, kHz, false);  // ls: no switch counters
  EXPECT_EQ(s.last.voluntary, 100u);
  take_reading(s, with_ctxt(cpu_at(7, 3 * kSecond, 0), 300, 10), start, kHz, false);
  EXPECT_FLOAT_EQ(s.figures.voluntary_per_s, 100);  // 200 more over the 2 s since the last counted
  EXPECT_FLOAT_EQ(s.figures.nonvoluntary_per_s, 0);
  EXPECT_EQ(s.figures.ctxt_interval_ms, 2000);
}

TEST(SampleTest, CountersGoingBackwardsGiveZero) {
  SampleState s;
  Reading start = start_reading(7, 0);
  take_reading(s, with_ctxt(cpu_at(7, 1 * kSecond, 10), 500, 50), start, kHz, true);
  take_reading(s, with_ctxt(cpu_at(7, 2 * kSecond, 20), 400, 60), start, kHz, true);
  EXPECT_FLOAT_EQ(s.figures.voluntary_per_s, 0);
  EXPECT_FLOAT_EQ(s.figures.nonvoluntary_per_s, 10);
}

TEST(SampleTest, MemoryLimitNeedsTwoConsecutiveSamplesAbove) {
  SampleState s;
  std::optional<std::uint64_t> limit = 100;
  EXPECT_FALSE(note_memory_sample(s, 150, limit, true));
  EXPECT_FALSE(note_memory_sample(s, 90, limit, true));  // back under: starts over
  EXPECT_FALSE(note_memory_sample(s, 150, limit, true));
  EXPECT_TRUE(note_memory_sample(s, 150, limit, true));
  EXPECT_EQ(s.over_limit, 0);  // a restart follows; counting starts over
  EXPECT_FALSE(note_memory_sample(s, 100, limit, true));  // at the limit is not above it
  EXPECT_FALSE(note_memory_sample(s, 150, limit, true));
  EXPECT_FALSE(note_memory_sample(s, 150, limit, false));  // stopping: not counted, and the count resets
  EXPECT_FALSE(note_memory_sample(s, 150, limit, true));
  EXPECT_FALSE(note_memory_sample(s, std::nullopt, limit, true));
  EXPECT_FALSE(note_memory_sample(s, 150, std::nullopt, true));
}

TEST(SampleTest, KnownTurnsNanIntoNullopt) {
  EXPECT_FALSE(known(NAN));
  EXPECT_EQ(known(2.5f), 2.5);
}

}  // namespace
}  // namespace tend
