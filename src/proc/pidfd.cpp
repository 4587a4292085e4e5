#include "proc/pidfd.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include "util/signals.h"

namespace tend {

Result<UniqueFd> pidfd_open(pid_t pid) {
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return errno_error("unable to open pidfd for pid " + std::to_string(pid));
  return UniqueFd(fd);
}

Status pidfd_signal(int pidfd, int sig) {
  if (::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0) != 0)
    return errno_error("unable to send " + signal_name(sig) + " through pidfd");
  return {};
}

}  // namespace tend
