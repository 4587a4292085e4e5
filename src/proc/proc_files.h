#pragma once
#include <sys/types.h>

#include <string>
#include <string_view>

#include "util/result.h"

namespace tend {

// Error codes the /proc readers return, so that callers can tell the cases apart:
/// The process (or thread) is gone: it exited and was reaped between the listing and the read.
inline constexpr int kProcVanished = ESRCH;
/// The process exists but has no address space to describe: a kernel thread or a zombie.
inline constexpr int kProcNoAddressSpace = ENODATA;
// EACCES: the kernel refuses (another user's process, ptrace access mode checks).
// ENOENT: this kernel does not provide the file.

/// "/proc/PID".
std::string proc_dir(pid_t pid);
/// "/proc/PID/task/TID".
std::string proc_task_dir(pid_t pid, pid_t tid);

/// Reads DIR/NAME whole, where DIR is a /proc process or task directory. ENOENT and ESRCH are told apart by
/// whether DIR still exists: gone → kProcVanished; there, but ESRCH → kProcNoAddressSpace (the kernel
/// answers ESRCH for environ, smaps_rollup, ... of a task without memory); there, but ENOENT → ENOENT.
Result<std::string> read_proc_text(const std::string& dir, std::string_view name);
/// Reads DIR/NAME with a single read into buf, for the small one-record files a sampler reads often (status,
/// io): procfs produces such a file whole in one read when the buffer is large enough. EOVERFLOW when it
/// filled buf (read it with read_proc_text then); other errors as read_proc_text.
Result<std::string_view> read_proc_once(const std::string& dir, std::string_view name, char* buf, size_t size);
/// readlink(DIR/NAME) with the same error mapping, except that a link without a target while DIR exists
/// (exe and cwd of a zombie, exe of a kernel thread) is kProcNoAddressSpace.
Result<std::string> read_proc_link(const std::string& dir, std::string_view name);

/// Maps the errno of a failed open/read/readlink under DIR as read_proc_text does.
Error proc_error(const std::string& dir, std::string_view name, int err);

}  // namespace tend
