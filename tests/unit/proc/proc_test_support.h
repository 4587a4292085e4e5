#pragma once
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "proc/spawn.h"
#include "util/unique_fd.h"

// Shared by the proc tests: pipes, reads and waits with deadlines (never fixed sleeps), helper paths.
namespace tend::proc_testing {

using std::chrono::milliseconds;
inline constexpr milliseconds kDeadline{10000};

inline std::string helper(const std::string& name) {
  return std::string(TEND_HELPERS_DIR) + "/" + name;
}

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

inline Pipe make_pipe() {
  int fds[2] = {-1, -1};
  if (::pipe2(fds, O_CLOEXEC) != 0) return {};
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

/// Milliseconds left until deadline, for poll(); 0 once it has passed.
inline int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now()).count();
  return left > 0 ? int(left) : 0;
}

/// Polls fd for events until the deadline; true when they arrived.
inline bool wait_for(int fd, short events, milliseconds timeout = kDeadline) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, remaining_ms(deadline));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

/// Reads until EOF, or until the deadline passes (then returns what it has).
inline std::string read_to_eof(int fd, milliseconds timeout = kDeadline) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string out;
  char buf[4096];
  while (wait_for(fd, POLLIN, milliseconds(remaining_ms(deadline)))) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, size_t(n));
  }
  return out;
}

/// Reads one '\n'-terminated line (without the '\n'); nullopt on EOF or deadline.
inline std::optional<std::string> read_line(int fd, milliseconds timeout = kDeadline) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string line;
  char c;
  while (wait_for(fd, POLLIN, milliseconds(remaining_ms(deadline)))) {
    ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    if (c == '\n') return line;
    line.push_back(c);
  }
  return std::nullopt;
}

/// Waits for the process behind pidfd to exit, then reaps it; the wait status, or -1 on deadline (the
/// process is then killed and reaped so that no test leaks a child).
inline int wait_exit(pid_t pid, int pidfd, milliseconds timeout = kDeadline) {
  bool exited = wait_for(pidfd, POLLIN, timeout);
  if (!exited) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return exited ? status : -1;
}

inline int wait_exit(const SpawnedChild& child) {
  return wait_exit(child.pid, child.pidfd.get());
}

/// "key=value" lines (tp_report's output) as a map.
inline std::map<std::string, std::string> parse_report(const std::string& text) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    size_t eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    start = end + 1;
  }
  return out;
}

/// A fresh directory under /tmp, removed with the entries added through it at scope end.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = "/tmp/tend-proc-test-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
      std::string entry = path_ + "/" + *it;
      if (::unlink(entry.c_str()) != 0) ::rmdir(entry.c_str());
    }
    ::rmdir(path_.c_str());
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  /// Creates an empty file with the given mode; returns its path.
  std::string add_file(const std::string& name, mode_t mode) {
    std::string file = path_ + "/" + name;
    UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, mode));
    ::fchmod(fd.get(), mode);
    created_.push_back(name);
    return file;
  }
  std::string add_symlink(const std::string& name, const std::string& target) {
    std::string link = path_ + "/" + name;
    if (::symlink(target.c_str(), link.c_str()) == 0) created_.push_back(name);
    return link;
  }
  std::string add_dir(const std::string& name) {
    std::string dir = path_ + "/" + name;
    ::mkdir(dir.c_str(), 0755);
    created_.push_back(name);
    return dir;
  }

 private:
  std::string path_;
  std::vector<std::string> created_;
};

}  // namespace tend::proc_testing
