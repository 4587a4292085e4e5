#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

#include "proc/cgroup.h"
#include "proc/cgroup_paths.h"
#include "proc/clone3.h"
#include "util/files.h"

namespace tend {
namespace {

Result<std::string> own_cgroup_directory() {
  auto mountinfo = read_file("/proc/self/mountinfo");
  if (!mountinfo) return mountinfo.error();
  auto mount = find_cgroup2_mount(*mountinfo);
  if (!mount) return Error{ENOENT, "no cgroup2 filesystem is mounted"};
  auto self = read_file("/proc/self/cgroup");
  if (!self) return self.error();
  auto own = own_cgroup2_path(*self);
  if (!own) return Error{ENOENT, "/proc/self/cgroup has no cgroup v2 entry"};
  auto dir = cgroup_directory(*mount, *own);
  if (!dir) return Error{ENOENT, "own cgroup " + *own + " is not visible under " + mount->mount_point};
  return *dir;
}

// Proves that CLONE_INTO_CGROUP works here (kernel support, delegation, no threaded/internal-process
// conflict) by starting a child in the probe cgroup that exits at once.
Status probe_enter(const Cgroup& probe, int dir_fd) {
  int pidfd = -1;
  pid_t pid = clone3_fork(dir_fd, &pidfd);
  if (pid == 0) ::_exit(0);
  if (pid < 0) return errno_error("unable to spawn into cgroup " + probe.path());
  UniqueFd owned(pidfd);
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  return {};
}

Status check_base(const std::string& base) {
  auto base_fd = Cgroup(base).create();
  if (!base_fd) return base_fd.error();
  if (::access((base + "/cgroup.kill").c_str(), F_OK) != 0)
    return errno_error("unable to find cgroup.kill in " + base + " (needs Linux 5.14)");
  Cgroup probe(base + "/probe-" + std::to_string(::getpid()));
  auto probe_fd = probe.create();
  if (!probe_fd) return probe_fd.error();
  if (::access((probe.path() + "/cgroup.procs").c_str(), W_OK) != 0) {
    (void)probe.remove();
    return errno_error("unable to write " + probe.path() + "/cgroup.procs");
  }
  Status entered = probe_enter(probe, probe_fd->get());
  Status removed = probe.remove();
  if (!entered) return entered;
  return removed;
}

}  // namespace

CgroupSupport detect_cgroups(const std::string& base_name) {
  CgroupSupport support;
  const char* disabled = std::getenv("TEND_NO_CGROUP");
  if (disabled != nullptr && std::string_view(disabled) != "" && std::string_view(disabled) != "0") {
    support.reason = "disabled by TEND_NO_CGROUP";
    return support;
  }
  auto dir = own_cgroup_directory();
  if (!dir) {
    support.reason = dir.error().message;
    return support;
  }
  std::string base = *dir + "/" + base_name;
  if (Status checked = check_base(base); !checked) {
    support.reason = checked.error().message;
    return support;
  }
  support.available = true;
  support.base = base;
  return support;
}

}  // namespace tend
