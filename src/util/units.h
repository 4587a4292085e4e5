#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace tend {

using Millis = std::chrono::milliseconds;

/// Parses "250ms", "5s", "2m", "1h", "1500" (bare number = ms). Rejects negatives, junk and overflow.
Result<Millis> parse_duration(std::string_view text);
/// Formats as the shortest exact unit: 250ms, 5s, 2m, 1h; 0 → "0s".
std::string format_duration(Millis d);
/// Human uptime: "45s", "3m12s", "2h05m", "3d04h".
std::string format_uptime(Millis d);
/// A run or an age, precise when short: "850ms" under a second, "12.3s" under a minute, then as uptimes.
std::string format_elapsed(Millis d);

/// Parses "512", "512K", "10M", "1G" (binary multiples; optional trailing "B"/"iB").
Result<std::uint64_t> parse_size(std::string_view text);
/// Formats bytes as "512B", "1.5K", "10.0M", "1.2G".
std::string format_size(std::uint64_t bytes);

}  // namespace tend
