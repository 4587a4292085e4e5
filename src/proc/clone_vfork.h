#pragma once
#include <sys/types.h>

namespace tend {

/// Runs fn(arg) in a new child process that shares the caller's memory until it calls execve or _exit
/// (CLONE_VM | CLONE_VFORK, the way glibc's posix_spawn starts children), with CLONE_PIDFD and SIGCHLD on
/// exit. The caller is suspended until then, and no page table is copied: spawning costs the same however
/// large the daemon has grown. fn runs on a separate stack owned by this module (one per thread) and must
/// only make system calls before it execs or exits; it must never return into the caller's frames.
/// Returns the pid with *pidfd set (O_CLOEXEC), or -1 with errno.
pid_t clone_vfork(int (*fn)(void*), void* arg, int* pidfd);

}  // namespace tend
