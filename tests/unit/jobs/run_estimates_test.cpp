#include "jobs/run_estimates.h"

#include <gtest/gtest.h>

namespace tend::jobs {
namespace {

TEST(RunEstimates, ExplicitEstimateWinsThenHistoryThenTheInitialGuess) {
  RunEstimates e;
  EXPECT_EQ(e.predict("[\"a\"]", std::nullopt), RunEstimates::kInitialGuess);
  EXPECT_EQ(e.predict("[\"a\"]", Millis(42)), Millis(42));
  e.learn("[\"a\"]", Millis(3000), std::nullopt, 1);
  EXPECT_EQ(e.predict("[\"a\"]", std::nullopt), Millis(2000));  // 0.5·3000 + 0.5·1000
  EXPECT_EQ(e.predict("[\"a\"]", Millis(7)), Millis(7));
}

TEST(RunEstimates, TheFirstRunAveragesWithTheExplicitEstimateAsTauZero) {
  RunEstimates e;
  auto entry = e.learn("k", Millis(100), Millis(300), 1);
  EXPECT_DOUBLE_EQ(entry.tau_ms, 200);
  EXPECT_EQ(entry.runs, 1);
  entry = e.learn("k", Millis(100), Millis(300), 2);
  EXPECT_DOUBLE_EQ(entry.tau_ms, 150);
  EXPECT_EQ(entry.runs, 2);
}

TEST(RunEstimates, ForgetsTheLeastRecentlyRunBeyondTheCap) {
  RunEstimates e;
  for (std::size_t i = 0; i <= RunEstimates::kMaxCommands; ++i)
    e.learn("cmd" + std::to_string(i), Millis(10), std::nullopt, std::int64_t(i));
  EXPECT_LE(e.size(), RunEstimates::kMaxCommands);
  EXPECT_EQ(e.forgets(), 1u);
  EXPECT_FALSE(e.find("cmd0").has_value());
  EXPECT_TRUE(e.find("cmd" + std::to_string(RunEstimates::kMaxCommands)).has_value());
}

}  // namespace
}  // namespace tend::jobs
