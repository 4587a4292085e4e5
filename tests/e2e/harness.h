#pragma once
// End-to-end test harness: runs the real `tend` binary against a private TEND_HOME per test and offers small
// readers of /proc, files and sockets. Waiting is always on a condition with a deadline (`tend wait` where
// the state is one it supports, otherwise `wait_until`), never a bare sleep.

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tend::e2e {

using Ms = std::chrono::milliseconds;
using Json = nlohmann::json;

/// What a finished (or timed-out and killed) process left behind.
struct RunResult {
  int exit_code = -1;  ///< exit status, or -1 when it died by a signal or timed out
  int term_signal = 0;
  bool timed_out = false;
  std::string out;
  std::string err;
  Ms elapsed{0};
  /// One line for assertion messages: status, stdout and stderr.
  std::string describe() const;
};

/// A process started by `spawn_process`; `finish_process` collects it.
struct Spawned {
  pid_t pid = -1;
  int pidfd = -1;
  int out_fd = -1;
  int err_fd = -1;
  std::chrono::steady_clock::time_point started;
};

/// Starts argv[0] (a path) with exactly `env`, stdin from /dev/null, stdout and stderr captured.
Spawned spawn_process(const std::vector<std::string>& argv, const std::vector<std::string>& env);
/// Waits for the process and its output; after `timeout` SIGKILLs it (by pid) and marks it timed out.
RunResult finish_process(Spawned& proc, Ms timeout);
RunResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env, Ms timeout);
/// Reads the running process's stdout into `acc` until it contains `needle` or `timeout` passes.
bool read_stdout_until(Spawned& proc, std::string& acc, const std::string& needle, Ms timeout);
/// `base` with each KEY=VALUE of `overrides` replacing the entry of the same KEY (or appended).
std::vector<std::string> merge_env(std::vector<std::string> base, const std::vector<std::string>& overrides);

/// Path of a helper program built from tests/helpers/NAME.c.
std::string helper_path(const std::string& name);
/// Path of a helper script kept as source in tests/helpers/ (Python, Node).
std::string script_path(const std::string& name);
std::optional<std::string> try_read_file(const std::string& path);
std::string read_file(const std::string& path);                 ///< "" when missing
std::vector<std::string> split_lines(const std::string& text);  ///< drops a trailing empty piece
bool file_exists(const std::string& path);

/// Re-checks `cond` every `interval` until it holds (true) or `deadline` passes (false).
bool wait_until(const std::function<bool()>& cond, Ms deadline, Ms interval = Ms(10));
/// CLOCK_MONOTONIC in microseconds (the clock t_crash_stamp writes).
long long monotonic_us();

/// True when nothing accepts connections on 127.0.0.1:port.
bool port_is_free(int port);

/// One /proc/PID/stat.
struct ProcStat {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t pgid = 0;
  pid_t sid = 0;
  char state = '?';
  std::string comm;
};
std::optional<ProcStat> proc_stat(pid_t pid);
std::vector<ProcStat> all_procs();
std::vector<std::string> proc_argv(pid_t pid);
std::string proc_environ(pid_t pid);  ///< NULs replaced by '\n'
std::string proc_exe(pid_t pid);
/// The process exists and is not a zombie.
bool pid_alive(pid_t pid);
/// No process with this pid, not even a zombie (kill(pid, 0) fails with ESRCH).
bool pid_gone(pid_t pid);
/// Some non-zombie process is in process group `pgid`.
bool group_alive(pid_t pgid);

/// A plain unix-socket client for protocol tests.
class UnixClient {
 public:
  explicit UnixClient(const std::string& path);
  ~UnixClient();
  UnixClient(const UnixClient&) = delete;
  UnixClient& operator=(const UnixClient&) = delete;
  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  /// Sends everything, or stops at the first error; returns bytes sent.
  size_t send_all(const std::string& data);
  /// Next '\n'-terminated line (without it); nullopt on EOF, error or timeout (see `eof()`).
  std::optional<std::string> read_line(Ms timeout);
  bool eof() const { return eof_; }
  void close();

 private:
  int fd_ = -1;
  bool eof_ = false;
  std::string buffer_;
};

/// Fixture: private TEND_HOME, the real binary, and cleanup of everything the test started.
class TendTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  virtual bool force_no_cgroup() const { return false; }

  /// Environment handed to every `tend` run: the test process's own (minus TEND_*), TEND_HOME, a unique
  /// TEND_E2E_TAG that every descendant inherits (so TearDown can find them), and `extra_env_`.
  std::vector<std::string> env() const;
  RunResult tend(const std::vector<std::string>& args, Ms timeout = Ms(20000));
  RunResult tend_with_env(const std::vector<std::string>& extra, const std::vector<std::string>& args,
                          Ms timeout = Ms(20000));
  /// `tend start --name NAME OPTIONS... -- <helper> ARGS...`
  RunResult start(const std::string& name, const std::string& helper,
                  const std::vector<std::string>& args = {}, const std::vector<std::string>& options = {});
  /// `tend wait TARGETS... --for STATE --timeout T`; true on exit 0.
  bool wait_state(const std::vector<std::string>& targets, const std::string& state, Ms timeout = Ms(10000));
  /// Polls `ls --json` until NAME:I is in STATE (for states `tend wait` does not take, e.g. backoff).
  bool poll_state(const std::string& name, int instance, const std::string& state, Ms deadline);

  /// `tend ls --json`, parsed; records every pid/pgid/cgroup it shows for cleanup. Fails the test if
  /// unparsable.
  Json ls_json();
  std::optional<Json> find_instance(const std::string& name, int instance = 0);
  /// pid of NAME:I from ls, 0 when absent or null.
  pid_t pid_of(const std::string& name, int instance = 0);

  std::string log_path(const std::string& name, int instance = 0, const std::string& stream = "out") const;
  std::string log_text(const std::string& name, int instance = 0, const std::string& stream = "out") const;
  bool wait_log_contains(const std::string& name, int instance, const std::string& needle, Ms deadline,
                         const std::string& stream = "out") const;

  /// The daemon's log followed by every recorded event (`tend events`), one line each as
  /// "event KIND NAME:I: MESSAGE" (or "event KIND: MESSAGE" for the daemon's own), for tests that look for
  /// what the daemon noticed wherever it was written.
  std::string log_and_events();

  pid_t daemon_pid() const;  ///< from tend.pid; 0 when missing
  std::string verbose_version();
  bool cgroup_mode();  ///< `tend version --verbose` says "containment: cgroup"
  /// Unique per test; use it as a marker argument to find helper processes in /proc.
  std::string marker(const std::string& suffix) const;
  /// Processes (not zombies) whose argv contains `needle` as a whole argument.
  std::vector<pid_t> pids_with_arg(const std::string& needle) const;
  /// Zombies whose parent is `parent`.
  std::vector<pid_t> zombies_of(pid_t parent) const;

  void track_pid(pid_t pid) {
    if (pid > 0) pids_.insert(pid);
  }
  void track_group(pid_t pgid) {
    if (pgid > 0) groups_.insert(pgid);
  }

  std::string home_;
  std::string tag_;
  std::vector<std::string> extra_env_;

 private:
  void kill_leftovers();
  void remove_cgroups();
  bool ours(pid_t pid) const;
  std::set<pid_t> pids_;
  std::set<pid_t> groups_;
  std::set<std::string> cgroups_;
};

/// The same fixture with TEND_NO_CGROUP=1, forcing the process-group fallback.
class TendNoCgroupTest : public TendTest {
 protected:
  bool force_no_cgroup() const override { return true; }
};

}  // namespace tend::e2e
