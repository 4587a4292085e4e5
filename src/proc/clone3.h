#pragma once
#include <sys/types.h>

namespace tend {

/// clone3(2) as a fork: CLONE_PIDFD always, plus CLONE_INTO_CGROUP when cgroup_fd >= 0; SIGCHLD on exit.
/// Returns 0 in the child and the pid in the parent (with *pidfd set, O_CLOEXEC), or -1 with errno.
/// glibc 2.36 has no wrapper. The child runs on a copy of the caller's stack, so it must only call
/// async-signal-safe functions and then exec or _exit.
pid_t clone3_fork(int cgroup_fd, int* pidfd);

}  // namespace tend
