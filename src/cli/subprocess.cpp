#include "cli/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "proc/spawn.h"
#include "util/signals.h"
#include "util/unique_fd.h"

extern char** environ;

namespace tend::cli {
namespace {

constexpr const char* kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

/// posix_spawn's attributes and file actions, destroyed with this object.
class SpawnSetup {
 public:
  SpawnSetup(int out_fd, int err_fd) {
    posix_spawn_file_actions_init(&actions_);
    posix_spawn_file_actions_addopen(&actions_, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions_, out_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions_, err_fd, STDERR_FILENO);
    posix_spawnattr_init(&attr_);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr_, &none);
    posix_spawnattr_setsigdefault(&attr_, &all);
    posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attr_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attr() const { return &attr_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attr_;
};

// Appends what fd has to offer; false once it is at EOF (or broken).
bool drain(int fd, std::string& into) {
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      into.append(buf, size_t(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

// Reads both pipes until the child (and anything it left holding them) has closed them: reading only one at a
// time could deadlock against a child blocked writing the other.
void collect(UniqueFd out, UniqueFd err, ProgramOutput& result) {
  while (out || err) {
    pollfd fds[2] = {{out.get(), POLLIN, 0}, {err.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents && !drain(out.get(), result.out)) out.reset();
    if (fds[1].revents && !drain(err.get(), result.err)) err.reset();
  }
}

}  // namespace

bool ProgramOutput::succeeded() const {
  return WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
}

std::string ProgramOutput::describe_status() const {
  if (WIFEXITED(wait_status)) return fmt::format("exit status {}", WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return "killed by " + signal_name(WTERMSIG(wait_status));
  return fmt::format("wait status {}", wait_status);
}

Result<ProgramOutput> run_program(const std::vector<std::string>& argv) {
  if (argv.empty()) return Error{EINVAL, "unable to run a program: empty argv"};
  const char* path_env = std::getenv("PATH");
  auto path = resolve_executable(argv[0], path_env ? path_env : kDefaultPath);
  if (!path) return path.error();
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return errno_error("unable to create a pipe");
  UniqueFd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return errno_error("unable to create a pipe");
  UniqueFd err_read(err_pipe[0]), err_write(err_pipe[1]);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc;
  {
    SpawnSetup setup(out_write.get(), err_write.get());
    rc = ::posix_spawn(&pid, path->c_str(), setup.actions(), setup.attr(), args.data(), environ);
  }
  // Our copies of the write ends must go, or the reads below would never see EOF.
  out_write.reset();
  err_write.reset();
  if (rc != 0) return errno_error("exec " + argv[0], rc);

  ProgramOutput result;
  collect(std::move(out_read), std::move(err_read), result);
  while (::waitpid(pid, &result.wait_status, 0) < 0) {
    if (errno != EINTR) return errno_error("unable to wait for " + argv[0]);
  }
  return result;
}

}  // namespace tend::cli
