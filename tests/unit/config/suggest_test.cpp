#include "config/suggest.h"

#include <gtest/gtest.h>

#include <array>

namespace tend {
namespace {

constexpr std::array<std::string_view, 4> kWords{"kill_timeout", "instances", "nice", "restart"};

TEST(ConfigSuggestTest, EditDistance) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("same", "same"), 0u);
}

TEST(ConfigSuggestTest, SuggestsOnlyCloseWords) {
  EXPECT_EQ(closest_match("kill_timout", kWords), "kill_timeout");
  EXPECT_EQ(closest_match("instance", kWords), "instances");
  EXPECT_EQ(closest_match("nise", kWords), "nice");
  EXPECT_EQ(closest_match("colour", kWords), std::nullopt);
  EXPECT_EQ(closest_match("x", kWords), std::nullopt);
}

}  // namespace
}  // namespace tend
