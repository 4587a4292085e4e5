#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "util/result.h"

namespace tend {

/// /proc/PID/smaps_rollup: the sums over all mappings, in bytes. PSS (proportional set size) charges each
/// shared page to the processes sharing it in equal parts, so PSS summed over processes is real memory use.
struct SmapsRollup {
  std::uint64_t rss_bytes = 0;
  std::uint64_t pss_bytes = 0;
  std::optional<std::uint64_t> pss_anon_bytes;   // these three since Linux 5.7
  std::optional<std::uint64_t> pss_file_bytes;
  std::optional<std::uint64_t> pss_shmem_bytes;
  std::uint64_t shared_bytes = 0;   // Shared_Clean + Shared_Dirty
  std::uint64_t private_bytes = 0;  // Private_Clean + Private_Dirty
  std::uint64_t swap_bytes = 0;
  std::uint64_t swap_pss_bytes = 0;
};

/// Parses the text of smaps_rollup; Rss and Pss are required (EINVAL otherwise).
Result<SmapsRollup> parse_smaps_rollup(std::string_view text);
/// Reads /proc/PID/smaps_rollup. EACCES: not permitted (the kernel checks ptrace read access, so another
/// user's process is unreadable unless we are root); kProcNoAddressSpace: kernel thread or zombie;
/// kProcVanished: gone; ENOENT: a kernel older than 4.14.
Result<SmapsRollup> read_smaps_rollup(pid_t pid);

}  // namespace tend
