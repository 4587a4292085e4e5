#include "jobs/cron.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace tend::jobs {
namespace {

/// Runs a test in a given time zone (POSIX TZ rules need no tzdata) and puts the old one back.
class CronTest : public ::testing::Test {
 protected:
  void use_zone(const char* tz) {
    setenv("TZ", tz, 1);
    tzset();
  }
  void SetUp() override {
    const char* old = getenv("TZ");
    had_tz_ = old != nullptr;
    if (old) old_tz_ = old;
    use_zone("UTC0");
  }
  void TearDown() override {
    if (had_tz_) setenv("TZ", old_tz_.c_str(), 1);
    else unsetenv("TZ");
    tzset();
  }
  static std::time_t at(int y, int mo, int d, int h, int mi, int s = 0) {
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    tm.tm_isdst = -1;
    return mktime(&tm);
  }
  static std::time_t next(const char* expr, std::time_t from) {
    auto e = CronExpr::parse(expr);
    EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message);
    auto t = e.ok() ? e->next_after(from) : std::nullopt;
    EXPECT_TRUE(t.has_value()) << expr;
    return t.value_or(0);
  }

 private:
  bool had_tz_ = false;
  std::string old_tz_;
};

TEST_F(CronTest, EveryMinuteFiresAtTheNextWholeMinute) {
  EXPECT_EQ(next("* * * * *", at(2026, 3, 4, 10, 15, 30)), at(2026, 3, 4, 10, 16));
  EXPECT_EQ(next("* * * * *", at(2026, 3, 4, 10, 16)), at(2026, 3, 4, 10, 17));  // strictly after
}

TEST_F(CronTest, FieldsRangesStepsAndLists) {
  std::time_t from = at(2026, 3, 4, 10, 15);  // a Wednesday
  EXPECT_EQ(next("30 2 * * *", from), at(2026, 3, 5, 2, 30));
  EXPECT_EQ(next("*/20 * * * *", from), at(2026, 3, 4, 10, 20));
  EXPECT_EQ(next("5,50 10-11 * * *", from), at(2026, 3, 4, 10, 50));
  EXPECT_EQ(next("0 9-17/4 * * *", from), at(2026, 3, 4, 13, 0));
  EXPECT_EQ(next("10/25 * * * *", from), at(2026, 3, 4, 10, 35));
  EXPECT_EQ(next("0 0 1 * *", from), at(2026, 4, 1, 0, 0));
  EXPECT_EQ(next("0 0 * * SUN", from), at(2026, 3, 8, 0, 0));
  EXPECT_EQ(next("0 0 * * 7", from), at(2026, 3, 8, 0, 0));
  EXPECT_EQ(next("0 12 * JUN-aug *", from), at(2026, 6, 1, 12, 0));
}

TEST_F(CronTest, Macros) {
  std::time_t from = at(2026, 3, 4, 10, 15);
  EXPECT_EQ(next("@hourly", from), at(2026, 3, 4, 11, 0));
  EXPECT_EQ(next("@daily", from), at(2026, 3, 5, 0, 0));
  EXPECT_EQ(next("@midnight", from), at(2026, 3, 5, 0, 0));
  EXPECT_EQ(next("@weekly", from), at(2026, 3, 8, 0, 0));
  EXPECT_EQ(next("@monthly", from), at(2026, 4, 1, 0, 0));
  EXPECT_EQ(next("@yearly", from), at(2027, 1, 1, 0, 0));
  EXPECT_EQ(next("@annually", from), at(2027, 1, 1, 0, 0));
}

TEST_F(CronTest, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  std::time_t from = at(2026, 3, 4, 10, 15);  // Wednesday the 4th
  // The 10th, or any Friday: Friday the 6th comes first.
  EXPECT_EQ(next("0 0 10 * FRI", from), at(2026, 3, 6, 0, 0));
  // Only the day of month restricted: the 10th.
  EXPECT_EQ(next("0 0 10 * *", from), at(2026, 3, 10, 0, 0));
}

TEST_F(CronTest, SixFieldsHaveSecondsFirst) {
  std::time_t from = at(2026, 3, 4, 10, 15, 1);
  EXPECT_EQ(next("*/2 * * * * *", from), at(2026, 3, 4, 10, 15, 2));
  EXPECT_EQ(next("30 * * * * *", from), at(2026, 3, 4, 10, 15, 30));
}

TEST_F(CronTest, LeapDayAndImpossibleDates) {
  EXPECT_EQ(next("0 0 29 2 *", at(2026, 3, 1, 0, 0)), at(2028, 2, 29, 0, 0));
  auto never = CronExpr::parse("0 0 30 2 *");
  ASSERT_TRUE(never.ok());
  EXPECT_FALSE(never->next_after(at(2026, 1, 1, 0, 0)).has_value());
}

TEST_F(CronTest, LocalTimeAcrossDaylightSavingChanges) {
  use_zone("CET-1CEST,M3.5.0,M10.5.0/3");  // central Europe, without needing tzdata
  // 2026-03-29: 02:00 becomes 03:00. 02:30 does not exist that day: the next one is the day after.
  EXPECT_EQ(next("30 2 * * *", at(2026, 3, 28, 12, 0)), at(2026, 3, 30, 2, 30));
  // Daily at 09:00 local time stays at 09:00 on both sides of the change (23 hours apart here).
  std::time_t before = next("0 9 * * *", at(2026, 3, 28, 6, 0));
  std::time_t after = next("0 9 * * *", before);
  EXPECT_EQ(after - before, 23 * 3600);
  // 2026-10-25: 03:00 goes back to 02:00, so 02:30 happens twice; it fires once.
  std::time_t first = next("30 2 * * *", at(2026, 10, 24, 12, 0));
  std::time_t second = next("30 2 * * *", first);
  EXPECT_GT(second - first, 20 * 3600);
  // Every 30 minutes of every hour keeps firing through the repeated hour: 02:00, 02:30 (CEST), 02:00,
  // 02:30 (CET), 03:00.
  std::time_t t = next("*/30 * * * *", at(2026, 10, 25, 1, 45));
  std::vector<std::time_t> fired{t};
  for (int i = 0; i < 4; ++i) fired.push_back(t = next("*/30 * * * *", t));
  for (size_t i = 1; i < fired.size(); ++i) EXPECT_EQ(fired[i] - fired[i - 1], 1800);
}

TEST_F(CronTest, ErrorsNameTheField) {
  auto err = [](const char* text) {
    auto e = CronExpr::parse(text);
    return e.ok() ? std::string("parsed") : e.error().message;
  };
  EXPECT_EQ(err("* * *"), "invalid cron expression '* * *': 3 fields; expected 5 (minute hour day-of-month month "
                          "day-of-week) or 6 (seconds first)");
  EXPECT_EQ(err("0 25 * * *"), "invalid cron expression '0 25 * * *': hour: 25 is out of range 0-23");
  EXPECT_EQ(err("0 0 * FOO *"), "invalid cron expression '0 0 * FOO *': month: 'FOO' is not a number");
  EXPECT_EQ(err("*/0 * * * *"), "invalid cron expression '*/0 * * * *': minute: '0' is not a step");
  EXPECT_EQ(err("5-1 * * * *"), "invalid cron expression '5-1 * * * *': minute: range 5-1 goes backwards");
  EXPECT_EQ(err("@reboot"), "invalid cron expression '@reboot': unknown macro @reboot (use @yearly, @monthly, "
                            "@weekly, @daily or @hourly)");
  EXPECT_EQ(err("1,,2 * * * *"), "invalid cron expression '1,,2 * * * *': minute: empty list item");
  EXPECT_EQ(err("61 * * * * *"), "invalid cron expression '61 * * * * *': second: 61 is out of range 0-59");
}

TEST_F(CronTest, Matches) {
  auto e = CronExpr::parse("15 10 * * WED");
  ASSERT_TRUE(e.ok());
  std::tm tm{};
  std::time_t t = at(2026, 3, 4, 10, 15);
  localtime_r(&t, &tm);
  EXPECT_TRUE(e->matches(tm));
  tm.tm_min = 16;
  EXPECT_FALSE(e->matches(tm));
}

}  // namespace
}  // namespace tend::jobs
