#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace tend::e2e {
namespace {

using Clock = std::chrono::steady_clock;

Ms remaining(Clock::time_point deadline) {
  return std::max(Ms(0), std::chrono::duration_cast<Ms>(deadline - Clock::now()));
}

// Reads what is available; returns false at EOF or on a hard error.
bool read_some(int fd, std::string& into) {
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      into.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && errno == EAGAIN;
  }
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string RunResult::describe() const {
  std::ostringstream s;
  s << "exit=" << exit_code << " signal=" << term_signal << (timed_out ? " TIMED OUT" : "")
    << " elapsed=" << elapsed.count() << "ms\n--- stdout ---\n"
    << out << "\n--- stderr ---\n"
    << err;
  return s.str();
}

Spawned spawn_process(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  Spawned p;
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return p;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  auto args = c_strings(argv);
  auto envp = c_strings(env);
  p.started = Clock::now();
  int rc = posix_spawn(&p.pid, argv[0].c_str(), &fa, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    p.pid = -1;
    return p;
  }
  p.out_fd = out[0];
  p.err_fd = err[0];
  fcntl(p.out_fd, F_SETFL, O_NONBLOCK);
  fcntl(p.err_fd, F_SETFL, O_NONBLOCK);
  p.pidfd = static_cast<int>(syscall(SYS_pidfd_open, p.pid, 0));
  return p;
}

RunResult finish_process(Spawned& p, Ms timeout) {
  RunResult r;
  if (p.pid <= 0) {
    r.err = "spawn failed";
    return r;
  }
  auto deadline = p.started + timeout;
  bool exited = false;
  while (!exited) {
    pollfd fds[3] = {{p.out_fd, POLLIN, 0}, {p.err_fd, POLLIN, 0}, {p.pidfd, POLLIN, 0}};
    int n = poll(fds, 3, static_cast<int>(remaining(deadline).count()));
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      r.timed_out = true;
      kill(-p.pid, SIGKILL);  // the client's own process group, created by spawn_process
      kill(p.pid, SIGKILL);
      break;
    }
    if (p.out_fd >= 0 && (fds[0].revents & (POLLIN | POLLHUP)) && !read_some(p.out_fd, r.out))
      close_fd(p.out_fd);
    if (p.err_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP)) && !read_some(p.err_fd, r.err))
      close_fd(p.err_fd);
    if (fds[2].revents & POLLIN) exited = true;
  }
  int status = 0;
  while (waitpid(p.pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.elapsed = std::chrono::duration_cast<Ms>(Clock::now() - p.started);
  // Whatever the process wrote before exiting is in the pipes now; a daemon that inherited them must not
  // keep us waiting, so read only what is there.
  if (p.out_fd >= 0) read_some(p.out_fd, r.out);
  if (p.err_fd >= 0) read_some(p.err_fd, r.err);
  close_fd(p.out_fd);
  close_fd(p.err_fd);
  close_fd(p.pidfd);
  if (!r.timed_out && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.term_signal = WTERMSIG(status);
  return r;
}

RunResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env, Ms timeout) {
  Spawned p = spawn_process(argv, env);
  return finish_process(p, timeout);
}

bool read_stdout_until(Spawned& p, std::string& acc, const std::string& needle, Ms timeout) {
  auto deadline = Clock::now() + timeout;
  while (acc.find(needle) == std::string::npos) {
    if (p.out_fd < 0) return false;
    pollfd pfd{p.out_fd, POLLIN, 0};
    int n = poll(&pfd, 1, static_cast<int>(remaining(deadline).count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    if (!read_some(p.out_fd, acc)) close_fd(p.out_fd);
  }
  return true;
}

std::vector<std::string> merge_env(std::vector<std::string> base, const std::vector<std::string>& overrides) {
  for (const auto& kv : overrides) {
    std::string key = kv.substr(0, kv.find('=') + 1);
    auto same = [&](const std::string& e) { return e.rfind(key, 0) == 0; };
    base.erase(std::remove_if(base.begin(), base.end(), same), base.end());
    base.push_back(kv);
  }
  return base;
}

std::string helper_path(const std::string& name) {
  return std::string(TEND_HELPERS_DIR) + "/" + name;
}

std::string script_path(const std::string& name) {
  return std::string(TEND_SCRIPTS_DIR) + "/" + name;
}

std::optional<std::string> try_read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string read_file(const std::string& path) {
  return try_read_file(path).value_or("");
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

bool file_exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

bool wait_until(const std::function<bool()>& cond, Ms deadline, Ms interval) {
  auto end = Clock::now() + deadline;
  for (;;) {
    if (cond()) return true;
    if (Clock::now() >= end) return cond();
    std::this_thread::sleep_for(interval);
  }
}

long long monotonic_us() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000LL + ts.tv_nsec / 1000;
}

bool port_is_free(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool refused = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno == ECONNREFUSED;
  ::close(fd);
  return refused;
}

std::optional<ProcStat> proc_stat(pid_t pid) {
  auto text = try_read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return std::nullopt;
  size_t open = text->find('('), close = text->rfind(')');
  if (open == std::string::npos || close == std::string::npos) return std::nullopt;
  ProcStat st;
  st.pid = pid;
  st.comm = text->substr(open + 1, close - open - 1);
  std::istringstream rest(text->substr(close + 2));
  rest >> st.state >> st.ppid >> st.pgid >> st.sid;
  return st;
}

std::vector<ProcStat> all_procs() {
  std::vector<ProcStat> out;
  DIR* dir = opendir("/proc");
  if (!dir) return out;
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    long pid = strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    if (auto st = proc_stat(static_cast<pid_t>(pid))) out.push_back(*st);
  }
  closedir(dir);
  return out;
}

std::vector<std::string> proc_argv(pid_t pid) {
  std::vector<std::string> args;
  std::string raw = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  size_t start = 0;
  while (start < raw.size()) {
    size_t nul = raw.find('\0', start);
    if (nul == std::string::npos) nul = raw.size();
    args.push_back(raw.substr(start, nul - start));
    start = nul + 1;
  }
  return args;
}

std::string proc_environ(pid_t pid) {
  std::string env = read_file("/proc/" + std::to_string(pid) + "/environ");
  std::replace(env.begin(), env.end(), '\0', '\n');
  return env;
}

std::string proc_exe(pid_t pid) {
  char buf[4096];
  ssize_t n = readlink(("/proc/" + std::to_string(pid) + "/exe").c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

bool pid_alive(pid_t pid) {
  auto st = proc_stat(pid);
  return st && st->state != 'Z' && st->state != 'X';
}

bool pid_gone(pid_t pid) {
  return kill(pid, 0) != 0 && errno == ESRCH;
}

bool group_alive(pid_t pgid) {
  for (const auto& p : all_procs())
    if (p.pgid == pgid && p.state != 'Z' && p.state != 'X') return true;
  return false;
}

UnixClient::UnixClient(const std::string& path) {
  fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  timeval send_timeout{5, 0};  // a daemon that stops reading must not hang the test
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) close();
}

UnixClient::~UnixClient() {
  close();
}

void UnixClient::close() {
  close_fd(fd_);
}

size_t UnixClient::send_all(const std::string& data) {
  size_t sent = 0;
  while (fd_ >= 0 && sent < data.size()) {
    ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  return sent;
}

std::optional<std::string> UnixClient::read_line(Ms timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    if (fd_ < 0 || eof_) return std::nullopt;
    pollfd pfd{fd_, POLLIN, 0};
    int n = poll(&pfd, 1, static_cast<int>(remaining(deadline).count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    char buf[65536];
    ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      eof_ = true;
      continue;
    }
    buffer_.append(buf, static_cast<size_t>(got));
  }
}

// ---- fixture
// ------------------------------------------------------------------------------------------------

void TendTest::SetUp() {
  signal(SIGPIPE, SIG_IGN);
  char tmpl[] = "/tmp/tend-e2e-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr) << strerror(errno);
  home_ = tmpl;
  tag_ = "TEND_E2E_TAG=" + home_;
}

void TendTest::TearDown() {
  chmod(home_.c_str(), 0700);
  pid_t daemon = daemon_pid();
  if (daemon > 0 && pid_alive(daemon)) {
    tend({"shutdown"}, Ms(15000));
    // shutdown answers before the daemon has finished exiting (removing its cgroup, say): let it finish.
    wait_until([&] { return !pid_alive(daemon); }, Ms(5000));
  }
  if (daemon > 0 && pid_alive(daemon) && ours(daemon)) kill(daemon, SIGKILL);
  kill_leftovers();
  remove_cgroups();
  std::error_code ec;
  std::filesystem::remove_all(home_, ec);
}

void TendTest::remove_cgroups() {
  // Only needed when a daemon was killed: a clean shutdown removes its cgroup itself. rmdir fails on
  // anything still in use, so this cannot disturb a live daemon.
  const std::string marker = "cgroup v2 at ";
  for (const auto& line : split_lines(read_file(home_ + "/tend.log"))) {
    auto at = line.find(marker);
    if (at != std::string::npos) cgroups_.insert(line.substr(at + marker.size()));
  }
  for (const auto& dir : cgroups_) {
    if (dir.rfind("/sys/fs/cgroup/", 0) != 0) continue;
    std::error_code ec;
    for (const auto& sub : std::filesystem::directory_iterator(dir, ec))
      if (sub.is_directory()) rmdir(sub.path().c_str());
    rmdir(dir.c_str());
  }
}

bool TendTest::ours(pid_t pid) const {
  std::string env = "\n" + proc_environ(pid);
  if (env.find("\n" + tag_ + "\n") != std::string::npos) return true;
  std::string exe = proc_exe(pid);
  return exe.rfind(TEND_HELPERS_DIR, 0) == 0 || exe.rfind(TEND_BINARY, 0) == 0;
}

void TendTest::kill_leftovers() {
  // Everything this test started carries tag_ in its environment; tracked pids and groups are checked too, in
  // case the daemon did not pass the environment on. Repeat: a dying parent can fork once more.
  for (int round = 0; round < 5; ++round) {
    int killed = 0;
    for (const auto& p : all_procs()) {
      if (p.state == 'Z' || p.pid == getpid()) continue;
      bool tracked = pids_.count(p.pid) || groups_.count(p.pgid);
      std::string env = "\n" + proc_environ(p.pid);
      bool tagged = env.find("\n" + tag_ + "\n") != std::string::npos;
      if (tagged || (tracked && ours(p.pid))) {
        kill(p.pid, SIGKILL);
        ++killed;
      }
    }
    if (killed == 0) return;
    wait_until(
        [&] {
          for (const auto& p : all_procs())
            if (p.state != 'Z' && proc_environ(p.pid).find(tag_) != std::string::npos) return false;
          return true;
        },
        Ms(2000));
  }
}

std::vector<std::string> TendTest::env() const {
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "TEND_", 5) != 0) out.emplace_back(*e);
  out.push_back("TEND_HOME=" + home_);
  out.push_back(tag_);
  if (force_no_cgroup()) out.push_back("TEND_NO_CGROUP=1");
  return merge_env(out, extra_env_);
}

RunResult TendTest::tend(const std::vector<std::string>& args, Ms timeout) {
  return tend_with_env({}, args, timeout);
}

RunResult TendTest::tend_with_env(const std::vector<std::string>& extra, const std::vector<std::string>& args,
                                  Ms timeout) {
  std::vector<std::string> argv{TEND_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, merge_env(env(), extra), timeout);
}

RunResult TendTest::start(const std::string& name, const std::string& helper,
                          const std::vector<std::string>& args, const std::vector<std::string>& options) {
  std::vector<std::string> argv{"start", "--name", name};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back("--");
  argv.push_back(helper_path(helper));
  argv.insert(argv.end(), args.begin(), args.end());
  return tend(argv);
}

bool TendTest::wait_state(const std::vector<std::string>& targets, const std::string& state, Ms timeout) {
  std::vector<std::string> argv{"wait"};
  argv.insert(argv.end(), targets.begin(), targets.end());
  argv.insert(argv.end(), {"--for", state, "--timeout", std::to_string(timeout.count()) + "ms"});
  RunResult r = tend(argv, timeout + Ms(10000));
  if (r.exit_code != 0) std::cerr << "tend wait for " << state << " failed: " << r.describe() << "\n";
  return r.exit_code == 0;
}

bool TendTest::poll_state(const std::string& name, int instance, const std::string& state, Ms deadline) {
  return wait_until(
      [&] {
        auto i = find_instance(name, instance);
        return i && (*i)["state"] == state;
      },
      deadline, Ms(20));
}

Json TendTest::ls_json() {
  RunResult r = tend({"ls", "--json"});
  if (r.exit_code != 0) {
    ADD_FAILURE() << "tend ls --json: " << r.describe();
    return Json::array();
  }
  Json j;
  try {
    j = Json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "tend ls --json is not JSON (" << e.what() << "): " << r.out;
    return Json::array();
  }
  if (!j.is_array()) {
    ADD_FAILURE() << "tend ls --json is not an array: " << r.out;
    return Json::array();
  }
  for (const auto& i : j) {
    if (i.contains("pid") && i["pid"].is_number_integer()) track_pid(i["pid"].get<pid_t>());
    if (i.contains("pgid") && i["pgid"].is_number_integer()) track_group(i["pgid"].get<pid_t>());
    if (i.contains("cgroup") && i["cgroup"].is_string()) {
      std::string cg = i["cgroup"];
      if (cg.rfind("/sys/fs/cgroup", 0) == 0) cgroups_.insert(cg);
    }
  }
  return j;
}

std::optional<Json> TendTest::find_instance(const std::string& name, int instance) {
  for (const auto& i : ls_json())
    if (i.value("name", "") == name && i.value("instance", -1) == instance) return i;
  return std::nullopt;
}

pid_t TendTest::pid_of(const std::string& name, int instance) {
  auto i = find_instance(name, instance);
  if (!i || !(*i)["pid"].is_number_integer()) return 0;
  return (*i)["pid"].get<pid_t>();
}

std::string TendTest::log_path(const std::string& name, int instance, const std::string& stream) const {
  return home_ + "/logs/" + name + "-" + std::to_string(instance) + "." + stream + ".log";
}

std::string TendTest::log_text(const std::string& name, int instance, const std::string& stream) const {
  return read_file(log_path(name, instance, stream));
}

bool TendTest::wait_log_contains(const std::string& name, int instance, const std::string& needle,
                                 Ms deadline, const std::string& stream) const {
  return wait_until([&] { return log_text(name, instance, stream).find(needle) != std::string::npos; },
                    deadline);
}

std::string TendTest::log_and_events() {
  std::string out = read_file(home_ + "/tend.log");
  RunResult r = tend({"events", "--json", "-n", "10000"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  for (const auto& line : split_lines(r.out)) {
    Json event = Json::parse(line, nullptr, false);
    if (event.is_discarded()) {
      ADD_FAILURE() << "unparsable event: " << line;
      continue;
    }
    out += "event " + event["kind"].get<std::string>();
    if (event["program"].is_string())
      out += " " + event["program"].get<std::string>() + ":" + std::to_string(event["instance"].get<int>());
    out += ": " + event["message"].get<std::string>() + "\n";
  }
  return out;
}

pid_t TendTest::daemon_pid() const {
  std::string text = read_file(home_ + "/tend.pid");
  return static_cast<pid_t>(std::atol(text.c_str()));
}

std::string TendTest::verbose_version() {
  RunResult r = tend({"version", "--verbose"});
  return r.out + r.err;
}

bool TendTest::cgroup_mode() {
  return verbose_version().find("containment: cgroup") != std::string::npos;
}

std::string TendTest::marker(const std::string& suffix) const {
  return std::filesystem::path(home_).filename().string() + "-" + suffix;
}

std::vector<pid_t> TendTest::pids_with_arg(const std::string& needle) const {
  std::vector<pid_t> out;
  for (const auto& p : all_procs()) {
    if (p.state == 'Z') continue;
    auto args = proc_argv(p.pid);
    if (std::find(args.begin(), args.end(), needle) != args.end()) out.push_back(p.pid);
  }
  return out;
}

std::vector<pid_t> TendTest::zombies_of(pid_t parent) const {
  std::vector<pid_t> out;
  for (const auto& p : all_procs())
    if (p.ppid == parent && p.state == 'Z') out.push_back(p.pid);
  return out;
}

}  // namespace tend::e2e
