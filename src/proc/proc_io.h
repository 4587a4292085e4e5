#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string_view>

#include "util/result.h"

namespace tend {

/// /proc/PID/io: I/O accounting of the whole process (all its threads, living and exited).
struct ProcIo {
  std::uint64_t rchar = 0;        // bytes passed to read(2) and friends, whether or not from disk
  std::uint64_t wchar = 0;        // bytes passed to write(2) and friends
  std::uint64_t syscr = 0;        // read system calls
  std::uint64_t syscw = 0;        // write system calls
  std::uint64_t read_bytes = 0;   // bytes fetched from the storage layer
  std::uint64_t write_bytes = 0;  // bytes sent to the storage layer
  std::uint64_t cancelled_write_bytes = 0;  // dirtied then truncated away before writeback
};

/// Parses the text of /proc/PID/io; every field is required (EINVAL otherwise).
Result<ProcIo> parse_proc_io(std::string_view text);
/// Reads /proc/PID/io. EACCES for another user's process (ptrace read access is checked);
/// kProcVanished when gone.
Result<ProcIo> read_proc_io(pid_t pid);

}  // namespace tend
