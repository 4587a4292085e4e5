#include "jobs/cron.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <vector>

namespace tend::jobs {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;
  const char* const* names;  // index 0 is the name of `min`; nullptr when the field has no names
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", nullptr};
constexpr const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", nullptr};

constexpr FieldSpec kSecond{"second", 0, 59, nullptr};
constexpr FieldSpec kMinute{"minute", 0, 59, nullptr};
constexpr FieldSpec kHour{"hour", 0, 23, nullptr};
constexpr FieldSpec kDay{"day-of-month", 1, 31, nullptr};
constexpr FieldSpec kMonth{"month", 1, 12, kMonthNames};
constexpr FieldSpec kWeekday{"day-of-week", 0, 7, kDayNames};  // 7 is Sunday too

constexpr std::pair<std::string_view, std::string_view> kMacros[] = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},  {"@midnight", "0 0 * * *"}, {"@hourly", "0 * * * *"},
};

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t at = text.find(sep, start);
    out.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

Result<int> parse_value(std::string_view text, const FieldSpec& f) {
  if (f.names) {
    for (int i = 0; f.names[i]; ++i) {
      std::string_view name = f.names[i];
      bool same = text.size() == name.size();
      for (size_t k = 0; same && k < name.size(); ++k)
        same = std::toupper(static_cast<unsigned char>(text[k])) == name[k];
      if (same) return f.min + i;
    }
  }
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    return Error{EINVAL, fmt::format("'{}' is not a number", text)};
  if (value < f.min || value > f.max)
    return Error{EINVAL, fmt::format("{} is out of range {}-{}", value, f.min, f.max)};
  return value;
}

// One comma-separated item: * | */n | a | a-b | a-b/n | a/n.
Status parse_item(std::string_view item, const FieldSpec& f, std::bitset<64>& bits) {
  int step = 1;
  if (auto slash = item.find('/'); slash != std::string_view::npos) {
    auto s = std::string_view(item).substr(slash + 1);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), step);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty() || step < 1)
      return Error{EINVAL, fmt::format("'{}' is not a step", s)};
    item = item.substr(0, slash);
    if (item.empty()) return Error{EINVAL, "a step needs a range before '/'"};
  }
  int lo = f.min, hi = f.max;
  if (item != "*") {
    auto dash = item.find('-');
    auto first = parse_value(item.substr(0, dash), f);
    if (!first) return first.error();
    lo = hi = *first;
    if (dash != std::string_view::npos) {
      auto last = parse_value(item.substr(dash + 1), f);
      if (!last) return last.error();
      hi = *last;
      if (hi < lo) return Error{EINVAL, fmt::format("range {} goes backwards", item)};
    } else if (step > 1) {
      hi = f.max;  // a/n: from a to the end, every n
    }
  }
  for (int v = lo; v <= hi; v += step) bits.set(size_t(v));
  return {};
}

template <size_t N>
Status parse_field(std::string_view text, const FieldSpec& f, std::bitset<N>& out) {
  std::bitset<64> bits;
  for (auto item : split(text, ',')) {
    if (item.empty()) return Error{EINVAL, "empty list item"};
    if (auto st = parse_item(item, f, bits); !st) return st;
  }
  for (size_t i = 0; i < N; ++i) out[i] = bits[i];
  return {};
}

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

std::tm local_tm(std::time_t t) {
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm;
}

// The next local midnight (day) or first of the month after `from`, by calendar arithmetic; a midnight a
// DST change skips becomes the first moment of that day.
std::time_t next_calendar(std::time_t from, bool month) {
  std::tm tm = local_tm(from);
  if (month) {
    tm.tm_mon += 1;
    tm.tm_mday = 1;
  } else {
    tm.tm_mday += 1;
  }
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = -1;
  std::time_t next = mktime(&tm);
  return next > from ? next : from + 86400;
}

// True when the same local wall-clock time already happened shortly before t (the hour repeated when a
// DST change sets the clock back; changes are of 30 or 60 minutes).
bool repeated_wall_time(std::time_t t) {
  std::tm now = local_tm(t);
  for (std::time_t delta : {1800, 3600}) {
    std::tm before = local_tm(t - delta);
    if (before.tm_mday == now.tm_mday && before.tm_hour == now.tm_hour && before.tm_min == now.tm_min &&
        before.tm_sec == now.tm_sec)
      return true;
  }
  return false;
}

}  // namespace

Result<CronExpr> CronExpr::parse(std::string_view text) {
  CronExpr expr;
  expr.text_ = std::string(text);
  auto bad = [&](std::string why) {
    return Error{EINVAL, fmt::format("invalid cron expression '{}': {}", text, why)};
  };
  std::string_view body = text;
  auto w = words(text);
  if (w.size() == 1 && !w[0].empty() && w[0][0] == '@') {
    bool found = false;
    for (const auto& [macro, expansion] : kMacros)
      if (w[0] == macro) {
        body = expansion;
        found = true;
      }
    if (!found) return bad(fmt::format("unknown macro {} (use @yearly, @monthly, @weekly, @daily or @hourly)", w[0]));
    w = words(body);
  }
  if (w.size() != 5 && w.size() != 6)
    return bad(fmt::format("{} fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)",
                           w.size()));
  size_t i = 0;
  if (w.size() == 6) {
    if (auto st = parse_field(w[i++], kSecond, expr.seconds_); !st) return bad("second: " + st.error().message);
  } else {
    expr.seconds_.set(0);
  }
  std::bitset<8> weekdays;
  Status st = parse_field(w[i], kMinute, expr.minutes_);
  if (st) st = parse_field(w[++i], kHour, expr.hours_);
  if (st) st = parse_field(w[++i], kDay, expr.days_);
  if (st) st = parse_field(w[++i], kMonth, expr.months_);
  if (st) st = parse_field(w[++i], kWeekday, weekdays);
  if (!st) {
    constexpr const FieldSpec* kOrder[] = {&kMinute, &kHour, &kDay, &kMonth, &kWeekday};
    return bad(fmt::format("{}: {}", kOrder[i - (w.size() - 5)]->name, st.error().message));
  }
  ++i;
  expr.day_star_ = w[i - 3][0] == '*';
  expr.weekday_star_ = w[i - 1][0] == '*';
  for (size_t d = 0; d < 7; ++d) expr.weekdays_[d] = weekdays[d];
  if (weekdays[7]) expr.weekdays_.set(0);
  return expr;
}

bool CronExpr::day_matches(const std::tm& tm) const {
  bool dom = days_[size_t(tm.tm_mday)];
  bool dow = weekdays_[size_t(tm.tm_wday)];
  if (day_star_ && weekday_star_) return true;
  if (day_star_) return dow;
  if (weekday_star_) return dom;
  return dom || dow;
}

bool CronExpr::matches(const std::tm& tm) const {
  return seconds_[size_t(tm.tm_sec % 60)] && minutes_[size_t(tm.tm_min)] && hours_[size_t(tm.tm_hour)] &&
         months_[size_t(tm.tm_mon + 1)] && day_matches(tm);
}

std::optional<std::time_t> CronExpr::next_after(std::time_t t) const {
  // Reads top to bottom as one search: skip whole months, days, hours, minutes, seconds that cannot match.
  // Sub-day steps move in absolute seconds (never backwards across a DST change); day and month steps
  // move by the calendar.
  const std::time_t horizon = t + 5LL * 366 * 86400;
  std::time_t cur = t + 1;
  for (int guard = 0; guard < 100'000 && cur <= horizon; ++guard) {
    std::tm tm = local_tm(cur);
    if (!months_[size_t(tm.tm_mon + 1)]) {
      cur = next_calendar(cur, true);
    } else if (!day_matches(tm)) {
      cur = next_calendar(cur, false);
    } else if (!hours_[size_t(tm.tm_hour)]) {
      cur += 3600 - tm.tm_min * 60 - tm.tm_sec;
    } else if (!minutes_[size_t(tm.tm_min)]) {
      cur += 60 - tm.tm_sec;
    } else if (!seconds_[size_t(tm.tm_sec % 60)]) {
      cur += 1;
    } else if (hours_.all() || !repeated_wall_time(cur)) {
      return cur;
    } else {
      cur += 1;  // the second pass through an hour a DST change repeats: a fixed-hour entry already fired
    }
  }
  return std::nullopt;
}

}  // namespace tend::jobs
