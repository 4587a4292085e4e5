#include "config/dependencies.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

using Names = std::vector<std::string>;

TEST(ConfigDependenciesTest, StartOrderPutsDependenciesFirst) {
  DependencyGraph g{
      {"web", {"migrate", "cache"}}, {"worker", {"migrate"}}, {"migrate", {"db"}}, {"db", {}}, {"cache", {}}};
  EXPECT_EQ(start_order(g), (Names{"db", "cache", "migrate", "web", "worker"}));
}

TEST(ConfigDependenciesTest, UnknownNamesAreIgnored) {
  EXPECT_EQ(start_order({{"a", {"ghost"}}}), Names{"a"});
  EXPECT_TRUE(find_cycles({{"a", {"ghost"}}}).empty());
}

TEST(ConfigDependenciesTest, FindsEachCycleOnce) {
  DependencyGraph g{{"a", {"b"}}, {"b", {"a"}}, {"c", {"c"}}, {"d", {"a"}}};
  EXPECT_EQ(find_cycles(g), (std::vector<Names>{{"a", "b", "a"}, {"c", "c"}}));
  EXPECT_TRUE(start_order(g).empty());
}

}  // namespace
}  // namespace tend
