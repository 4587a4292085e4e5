#include "util/user_names.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

TEST(UserNamesTest, NamesRootAndNotUnknownIds) {
  EXPECT_EQ(user_name(0), "root");
  EXPECT_EQ(group_name(0), "root");
  EXPECT_FALSE(user_name(uid_t(3'999'999'999u)).has_value());
  EXPECT_FALSE(group_name(gid_t(3'999'999'999u)).has_value());
}

}  // namespace
}  // namespace tend
