#pragma once
#include <bitset>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace tend::jobs {

/// A cron expression in the local time zone: the 5 classic fields (minute hour day-of-month month
/// day-of-week), or 6 with a seconds field first, or a macro: @yearly (@annually), @monthly, @weekly,
/// @daily (@midnight), @hourly. Fields take `*`, numbers, ranges `a-b`, steps `*/n` `a-b/n` `a/n`, lists
/// `a,b`, month names JAN-DEC and day names SUN-SAT (0 and 7 are Sunday). As in Vixie cron, when both
/// day-of-month and day-of-week are restricted a day matching either one fires.
class CronExpr {
 public:
  /// EINVAL with "invalid cron expression 'TEXT': <which field and why>".
  static Result<CronExpr> parse(std::string_view text);

  /// The first matching second strictly after t, in the local time zone; nullopt when nothing matches in
  /// the next five years (a 30th of February). A local time skipped by a DST change never matches; one that
  /// occurs twice fires once.
  std::optional<std::time_t> next_after(std::time_t t) const;
  /// True when the local broken-down time matches every field.
  bool matches(const std::tm& local) const;

  const std::string& text() const { return text_; }

 private:
  bool day_matches(const std::tm& local) const;

  std::string text_;
  std::bitset<60> seconds_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;      // 1..31
  std::bitset<13> months_;    // 1..12
  std::bitset<7> weekdays_;   // 0 = Sunday
  bool day_star_ = true;      // the day-of-month field starts with '*'
  bool weekday_star_ = true;  // likewise day-of-week
};

}  // namespace tend::jobs
