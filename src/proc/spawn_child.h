#pragma once
#include <string>

namespace tend {

/// The step of the child's set-up that failed, sent to the parent through the error pipe.
enum class ChildStep : int {
  setsid,
  sigmask,
  open_stdin,
  dup_stdout,
  dup_stderr,
  close_fds,
  place_fds,
  chdir,
  nice,
  exec
};

/// What the child writes to the error pipe before _exit when a step fails. One write of 8 bytes is atomic
/// on a pipe, so the parent reads either nothing (exec succeeded) or a whole report.
struct ChildReport {
  int step = 0;
  int err = 0;
};

/// Everything the child needs, prepared by the parent before clone so the child never allocates.
/// All pointers point into memory the parent keeps alive until exec; the child sees a copy of it.
struct ChildPlan {
  const char* path = nullptr;   // resolved executable
  char* const* argv = nullptr;  // NULL-terminated
  char* const* envp = nullptr;  // NULL-terminated
  const char* cwd = nullptr;    // nullptr: keep the parent's
  bool set_nice = false;
  int nice = 0;
  long nofile_soft = -1;  // >= 0: RLIMIT_NOFILE soft limit to restore (the daemon raises its own)
  int stdout_fd = -1;
  int stderr_fd = -1;
  int error_fd = -1;  // O_CLOEXEC write end of the error pipe, >= 3
  const int* extra_fds = nullptr;  // placed at 3, 4, ...
  int extra_fd_count = 0;
  char* const* pid_slots = nullptr;  // each points just past "NAME=" in envp, with room for 20 digits
  int pid_slot_count = 0;
};

/// Runs in the child after clone: session, signals, fds, cwd, nice, execve. Never returns; on failure it
/// writes a ChildReport to plan.error_fd and exits 127 (126 when exec failed with EACCES).
[[noreturn]] void run_child(const ChildPlan& plan);

/// The message for a failed step, naming it the way a user would: "chdir /bad: No such file or directory".
std::string describe_child_failure(const ChildReport& report, const std::string& argv0,
                                   const std::string& cwd, int nice);

}  // namespace tend
