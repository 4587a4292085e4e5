#include "proc/proc_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "util/files.h"
#include "util/unique_fd.h"

namespace tend {

std::string proc_dir(pid_t pid) {
  return "/proc/" + std::to_string(pid);
}

std::string proc_task_dir(pid_t pid, pid_t tid) {
  return proc_dir(pid) + "/task/" + std::to_string(tid);
}

Error proc_error(const std::string& dir, std::string_view name, int err) {
  std::string path = dir + "/" + std::string(name);
  if (err != ENOENT && err != ESRCH) return errno_error("unable to read " + path, err);
  // The directory of a zombie stays until it is reaped, so its absence means the task is really gone.
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return Error{kProcVanished, "unable to read " + path + ": process vanished"};
  if (err == ENOENT) return errno_error("unable to read " + path, err);
  return Error{kProcNoAddressSpace, "unable to read " + path + ": no address space (kernel thread or zombie)"};
}

Result<std::string> read_proc_text(const std::string& dir, std::string_view name) {
  auto text = read_file(dir + "/" + std::string(name));
  if (!text) return proc_error(dir, name, text.error().code);
  return text;
}

Result<std::string_view> read_proc_once(const std::string& dir, std::string_view name, char* buf, size_t size) {
  std::string path = dir + "/" + std::string(name);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return proc_error(dir, name, errno);
  ssize_t n;
  do n = ::read(fd.get(), buf, size);
  while (n < 0 && errno == EINTR);
  if (n < 0) return proc_error(dir, name, errno);
  if (size_t(n) == size) return Error{EOVERFLOW, "unable to read " + path + " at once: larger than the buffer"};
  return std::string_view(buf, size_t(n));
}

Result<std::string> read_proc_link(const std::string& dir, std::string_view name) {
  std::string path = dir + "/" + std::string(name);
  // Link targets can be as long as PATH_MAX and longer for deleted files; grow until it fits.
  std::vector<char> buf(256);
  for (;;) {
    ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
    if (n < 0) {
      Error error = proc_error(dir, name, errno);
      // exe and cwd of a zombie or kernel thread point nowhere: readlink says ENOENT while the task exists.
      if (error.code == ENOENT)
        return Error{kProcNoAddressSpace, "unable to read " + path + ": no target (kernel thread or zombie)"};
      return error;
    }
    if (size_t(n) < buf.size()) return std::string(buf.data(), size_t(n));
    buf.resize(buf.size() * 2);
  }
}

}  // namespace tend
