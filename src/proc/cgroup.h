#pragma once
#include <string>

#include "util/result.h"
#include "util/unique_fd.h"

namespace tend {

/// Where tend may create cgroups, found at run time. Pure v2 at /sys/fs/cgroup or the hybrid
/// /sys/fs/cgroup/unified are both accepted (from /proc/self/mountinfo).
struct CgroupSupport {
  bool available = false;
  std::string base;    // the daemon's own directory for instance cgroups, created by detect_cgroups
  std::string reason;  // when !available: why (for tend.log and `tend version --verbose`)
};

/// Finds the cgroup2 mount and the daemon's own cgroup (/proc/self/cgroup "0::/path"), then creates
/// <mount><own path>/<base_name> and checks that it can create, enter (cgroup.procs writable) and kill
/// (cgroup.kill exists) cgroups there. Any failure gives available=false with a reason.
CgroupSupport detect_cgroups(const std::string& base_name);

/// One instance's cgroup directory. Not RAII-removed: a cgroup outlives a daemon crash by design.
class Cgroup {
 public:
  Cgroup() = default;
  explicit Cgroup(std::string path) : path_(std::move(path)) {}

  /// mkdir (EEXIST is fine) and open an O_DIRECTORY|O_CLOEXEC fd for CLONE_INTO_CGROUP.
  Result<UniqueFd> create() const;
  /// Writes "1" to cgroup.kill: SIGKILL to every process inside, including setsid'd descendants.
  Status kill() const;
  /// Reads "populated" from cgroup.events.
  Result<bool> populated() const;
  /// rmdir; succeeds only when empty. ENOENT counts as success.
  Status remove() const;

  const std::string& path() const { return path_; }
  std::string events_path() const { return path_ + "/cgroup.events"; }
  bool empty() const { return path_.empty(); }

 private:
  std::string path_;
};

}  // namespace tend
