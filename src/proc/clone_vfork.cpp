#include "proc/clone_vfork.h"

#include <sched.h>
#include <sys/mman.h>

#include <csignal>
#include <cstddef>

namespace tend {

namespace {

// The child's frames (run_child and the libc wrappers it calls) need a few KiB; only touched pages are
// ever backed by memory.
constexpr std::size_t kChildStackBytes = 256 * 1024;

char* child_stack_top() {
  // One stack per thread, kept for the thread's lifetime: the parent is suspended while the child uses
  // it, so consecutive spawns can share it.
  thread_local char* stack = nullptr;
  if (!stack) {
    void* p = ::mmap(nullptr, kChildStackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                     -1, 0);
    if (p == MAP_FAILED) return nullptr;
    stack = static_cast<char*>(p);
  }
  return stack + kChildStackBytes;  // stacks grow down on every architecture tend builds for
}

}  // namespace

pid_t clone_vfork(int (*fn)(void*), void* arg, int* pidfd) {
  char* top = child_stack_top();
  if (!top) return -1;
  // glibc's clone() stores the pidfd through its parent_tid argument when CLONE_PIDFD is set.
  return ::clone(fn, top, CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, arg, pidfd);
}

}  // namespace tend
