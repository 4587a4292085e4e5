#pragma once
#include <sys/types.h>

#include "util/result.h"
#include "util/unique_fd.h"

namespace tend {

/// pidfd_open(pid, 0) via syscall; the fd is O_CLOEXEC.
Result<UniqueFd> pidfd_open(pid_t pid);
/// pidfd_send_signal(pidfd, sig); ESRCH once the process has been reaped (a zombie still accepts signals).
Status pidfd_signal(int pidfd, int sig);

}  // namespace tend
