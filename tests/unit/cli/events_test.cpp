#include "cli/events.h"

#include <gtest/gtest.h>

#include "cli/text.h"

namespace tend::cli {
namespace {

TEST(EventsCliTest, OneLinePerEvent) {
  StoredEvent e;
  e.time_ms = 1764556800123;
  e.record = {"exit", "web", 2, "pid 4711 ended (exit 1) after 3.2s", {}};
  EXPECT_EQ(format_event_line(e), "2025-12-01T02:40:00.123Z  web:2            exit         pid 4711 ended (exit 1) after 3.2s\n");
  e.record = {"apply", "", -1, "tend.toml applied:\nsneaky", {}};
  EXPECT_EQ(format_event_line(e), "2025-12-01T02:40:00.123Z  -                apply        tend.toml applied:?sneaky\n");
}

TEST(EventsCliTest, TargetsAreNameOrNameColonIndex) {
  auto plain = parse_target("web");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->program, "web");
  EXPECT_EQ(plain->instance, -1);
  auto one = parse_target("web:3");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->instance, 3);
  EXPECT_FALSE(parse_target("web:x"));
  EXPECT_FALSE(parse_target("web:-1"));
  EXPECT_FALSE(parse_target("bad name"));
  EXPECT_FALSE(parse_target(""));
}

}  // namespace
}  // namespace tend::cli
