#include "util/units.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <limits>

namespace tend {
namespace {

struct Unit {
  std::string_view suffix;
  std::uint64_t factor;
};

// Splits "250ms" into 250 and "ms"; the number must be a non-negative integer.
Result<std::pair<std::uint64_t, std::string_view>> split_number(std::string_view text, std::string_view what) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc::result_out_of_range) return Error{ERANGE, fmt::format("{} '{}' is too large", what, text)};
  if (ec != std::errc() || end == text.data())
    return Error{EINVAL, fmt::format("invalid {} '{}': expected a whole number with a unit", what, text)};
  return std::pair{n, std::string_view(end, text.data() + text.size() - end)};
}

Result<std::uint64_t> scale(std::string_view text, std::string_view what, std::initializer_list<Unit> units,
                            std::uint64_t bare_factor) {
  auto parts = split_number(text, what);
  if (!parts) return parts.error();
  auto [n, suffix] = *parts;
  std::uint64_t factor = 0;
  if (suffix.empty()) factor = bare_factor;
  for (const Unit& u : units)
    if (suffix == u.suffix) factor = u.factor;
  if (factor == 0) return Error{EINVAL, fmt::format("invalid {} '{}': unknown unit '{}'", what, text, suffix)};
  if (n > std::numeric_limits<std::int64_t>::max() / factor)
    return Error{ERANGE, fmt::format("{} '{}' is too large", what, text)};
  return n * factor;
}

}  // namespace

Result<Millis> parse_duration(std::string_view text) {
  auto ms = scale(text, "duration", {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}},
                  1);
  if (!ms) return ms.error();
  return Millis(static_cast<std::int64_t>(*ms));
}

std::string format_duration(Millis d) {
  auto ms = d.count();
  if (ms == 0) return "0s";
  if (ms % 3'600'000 == 0) return fmt::format("{}h", ms / 3'600'000);
  if (ms % 60'000 == 0) return fmt::format("{}m", ms / 60'000);
  if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

std::string format_uptime(Millis d) {
  auto s = d.count() / 1000;
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  return fmt::format("{}d{:02}h", s / 86400, (s % 86400) / 3600);
}

std::string format_elapsed(Millis d) {
  auto ms = d.count();
  if (ms < 1000) return fmt::format("{}ms", ms);
  if (ms < 60'000) return fmt::format("{}.{}s", ms / 1000, (ms % 1000) / 100);
  return format_uptime(d);
}

Result<std::uint64_t> parse_size(std::string_view text) {
  constexpr std::uint64_t K = 1024;
  return scale(text, "size",
               {{"B", 1}, {"K", K}, {"KB", K}, {"KiB", K}, {"M", K * K}, {"MB", K * K}, {"MiB", K * K},
                {"G", K * K * K}, {"GB", K * K * K}, {"GiB", K * K * K}},
               1);
}

std::string format_size(std::uint64_t bytes) {
  constexpr double K = 1024.0;
  if (bytes < 1024) return fmt::format("{}B", bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.1f}K", bytes / K);
  if (bytes < 1024ull * 1024 * 1024) return fmt::format("{:.1f}M", bytes / (K * K));
  return fmt::format("{:.1f}G", bytes / (K * K * K));
}

}  // namespace tend
