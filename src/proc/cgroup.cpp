#include "proc/cgroup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/files.h"

namespace tend {

Result<UniqueFd> Cgroup::create() const {
  if (::mkdir(path_.c_str(), 0755) != 0 && errno != EEXIST)
    return errno_error("unable to create cgroup " + path_);
  UniqueFd fd(::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return errno_error("unable to open cgroup " + path_);
  return fd;
}

Status Cgroup::kill() const {
  std::string file = path_ + "/cgroup.kill";
  UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return errno_error("unable to kill cgroup " + path_);
  while (::write(fd.get(), "1", 1) != 1) {
    if (errno != EINTR) return errno_error("unable to kill cgroup " + path_);
  }
  return {};
}

Result<bool> Cgroup::populated() const {
  auto text = read_file(events_path());
  if (!text) return text.error();
  // cgroup.events is "populated 0|1\nfrozen 0|1\n"; the order is not promised, so look for the key.
  size_t pos = text->find("populated ");
  if (pos == std::string::npos || (pos != 0 && (*text)[pos - 1] != '\n') || pos + 10 >= text->size())
    return Error{EINVAL, "unable to parse " + events_path() + ": no populated line"};
  char value = (*text)[pos + 10];
  if (value != '0' && value != '1')
    return Error{EINVAL, "unable to parse " + events_path() + ": bad populated"};
  return value == '1';
}

Status Cgroup::remove() const {
  if (::rmdir(path_.c_str()) != 0 && errno != ENOENT) return errno_error("unable to remove cgroup " + path_);
  return {};
}

}  // namespace tend
