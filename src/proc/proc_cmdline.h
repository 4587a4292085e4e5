#pragma once
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace tend {

/// "a\0b c\0" → {"a", "b c"}: the NUL-separated lists of cmdline and environ. A last item without its NUL
/// (a process that rewrote its argv area) is kept.
std::vector<std::string> split_nul(std::string_view text);

/// argv from /proc/PID/cmdline; empty for a zombie or kernel thread. kProcVanished when gone.
Result<std::vector<std::string>> read_proc_cmdline(pid_t pid);
/// The environment the process started with (/proc/PID/environ; later setenv calls do not show).
/// EACCES for another user's process; kProcNoAddressSpace for a zombie or kernel thread.
Result<std::vector<std::string>> read_proc_environ(pid_t pid);
/// The executable (/proc/PID/exe), " (deleted)" appended by the kernel when replaced on disk.
/// EACCES for another user's process; kProcNoAddressSpace for a zombie or kernel thread.
Result<std::string> read_proc_exe(pid_t pid);
/// The working directory (/proc/PID/cwd); errors as read_proc_exe.
Result<std::string> read_proc_cwd(pid_t pid);

/// What a process is running, for display: argv joined by spaces, or "[comm]" when argv is empty (kernel
/// threads and zombies, as ps shows them).
std::string display_command(const std::vector<std::string>& argv, std::string_view comm);
/// display_command for a live pid: reads cmdline, and comm only when cmdline is empty or unreadable.
/// kProcVanished when gone.
Result<std::string> read_display_command(pid_t pid);

}  // namespace tend
