#include "proc/proc_fds.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <vector>

#include "proc/proc_files.h"
#include "proc/proc_text.h"
#include "util/unique_fd.h"

namespace tend {
namespace {

// Closes a DIR* (and the fd it owns).
struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

std::optional<std::string> read_link_at(int dirfd, const char* name) {
  std::vector<char> buf(256);
  for (;;) {
    ssize_t n = ::readlinkat(dirfd, name, buf.data(), buf.size());
    if (n < 0) return std::nullopt;
    if (size_t(n) < buf.size()) return std::string(buf.data(), size_t(n));
    buf.resize(buf.size() * 2);
  }
}

std::optional<FdInfo> read_fdinfo_at(int dirfd, const char* name) {
  UniqueFd fd(::openat(dirfd, name, O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  char buf[4096];  // pos, flags, mnt_id, ino come first; what follows (epoll, inotify lists) is not needed
  ssize_t n = ::read(fd.get(), buf, sizeof buf);
  if (n <= 0) return std::nullopt;
  auto info = parse_fdinfo(std::string_view(buf, size_t(n)));
  return info ? std::optional(*info) : std::nullopt;
}

Result<DirPtr> open_dir(const std::string& dir, std::string_view name) {
  UniqueFd fd(::open((dir + "/" + std::string(name)).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return proc_error(dir, name, errno);
  DIR* d = ::fdopendir(fd.get());
  if (!d) return proc_error(dir, name, errno);
  fd.release();
  return DirPtr(d);
}

}  // namespace

std::string_view fd_kind_name(FdKind kind) {
  switch (kind) {
    case FdKind::file: return "file";
    case FdKind::pipe: return "pipe";
    case FdKind::socket: return "socket";
    case FdKind::anon_inode: return "anon_inode";
    case FdKind::other: return "other";
  }
  return "other";
}

FdKind classify_fd_target(std::string_view target) {
  if (target.starts_with("/")) return FdKind::file;
  if (target.starts_with("pipe:[")) return FdKind::pipe;
  if (target.starts_with("socket:[")) return FdKind::socket;
  if (target.starts_with("anon_inode:")) return FdKind::anon_inode;
  return FdKind::other;
}

Result<FdInfo> parse_fdinfo(std::string_view text) {
  std::optional<std::uint64_t> pos;
  std::optional<int> flags;
  for_each_key_value(text, [&](std::string_view key, std::string_view value) {
    if (key == "pos") pos = parse_u64(value);
    if (key == "flags") {
      int n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n, 8);
      if (ec == std::errc() && end == value.data() + value.size() && !value.empty()) flags = n;
    }
  });
  if (!pos || !flags) return Error{EINVAL, "unable to parse /proc/PID/fdinfo: no valid pos and flags lines"};
  return FdInfo{*pos, *flags};
}

std::string describe_open_flags(int flags) {
  int access = flags & O_ACCMODE;
  std::string out = access == O_RDONLY ? "r" : access == O_WRONLY ? "w" : "rw";
  if (flags & O_APPEND) out += ",append";
  if (flags & O_NONBLOCK) out += ",nonblock";
  if (flags & O_CLOEXEC) out += ",cloexec";
  return out;
}

Result<int> count_proc_fds(pid_t pid) {
  std::string dir = proc_dir(pid);
  // Since Linux 6.2 the size of /proc/PID/fd is the number of open descriptors: one stat instead of a
  // directory listing. Older kernels report 0 there, and so does a process with no descriptor: list then.
  struct stat st;
  if (::stat((dir + "/fd").c_str(), &st) == 0 && st.st_size > 0) return int(st.st_size);
  auto fds = open_dir(dir, "fd");
  if (!fds) return fds.error();
  int count = 0;
  while (dirent* entry = ::readdir(fds->get())) count += entry->d_name[0] != '.';
  return pid == ::getpid() ? count - 1 : count;  // our own listing holds one more: the directory
}

Result<std::vector<ProcFd>> read_proc_fds(pid_t pid, bool with_info) {
  std::string dir = proc_dir(pid);
  auto fds = open_dir(dir, "fd");
  if (!fds) return fds.error();
  std::optional<DirPtr> infos;
  if (with_info) {
    auto opened = open_dir(dir, "fdinfo");
    if (opened) infos = std::move(*opened);
  }
  // Reading our own table, the directory's own descriptor shows up too; it is not the caller's.
  int own = pid == ::getpid() ? ::dirfd(fds->get()) : -1;
  std::vector<ProcFd> out;
  while (dirent* entry = ::readdir(fds->get())) {
    auto fd = parse_u64(entry->d_name);
    if (!fd || int(*fd) == own || (infos && int(*fd) == ::dirfd(infos->get()) && own >= 0)) continue;
    auto target = read_link_at(::dirfd(fds->get()), entry->d_name);
    if (!target) continue;  // closed since readdir saw it
    ProcFd item{int(*fd), *target, classify_fd_target(*target), std::nullopt};
    if (infos) item.info = read_fdinfo_at(::dirfd(infos->get()), entry->d_name);
    out.push_back(std::move(item));
  }
  std::sort(out.begin(), out.end(), [](const ProcFd& a, const ProcFd& b) { return a.fd < b.fd; });
  return out;
}

}  // namespace tend
