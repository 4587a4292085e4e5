#include "core/state.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

TEST(StateTest, NamesRoundTrip) {
  for (auto s : {State::created, State::starting, State::running, State::stopping, State::stopped, State::exited,
                 State::backoff, State::failed, State::waiting})
    EXPECT_EQ(parse_state(state_name(s)), s);
  EXPECT_EQ(state_name(State::created), "new");
  EXPECT_FALSE(parse_state("sleeping").has_value());
}

TEST(StateTest, LifecycleTransitions) {
  EXPECT_TRUE(transition_allowed(State::created, State::starting));
  EXPECT_TRUE(transition_allowed(State::starting, State::running));
  EXPECT_TRUE(transition_allowed(State::running, State::backoff));
  EXPECT_TRUE(transition_allowed(State::backoff, State::starting));
  EXPECT_TRUE(transition_allowed(State::running, State::stopping));
  EXPECT_TRUE(transition_allowed(State::stopping, State::stopped));
  EXPECT_TRUE(transition_allowed(State::backoff, State::stopped));
}

TEST(StateTest, WaitingForDependencies) {
  EXPECT_TRUE(transition_allowed(State::created, State::waiting));
  EXPECT_TRUE(transition_allowed(State::stopped, State::waiting));
  EXPECT_TRUE(transition_allowed(State::waiting, State::starting));
  EXPECT_TRUE(transition_allowed(State::waiting, State::stopped));
  EXPECT_FALSE(transition_allowed(State::waiting, State::running));
  EXPECT_FALSE(transition_allowed(State::running, State::waiting));
  EXPECT_EQ(seed_state(State::waiting), "waiting");
}

TEST(StateTest, IllegalTransitionsAreRefused) {
  EXPECT_FALSE(transition_allowed(State::stopped, State::running));
  EXPECT_FALSE(transition_allowed(State::stopping, State::running));
  EXPECT_FALSE(transition_allowed(State::stopping, State::backoff));
  EXPECT_FALSE(transition_allowed(State::created, State::running));
  EXPECT_FALSE(transition_allowed(State::exited, State::running));
}

TEST(StateTest, SeedStates) {
  EXPECT_EQ(seed_state(State::backoff), "waiting");
  EXPECT_EQ(seed_state(State::starting), "ready");
  EXPECT_EQ(seed_state(State::failed), "terminated");
}

}  // namespace
}  // namespace tend
