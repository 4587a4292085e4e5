#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace tend {

/// What an open file descriptor refers to, from the target of its /proc/PID/fd link.
enum class FdKind { file, pipe, socket, anon_inode, other };

/// "file", "pipe", "socket", "anon_inode", "other": the words used in output and JSON.
std::string_view fd_kind_name(FdKind kind);
/// "/path" (also "/dev/null", "/memfd:x (deleted)") → file, "pipe:[N]" → pipe, "socket:[N]" → socket,
/// "anon_inode:[eventfd]" or "anon_inode:inotify" → anon_inode, anything else ("net:[N]", ...) → other.
FdKind classify_fd_target(std::string_view target);

/// The fields of /proc/PID/fdinfo/FD that say how the descriptor is open.
struct FdInfo {
  std::uint64_t pos = 0;
  int flags = 0;  // O_RDONLY/O_WRONLY/O_RDWR | O_APPEND | O_NONBLOCK | O_CLOEXEC ... (the line is octal)
};
/// Parses fdinfo text; pos and flags are required (EINVAL otherwise).
Result<FdInfo> parse_fdinfo(std::string_view text);
/// "r", "w" or "rw", then ",append", ",nonblock", ",cloexec" where set: a short reading of open flags.
std::string describe_open_flags(int flags);

/// One open descriptor of a process.
struct ProcFd {
  int fd = -1;
  std::string target;  // the link target: a path, "pipe:[1234]", "socket:[5678]", ...
  FdKind kind = FdKind::other;
  std::optional<FdInfo> info;  // nullopt when fdinfo was not asked for or the fd closed meanwhile
};

/// Lists /proc/PID/fd in fd order, with link targets and (when with_info) fdinfo. Descriptors closed while
/// listing are left out. EACCES for another user's process; kProcVanished when gone. A zombie has none.
Result<std::vector<ProcFd>> read_proc_fds(pid_t pid, bool with_info = true);
/// How many descriptors are open, without reading their targets: what a sampler needs every interval (the
/// size of /proc/PID/fd where the kernel reports it, else its entries). EACCES for another user's process;
/// kProcVanished when gone.
Result<int> count_proc_fds(pid_t pid);

}  // namespace tend
