#include "proc/spawn_child.h"

#include "proc/spawn.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <iterator>

namespace tend {
namespace {

[[noreturn]] void fail(const ChildPlan& plan, ChildStep step, int err) {
  ChildReport report{static_cast<int>(step), err};
  // Nothing useful can be done if the parent is gone; the exit status still tells the story.
  [[maybe_unused]] ssize_t n = ::write(plan.error_fd, &report, sizeof report);
  ::_exit(step == ChildStep::exec && err == EACCES ? 126 : 127);
}

// Ignored signals survive execve (caught ones are reset by the kernel), so reset all of them. glibc's
// sigaction() refuses its two internal real-time signals (32, 33), which an ignoring parent may still have
// set: the raw system call resets them too. SIGKILL and SIGSTOP are refused with EINVAL, which is fine.
void reset_signal_dispositions() {
  struct KernelSigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)();
    unsigned long mask;
  } dfl{SIG_DFL, 0, nullptr, 0};
  for (int sig = 1; sig < NSIG; ++sig) ::syscall(SYS_rt_sigaction, sig, &dfl, nullptr, sizeof dfl.mask);
}

// Moves stdout/stderr above 2 first so that any overlap (stdout_fd == 2, stderr_fd == 1, both the same)
// cannot clobber one with the other; dup2 then clears close-on-exec on 0, 1 and 2.
void install_stdio(const ChildPlan& plan) {
  int out = ::fcntl(plan.stdout_fd, F_DUPFD_CLOEXEC, 3);
  if (out < 0) fail(plan, ChildStep::dup_stdout, errno);
  int err = ::fcntl(plan.stderr_fd, F_DUPFD_CLOEXEC, 3);
  if (err < 0) fail(plan, ChildStep::dup_stderr, errno);
  int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd < 0) fail(plan, ChildStep::open_stdin, errno);
  if (null_fd != 0 && ::dup2(null_fd, 0) < 0) fail(plan, ChildStep::open_stdin, errno);
  if (::dup2(out, 1) < 0) fail(plan, ChildStep::dup_stdout, errno);
  if (::dup2(err, 2) < 0) fail(plan, ChildStep::dup_stderr, errno);
}

// Puts extra_fds at 3, 4, ... Sources and the error pipe are first moved above the target range, so no
// dup2 can overwrite one that is still needed (a source may sit at a target number); dup2 then clears
// close-on-exec on the targets. Updates plan.error_fd.
void place_extra_fds(ChildPlan& plan) {
  if (plan.extra_fd_count <= 0) return;
  int first_free = 3 + plan.extra_fd_count;
  if (plan.error_fd < first_free) {
    int moved = ::fcntl(plan.error_fd, F_DUPFD_CLOEXEC, first_free);
    if (moved < 0) fail(plan, ChildStep::place_fds, errno);
    plan.error_fd = moved;
  }
  int moved[kMaxExtraFds];
  for (int i = 0; i < plan.extra_fd_count; ++i) {
    moved[i] = ::fcntl(plan.extra_fds[i], F_DUPFD_CLOEXEC, first_free);
    if (moved[i] < 0) fail(plan, ChildStep::place_fds, errno);
  }
  for (int i = 0; i < plan.extra_fd_count; ++i)
    if (::dup2(moved[i], 3 + i) < 0) fail(plan, ChildStep::place_fds, errno);
}

// CLOSE_RANGE_CLOEXEC (Linux 5.11) keeps the error pipe open until exec succeeds. Older kernels get a
// plain loop that closes everything except the error pipe, which is close-on-exec already.
void close_inherited_fds(const ChildPlan& plan) {
  unsigned first = 3u + unsigned(plan.extra_fd_count);
  if (::close_range(first, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) fail(plan, ChildStep::close_fds, errno);
  for (rlim_t fd = first; fd < limit.rlim_cur; ++fd) {
    if (static_cast<int>(fd) != plan.error_fd) ::close(static_cast<int>(fd));
  }
}

// LISTEN_PID and WATCHDOG_PID must name the process that execs, which only the child knows: it writes its
// pid into the environment strings the parent prepared (the child's copy of the memory; no allocation).
void write_pid_slots(const ChildPlan& plan) {
  char digits[24];
  int n = 0;
  auto pid = static_cast<unsigned long>(::syscall(SYS_getpid));
  do {
    digits[n++] = char('0' + pid % 10);
    pid /= 10;
  } while (pid != 0);
  for (int s = 0; s < plan.pid_slot_count; ++s) {
    char* slot = plan.pid_slots[s];
    for (int i = 0; i < n; ++i) slot[i] = digits[n - 1 - i];
    slot[n] = '\0';
  }
}

// Indexed by ChildStep.
constexpr const char* kStepNames[] = {"setsid",     "sigprocmask", "open /dev/null", "dup stdout",
                                      "dup stderr", "close fds",   "place fds",      "chdir",
                                      "setpriority", "exec"};

}  // namespace

void run_child(const ChildPlan& parent_plan) {
  ChildPlan plan = parent_plan;  // the error fd may move
  if (::setsid() < 0) fail(plan, ChildStep::setsid, errno);
  reset_signal_dispositions();
  sigset_t empty;
  sigemptyset(&empty);
  if (::sigprocmask(SIG_SETMASK, &empty, nullptr) != 0) fail(plan, ChildStep::sigmask, errno);
  install_stdio(plan);
  place_extra_fds(plan);
  close_inherited_fds(plan);
  write_pid_slots(plan);
  if (plan.cwd != nullptr && ::chdir(plan.cwd) != 0) fail(plan, ChildStep::chdir, errno);
  if (plan.set_nice && ::setpriority(PRIO_PROCESS, 0, plan.nice) != 0) fail(plan, ChildStep::nice, errno);
  if (plan.nofile_soft >= 0) {
    // Programs using select() break above 1024 fds: give back the soft limit the daemon raised for itself.
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && rlim_t(plan.nofile_soft) < limit.rlim_cur) {
      limit.rlim_cur = rlim_t(plan.nofile_soft);
      ::setrlimit(RLIMIT_NOFILE, &limit);
    }
  }
  ::execve(plan.path, plan.argv, plan.envp);
  fail(plan, ChildStep::exec, errno);
}

std::string describe_child_failure(const ChildReport& report, const std::string& argv0,
                                   const std::string& cwd, int nice) {
  auto step = static_cast<ChildStep>(report.step);
  bool known = report.step >= 0 && report.step < int(std::size(kStepNames));
  std::string what = known ? kStepNames[report.step] : "set up child";
  if (step == ChildStep::exec) what += " " + argv0;
  if (step == ChildStep::chdir) what += " " + cwd;
  if (step == ChildStep::nice) what += " " + std::to_string(nice);
  return what + ": " + std::strerror(report.err);
}

}  // namespace tend
