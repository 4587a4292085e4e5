#include "cli/zombies.h"

#include <gtest/gtest.h>

namespace tend::cli {
namespace {

using std::chrono::milliseconds;

TEST(ZombiesCliTest, SaysNoZombiesWhenThereAreNone) {
  EXPECT_EQ(format_zombies_table({}), "no zombies\n");
  EXPECT_EQ(zombies_json({}).dump(), "[]");
}

TEST(ZombiesCliTest, PrintsOneRowPerZombie) {
  std::vector<Zombie> zombies = {
      {4711, "worker", 4700, "/usr/bin/python3 app.py", milliseconds(2300)},
      {4712, "a\nb", 1, "", std::nullopt},
  };
  EXPECT_EQ(format_zombies_table(zombies),
            "     PID     PPID ZOMBIE FOR  NAME             PARENT COMMAND\n"
            "    4711     4700       2.3s  worker           /usr/bin/python3 app.py\n"
            "    4712        1          ?  a?b              -\n");
}

TEST(ZombiesCliTest, JsonCarriesTheStableKeys) {
  std::vector<Zombie> zombies = {{4711, "worker", 4700, "[init]", milliseconds(12)},
                                 {4712, "x", 4700, "[init]", std::nullopt}};
  auto j = zombies_json(zombies);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0], (nlohmann::json{{"pid", 4711},
                                  {"ppid", 4700},
                                  {"name", "worker"},
                                  {"parent_command", "[init]"},
                                  {"zombie_for_ms", 12}}));
  EXPECT_TRUE(j[1]["zombie_for_ms"].is_null());
}

TEST(ZombiesCliTest, FormatsAgesForPeople) {
  EXPECT_EQ(format_zombie_age(std::nullopt), "?");
  EXPECT_EQ(format_zombie_age(milliseconds(0)), "0ms");
  EXPECT_EQ(format_zombie_age(milliseconds(850)), "850ms");
  EXPECT_EQ(format_zombie_age(milliseconds(12'345)), "12.3s");
  EXPECT_EQ(format_zombie_age(milliseconds(192'000)), "3m12s");
  EXPECT_EQ(format_zombie_age(milliseconds(7'500'000)), "2h05m");
}

}  // namespace
}  // namespace tend::cli
