#include "proc/spawn.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <csignal>

#include "proc/clone3.h"
#include "proc/clone_vfork.h"
#include "proc/pidfd.h"
#include "proc/spawn_child.h"

namespace tend {
namespace {

constexpr const char* kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

/// NULL-terminated char* array over owned strings. Not movable: the pointers point into strings_.
class CStringArray {
 public:
  explicit CStringArray(std::vector<std::string> strings) : strings_(std::move(strings)) {
    for (auto& s : strings_) pointers_.push_back(s.data());
    pointers_.push_back(nullptr);
  }
  CStringArray(const CStringArray&) = delete;
  CStringArray& operator=(const CStringArray&) = delete;
  char* const* get() const { return pointers_.data(); }
  char* at(size_t i) const { return pointers_[i]; }
  size_t size() const { return strings_.size(); }

 private:
  std::vector<std::string> strings_;
  std::vector<char*> pointers_;
};

// Each pid_env variable is written last, with room for the pid the child fills in (see write_pid_slots).
constexpr size_t kPidRoom = 20;

std::vector<std::string> env_strings(const std::map<std::string, std::string>& env,
                                     const std::vector<std::string>& pid_env) {
  std::vector<std::string> out;
  out.reserve(env.size() + pid_env.size());
  for (const auto& [key, value] : env)
    if (std::find(pid_env.begin(), pid_env.end(), key) == pid_env.end()) out.push_back(key + "=" + value);
  for (const auto& key : pid_env) out.push_back(key + "=" + std::string(kPidRoom, '0'));
  return out;
}

// PATH as the child will see it, which is where argv[0] is looked for.
std::string path_variable(const SpawnRequest& request) {
  if (auto it = request.env.find("PATH"); it != request.env.end()) return it->second;
  if (request.env_block)
    for (const auto& var : *request.env_block)
      if (var.rfind("PATH=", 0) == 0) return var.substr(5);
  return kDefaultPath;
}

bool is_executable_file(const std::string& path, int* err) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  if (!S_ISREG(st.st_mode) || ::access(path.c_str(), X_OK) != 0) {
    *err = EACCES;
    return false;
  }
  return true;
}

struct ErrorPipe {
  UniqueFd read;
  UniqueFd write;
};

// The write end must not land on 0-2 (a daemon started with them closed), or the child's dup2 onto
// its stdio would overwrite it.
Result<ErrorPipe> make_error_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return errno_error("unable to create spawn error pipe");
  ErrorPipe pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
  if (pipe.write.get() < 3) {
    UniqueFd high(::fcntl(pipe.write.get(), F_DUPFD_CLOEXEC, 3));
    if (!high) return errno_error("unable to move spawn error pipe");
    pipe.write = std::move(high);
  }
  return pipe;
}

// Returns true with *report filled when the child reported a failure, false when exec succeeded (EOF).
Result<bool> read_child_report(int fd, ChildReport* report) {
  size_t got = 0;
  auto* bytes = reinterpret_cast<char*>(report);
  while (got < sizeof *report) {
    ssize_t n = ::read(fd, bytes + got, sizeof *report - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error("unable to read spawn error pipe");
    if (n == 0) break;
    got += size_t(n);
  }
  return got == sizeof *report;
}

void reap(pid_t pid) {
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

// Without a cgroup to start in, the child shares our memory until it execs (no page tables copied, no
// copy-on-write faults afterwards): a job queue spawns thousands of short children from a daemon whose
// address space only grows. clone3's CLONE_INTO_CGROUP has no such form in glibc, so those children are
// forked. AddressSanitizer keeps per-thread stack bounds in memory the child would share, so sanitizer
// builds fork always; the child's code is the same either way.
#if !defined(__SANITIZE_ADDRESS__)
int run_child_on_own_stack(void* plan) { run_child(*static_cast<const ChildPlan*>(plan)); }
#endif

pid_t start_child(const SpawnRequest& request, ChildPlan& plan, int* pidfd) {
#if !defined(__SANITIZE_ADDRESS__)
  if (request.cgroup_fd < 0) return clone_vfork(run_child_on_own_stack, &plan, pidfd);
#endif
  pid_t pid = clone3_fork(request.cgroup_fd, pidfd);
  if (pid == 0) run_child(plan);
  return pid;
}

Error clone_error(const SpawnRequest& request, int err) {
  if (request.cgroup_fd >= 0) return errno_error("unable to spawn into cgroup", err);
  return errno_error("unable to spawn " + request.argv[0], err);
}

}  // namespace

Result<std::string> resolve_executable(const std::string& name, const std::string& path_env) {
  if (name.find('/') != std::string::npos) return name;
  int err = ENOENT;
  if (!name.empty()) {
    size_t start = 0;
    while (start <= path_env.size()) {
      size_t end = path_env.find(':', start);
      if (end == std::string::npos) end = path_env.size();
      std::string dir = path_env.substr(start, end - start);
      start = end + 1;
      // Relative entries (and "", which means ".") would resolve against the daemon's cwd, not the
      // child's, so they are skipped.
      if (dir.empty() || dir[0] != '/') continue;
      std::string candidate = dir.back() == '/' ? dir + name : dir + "/" + name;
      if (is_executable_file(candidate, &err)) return candidate;
    }
  }
  return errno_error("exec " + name, err);
}

Result<SpawnedChild> spawn(const SpawnRequest& request) {
  if (request.argv.empty()) return Error{EINVAL, "unable to spawn: empty argv"};
  const std::string& argv0 = request.argv[0];
  if (request.stdout_fd < 0 || request.stderr_fd < 0)
    return Error{EBADF, "unable to spawn " + argv0 + ": stdout and stderr fds are required"};

  auto path = !request.executable.empty() ? Result<std::string>(request.executable)
                                           : resolve_executable(argv0, path_variable(request));
  if (!path) return path.error();
  if (request.extra_fds.size() > kMaxExtraFds)
    return Error{EINVAL, fmt::format("unable to spawn {}: more than {} extra fds", argv0, kMaxExtraFds)};
  CStringArray argv(request.argv);
  CStringArray own_env(env_strings(request.env, request.pid_env));
  std::vector<char*> envp;
  if (request.env_block) {
    envp.reserve(request.env_block->size() + own_env.size() + 1);
    // execve only reads them; the pid slots the child writes are all in own_env.
    for (const auto& var : *request.env_block) envp.push_back(const_cast<char*>(var.c_str()));
  }
  for (size_t k = 0; k < own_env.size(); ++k) envp.push_back(own_env.at(k));
  envp.push_back(nullptr);
  std::vector<char*> pid_slots;
  for (size_t k = 0; k < request.pid_env.size(); ++k) {
    char* var = own_env.at(own_env.size() - request.pid_env.size() + k);
    pid_slots.push_back(var + request.pid_env[k].size() + 1);
  }
  auto pipe = make_error_pipe();
  if (!pipe) return pipe.error();

  ChildPlan plan;
  plan.path = path->c_str();
  plan.argv = argv.get();
  plan.envp = envp.data();
  plan.cwd = request.cwd.empty() ? nullptr : request.cwd.c_str();
  plan.set_nice = request.nice.has_value();
  plan.nice = request.nice.value_or(0);
  plan.nofile_soft = request.nofile_soft;
  plan.stdout_fd = request.stdout_fd;
  plan.stderr_fd = request.stderr_fd;
  plan.error_fd = pipe->write.get();
  plan.extra_fds = request.extra_fds.data();
  plan.extra_fd_count = int(request.extra_fds.size());
  plan.pid_slots = pid_slots.data();
  plan.pid_slot_count = int(pid_slots.size());

  int pidfd = -1;
  pid_t pid = start_child(request, plan, &pidfd);
  if (pid < 0) return clone_error(request, errno);
  SpawnedChild child{pid, UniqueFd(pidfd)};

  // Only the child may hold the write end now, so EOF means execve closed it.
  pipe->write.reset();
  ChildReport report;
  auto failed = read_child_report(pipe->read.get(), &report);
  if (failed && !*failed) return child;
  if (!failed) (void)pidfd_signal(child.pidfd.get(), SIGKILL);
  reap(pid);
  if (!failed) return failed.error();
  return Error{report.err, describe_child_failure(report, argv0, request.cwd, plan.nice)};
}

}  // namespace tend
