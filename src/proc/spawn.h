#pragma once
#include <sys/types.h>

#include <map>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"
#include "util/unique_fd.h"

namespace tend {

/// The most fds a child can be given beyond stdio.
constexpr std::size_t kMaxExtraFds = 64;

/// Everything a child needs; the child inherits exactly stdin (/dev/null), stdout, stderr, the extra_fds
/// and nothing else.
struct SpawnRequest {
  std::vector<std::string> argv;           // argv[0] is resolved against env's PATH when it has no '/'
  std::string executable;                  // when set, the program already resolved (argv[0] is kept as given)
  std::map<std::string, std::string> env;  // the child's complete environment (with env_block: the rest)
  // KEY=VALUE strings rendered once and shared by many children (a job queue spawns thousands with one
  // environment); env's variables follow them and must not repeat their keys. Borrowed: must outlive spawn().
  const std::vector<std::string>* env_block = nullptr;
  std::string cwd;                         // empty: inherit the daemon's cwd
  std::optional<int> nice;                 // setpriority() in the child before exec
  int stdout_fd = -1;                      // becomes fd 1 (required)
  int stderr_fd = -1;                      // becomes fd 2 (required)
  int cgroup_fd = -1;                      // O_DIRECTORY fd of a cgroup v2 dir: CLONE_INTO_CGROUP; -1: none
  long nofile_soft = -1;                   // >= 0: lower the child's RLIMIT_NOFILE soft limit to this
  std::vector<int> extra_fds;              // become fds 3, 4, ... in this order (listening sockets, channel)
  std::vector<std::string> pid_env;        // variables set to the child's own pid (LISTEN_PID, WATCHDOG_PID)
};

/// A freshly spawned child: its pid and a pidfd (O_CLOEXEC) from CLONE_PIDFD.
struct SpawnedChild {
  pid_t pid = -1;
  UniqueFd pidfd;
};

/// Spawns with CLONE_PIDFD: with cgroup_fd >= 0 by clone3 with CLONE_INTO_CGROUP (a fork), otherwise sharing
/// our memory until exec (CLONE_VM | CLONE_VFORK, as posix_spawn), which costs the same at any daemon size.
/// In the child: new session
/// (so its own process group), default signal dispositions, empty signal mask, stdin from /dev/null,
/// extra_fds at 3.., close_range(3+extra..), chdir, nice, pid_env written with its pid, execve. Failures in
/// the child come back through a close-on-exec pipe, so this returns synchronously with the child's errno
/// and a message naming the step: "exec /no/such: No such file or directory", "chdir /bad: No such file or
/// directory". A child that failed has already been reaped when this returns an error.
Result<SpawnedChild> spawn(const SpawnRequest& request);

/// Finds the executable for name: as is when it contains '/', else the first executable PATH entry.
/// Error (ENOENT/EACCES) reads "exec NAME: No such file or directory".
Result<std::string> resolve_executable(const std::string& name, const std::string& path_env);

}  // namespace tend
