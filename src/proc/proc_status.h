#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace tend {

/// The fields of /proc/PID/status (or /proc/PID/task/TID/status) that `inspect` shows (see proc(5)).
/// Memory lines are absent for kernel threads and zombies, hence optional. Sizes are in bytes.
struct ProcStatus {
  std::string name;  // unescaped: the kernel writes a newline in a name as "\n" and a backslash as "\\"
  char state = '?';
  pid_t tgid = 0;
  pid_t pid = 0;
  pid_t ppid = 0;
  uid_t uid = 0;  // real
  uid_t euid = 0;
  gid_t gid = 0;  // real
  gid_t egid = 0;
  long threads = 0;
  std::optional<bool> kernel_thread;  // the "Kthread:" line, Linux 6.8 and later
  std::optional<std::uint64_t> vm_size_bytes;
  std::optional<std::uint64_t> vm_rss_bytes;
  std::optional<std::uint64_t> rss_anon_bytes;
  std::optional<std::uint64_t> rss_file_bytes;
  std::optional<std::uint64_t> rss_shmem_bytes;
  std::optional<std::uint64_t> vm_swap_bytes;
  std::optional<std::uint64_t> voluntary_ctxt_switches;
  std::optional<std::uint64_t> nonvoluntary_ctxt_switches;
  std::string cpus_allowed_list;  // "0-3,6"
  std::vector<pid_t> nspid;       // the pid in each pid namespace, outermost first
};

/// Parses the text of a status file. Name, State, Tgid, Pid, PPid, Uid, Gid and Threads are required
/// (EINVAL when one is missing or malformed, as in truncated text); everything else is optional.
Result<ProcStatus> parse_proc_status(std::string_view text);
/// Reads /proc/PID/status; kProcVanished when the process is gone.
Result<ProcStatus> read_proc_status(pid_t pid);
/// Reads /proc/PID/task/TID/status; kProcVanished when the thread is gone.
Result<ProcStatus> read_task_status(pid_t pid, pid_t tid);

/// Undoes the kernel's escaping of task names in status files ("\n" → newline, "\\" → backslash).
std::string unescape_task_name(std::string_view escaped);

}  // namespace tend
