#include "util/units.h"

#include <gtest/gtest.h>

#include "util/signals.h"

namespace tend {
namespace {

TEST(UnitsTest, ParsesDurations) {
  EXPECT_EQ(parse_duration("250ms")->count(), 250);
  EXPECT_EQ(parse_duration("5s")->count(), 5000);
  EXPECT_EQ(parse_duration("2m")->count(), 120000);
  EXPECT_EQ(parse_duration("1h")->count(), 3600000);
  EXPECT_EQ(parse_duration("0")->count(), 0);
}

TEST(UnitsTest, RejectsBadDurations) {
  for (auto bad : {"", "-5s", "5x", "s", "1.5s", "99999999999999999999ms", "5 s"}) {
    auto r = parse_duration(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_EQ(parse_duration("5x").error().message, "invalid duration '5x': unknown unit 'x'");
}

TEST(UnitsTest, ParsesSizes) {
  EXPECT_EQ(*parse_size("512K"), 512u * 1024);
  EXPECT_EQ(*parse_size("10M"), 10u * 1024 * 1024);
  EXPECT_EQ(*parse_size("1G"), 1024ull * 1024 * 1024);
  EXPECT_EQ(*parse_size("100"), 100u);
  EXPECT_FALSE(parse_size("10Q").ok());
  EXPECT_FALSE(parse_size("M").ok());
}

TEST(UnitsTest, FormatsDurationsAndSizes) {
  EXPECT_EQ(format_duration(Millis(250)), "250ms");
  EXPECT_EQ(format_duration(Millis(5000)), "5s");
  EXPECT_EQ(format_duration(Millis(120000)), "2m");
  EXPECT_EQ(format_uptime(Millis(192000)), "3m12s");
  EXPECT_EQ(format_elapsed(Millis(850)), "850ms");
  EXPECT_EQ(format_elapsed(Millis(12345)), "12.3s");
  EXPECT_EQ(format_elapsed(Millis(192000)), "3m12s");
  EXPECT_EQ(format_size(512), "512B");
  EXPECT_EQ(format_size(10 * 1024 * 1024), "10.0M");
}

TEST(SignalsTest, ParsesNamesAndNumbers) {
  EXPECT_EQ(*parse_signal("TERM"), 15);
  EXPECT_EQ(*parse_signal("SIGKILL"), 9);
  EXPECT_EQ(*parse_signal("hup"), 1);
  EXPECT_EQ(*parse_signal("10"), 10);
  EXPECT_FALSE(parse_signal("NOPE").ok());
  EXPECT_FALSE(parse_signal("0").ok());
  EXPECT_FALSE(parse_signal("999").ok());
  EXPECT_EQ(signal_name(9), "SIGKILL");
}

}  // namespace
}  // namespace tend
