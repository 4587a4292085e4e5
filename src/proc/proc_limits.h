#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace tend {

/// One row of /proc/PID/limits, as the kernel names it ("Max open files").
struct ProcLimit {
  std::string name;
  std::optional<std::uint64_t> soft;  // nullopt: unlimited
  std::optional<std::uint64_t> hard;
  std::string units;  // "files", "bytes", "seconds", "us", ... ; empty for the nice and realtime priorities
};

/// Parses the table. Columns are found from the header ("Limit  Soft Limit  Hard Limit  Units") because
/// names contain spaces. EINVAL on a missing header or a malformed row.
Result<std::vector<ProcLimit>> parse_proc_limits(std::string_view text);
/// Reads /proc/PID/limits; kProcVanished when gone.
Result<std::vector<ProcLimit>> read_proc_limits(pid_t pid);

}  // namespace tend
