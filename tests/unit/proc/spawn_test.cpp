#include "proc/spawn.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>

#include "proc/spawn_child.h"
#include "proc_test_support.h"

namespace tend {
namespace {

using namespace proc_testing;

struct RunResult {
  int status = -1;
  std::string output;
};

SpawnRequest request_for(std::vector<std::string> argv, int out_fd) {
  SpawnRequest request;
  request.argv = std::move(argv);
  request.stdout_fd = out_fd;
  request.stderr_fd = out_fd;
  return request;
}

// Spawns with stdout+stderr on a fresh pipe, reads to EOF, reaps. Fails the test if spawn fails.
RunResult run(SpawnRequest request) {
  Pipe out = make_pipe();
  if (request.stdout_fd < 0) request.stdout_fd = out.write.get();
  if (request.stderr_fd < 0) request.stderr_fd = out.write.get();
  auto child = spawn(request);
  EXPECT_TRUE(child.ok()) << (child.ok() ? "" : child.error().message);
  if (!child) return {};
  out.write.reset();
  RunResult result;
  result.output = read_to_eof(out.read.get());
  result.status = wait_exit(*child);
  return result;
}

RunResult run(std::vector<std::string> argv) {
  return run(request_for(std::move(argv), -1));
}

std::map<std::string, std::string> report(SpawnRequest request) {
  request.argv = {helper("tp_report")};
  return parse_report(run(std::move(request)).output);
}

int count_open_fds() {
  int count = 0;
  for (int fd = 0; fd < 1024; ++fd) count += ::fcntl(fd, F_GETFD) != -1;
  return count;
}

TEST(SpawnTest, RunsProgramAndReturnsPidfd) {
  Pipe out = make_pipe();
  auto child = spawn(request_for({"/bin/false"}, out.write.get()));
  ASSERT_TRUE(child.ok()) << child.error().message;
  EXPECT_GT(child->pid, 0);
  ASSERT_TRUE(child->pidfd.valid());
  EXPECT_EQ(::fcntl(child->pidfd.get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  int status = wait_exit(*child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_EQ(run({"/bin/true"}).status, 0);
}

TEST(SpawnTest, MissingExecutableFailsWithExactMessage) {
  Pipe out = make_pipe();
  auto child = spawn(request_for({"/no/such"}, out.write.get()));
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.error().code, ENOENT);
  EXPECT_EQ(child.error().message, "exec /no/such: No such file or directory");
}

TEST(SpawnTest, NonExecutableFileFailsWithEacces) {
  ScratchDir dir;
  std::string file = dir.add_file("not-executable", 0644);
  Pipe out = make_pipe();
  auto child = spawn(request_for({file}, out.write.get()));
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.error().code, EACCES);
  EXPECT_EQ(child.error().message, "exec " + file + ": Permission denied");
}

TEST(SpawnTest, BadCwdNamesChdir) {
  Pipe out = make_pipe();
  auto request = request_for({"/bin/true"}, out.write.get());
  request.cwd = "/no/such/dir";
  auto child = spawn(request);
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.error().code, ENOENT);
  EXPECT_EQ(child.error().message, "chdir /no/such/dir: No such file or directory");
}

TEST(SpawnTest, CgroupFdThatIsNoCgroupFailsToSpawnIntoCgroup) {
  Pipe out = make_pipe();
  UniqueFd not_a_cgroup(::open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  auto request = request_for({"/bin/true"}, out.write.get());
  request.cgroup_fd = not_a_cgroup.get();
  auto child = spawn(request);
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.error().code, EBADF);
  EXPECT_EQ(child.error().message, "unable to spawn into cgroup: Bad file descriptor");
}

TEST(SpawnTest, FailedSpawnLeaksNoFds) {
  Pipe out = make_pipe();
  int before = count_open_fds();
  for (const char* path : {"/no/such", "/etc"})
    EXPECT_FALSE(spawn(request_for({path}, out.write.get())).ok());
  EXPECT_EQ(count_open_fds(), before);
}

TEST(SpawnTest, RejectsEmptyArgvAndMissingStdio) {
  Pipe out = make_pipe();
  auto empty = spawn(request_for({}, out.write.get()));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, EINVAL);
  auto no_stdio = spawn(request_for({"/bin/true"}, -1));
  ASSERT_FALSE(no_stdio.ok());
  EXPECT_EQ(no_stdio.error().code, EBADF);
}

TEST(SpawnTest, AppliesCwdAndResolvesRelativeArgv0AgainstIt) {
  ScratchDir dir;
  SpawnRequest request;
  request.cwd = dir.path();
  EXPECT_EQ(report(request)["cwd"], dir.path());

  auto relative = request_for({"./tp_report"}, -1);
  relative.cwd = TEND_HELPERS_DIR;
  RunResult result = run(relative);
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(parse_report(result.output)["cwd"], TEND_HELPERS_DIR);
}

TEST(SpawnTest, ResolvesArgv0WithTheRequestPath) {
  ScratchDir dir;
  dir.add_symlink("tend-proc-test-report", helper("tp_report"));
  const char* daemon_path = std::getenv("PATH");
  EXPECT_FALSE(resolve_executable("tend-proc-test-report", daemon_path ? daemon_path : "").ok());

  auto request = request_for({"tend-proc-test-report"}, -1);
  request.env = {{"PATH", "/no/such:" + dir.path()}};
  RunResult result = run(request);
  EXPECT_EQ(result.status, 0);
  EXPECT_FALSE(parse_report(result.output)["pid"].empty());
}

TEST(SpawnTest, UsesDefaultPathWhenEnvHasNone) {
  auto request = request_for({"true"}, -1);
  EXPECT_TRUE(request.env.empty());
  EXPECT_EQ(run(request).status, 0);

  Pipe out = make_pipe();
  auto missing = spawn(request_for({"tend-no-such-program"}, out.write.get()));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "exec tend-no-such-program: No such file or directory");
}

TEST(SpawnTest, EnvironmentIsExactlyTheRequested) {
  auto request = request_for({"/usr/bin/env"}, -1);
  request.env = {{"B", "two words"}, {"A", "1"}, {"EMPTY", ""}};
  RunResult result = run(request);
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(result.output, "A=1\nB=two words\nEMPTY=\n");
}

TEST(SpawnTest, ASharedEnvBlockComesFirstThenTheRequestsOwnVariables) {
  const std::vector<std::string> block{"A=1", "B=two words"};
  auto request = request_for({"/usr/bin/env"}, -1);
  request.env_block = &block;
  request.env = {{"C", "own"}};
  RunResult result = run(request);
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(result.output, "A=1\nB=two words\nC=own\n");
  EXPECT_EQ(block, (std::vector<std::string>{"A=1", "B=two words"}));  // borrowed, left as it was
}

TEST(SpawnTest, ArgvZeroIsLookedForOnTheEnvBlocksPath) {
  ScratchDir dir;
  dir.add_symlink("tend-proc-test-report", helper("tp_report"));
  const std::vector<std::string> block{"HOME=/", "PATH=/no/such:" + dir.path()};
  auto request = request_for({"tend-proc-test-report"}, -1);
  request.env_block = &block;
  RunResult result = run(request);
  EXPECT_EQ(result.status, 0);
  EXPECT_FALSE(parse_report(result.output)["pid"].empty());
}

TEST(SpawnTest, ChildInheritsOnlyStdio) {
  UniqueFd leaky(::open("/dev/null", O_RDONLY));  // deliberately not O_CLOEXEC
  ASSERT_TRUE(leaky.valid());
  auto child = report(SpawnRequest{});
  EXPECT_EQ(child["fds"], "0,1,2");
  EXPECT_EQ(child["stdin"], "/dev/null");
}

TEST(SpawnTest, ChildLeadsItsOwnSession) {
  auto child = report(SpawnRequest{});
  ASSERT_FALSE(child["pid"].empty());
  EXPECT_EQ(child["sid"], child["pid"]);
  EXPECT_EQ(child["pgid"], child["pid"]);
  EXPECT_NE(child["sid"], std::to_string(::getsid(0)));
}

TEST(SpawnTest, ResetsSignalMaskAndDispositions) {
  sigset_t blocked, old_mask;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGUSR2);
  ASSERT_EQ(::sigprocmask(SIG_BLOCK, &blocked, &old_mask), 0);
  struct sigaction ignore {
  }, old_usr1{}, old_hup{}, old_pipe{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGUSR1, &ignore, &old_usr1);
  ::sigaction(SIGHUP, &ignore, &old_hup);
  ::sigaction(SIGPIPE, &ignore, &old_pipe);

  auto child = report(SpawnRequest{});

  ::sigaction(SIGUSR1, &old_usr1, nullptr);
  ::sigaction(SIGHUP, &old_hup, nullptr);
  ::sigaction(SIGPIPE, &old_pipe, nullptr);
  ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  EXPECT_EQ(child["sigblk"], "0000000000000000");
  EXPECT_EQ(child["sigign"], "0000000000000000");
}

TEST(SpawnTest, AppliesNice) {
  SpawnRequest request;
  request.nice = 7;
  EXPECT_EQ(report(request)["nice"], "7");
  EXPECT_EQ(report(SpawnRequest{})["nice"], std::to_string(::getpriority(PRIO_PROCESS, 0)));
}

TEST(SpawnTest, SameFdMayServeStdoutAndStderr) {
  RunResult result = run(request_for({helper("tp_report")}, -1));
  EXPECT_NE(result.output.find("fds=0,1,2\n"), std::string::npos);
  EXPECT_NE(result.output.find("stderr\n"), std::string::npos);
}

// stdout_fd == 2 and stderr_fd == 1: the child must not clobber one with the other.
TEST(SpawnTest, SwappedStdioFdsLandCorrectly) {
  Pipe a = make_pipe();
  Pipe b = make_pipe();
  UniqueFd saved_out(::fcntl(1, F_DUPFD_CLOEXEC, 3));
  UniqueFd saved_err(::fcntl(2, F_DUPFD_CLOEXEC, 3));
  ::fflush(stdout);
  ::dup2(a.write.get(), 1);
  ::dup2(b.write.get(), 2);
  SpawnRequest request;
  request.argv = {helper("tp_report")};
  request.stdout_fd = 2;
  request.stderr_fd = 1;
  auto child = spawn(request);
  ::dup2(saved_out.get(), 1);
  ::dup2(saved_err.get(), 2);
  ASSERT_TRUE(child.ok()) << child.error().message;
  a.write.reset();
  b.write.reset();
  std::string on_a = read_to_eof(a.read.get());
  std::string on_b = read_to_eof(b.read.get());
  EXPECT_EQ(wait_exit(*child), 0);
  EXPECT_EQ(on_a, "stderr\n");
  EXPECT_NE(on_b.find("pid="), std::string::npos);
}

TEST(ResolveExecutableTest, SearchesPathInOrder) {
  ScratchDir first, second;
  first.add_dir("prog");  // a directory is not an executable
  second.add_file("prog", 0755);
  second.add_file("other", 0755);
  std::string path_env = "relative/dir::" + first.path() + ":" + second.path() + "/";
  EXPECT_EQ(*resolve_executable("prog", path_env), second.path() + "/prog");
  EXPECT_EQ(*resolve_executable("/any/thing", ""), "/any/thing");
  EXPECT_EQ(*resolve_executable("./x", ""), "./x");
}

TEST(ResolveExecutableTest, ReportsMissingAndNotExecutable) {
  ScratchDir dir;
  dir.add_file("plain", 0644);
  auto missing = resolve_executable("nope", dir.path());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ENOENT);
  EXPECT_EQ(missing.error().message, "exec nope: No such file or directory");
  auto plain = resolve_executable("plain", dir.path());
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error().code, EACCES);
  EXPECT_EQ(plain.error().message, "exec plain: Permission denied");
  EXPECT_FALSE(resolve_executable("", "/usr/bin").ok());
}

std::string fd_target(int fd) {
  char buf[256];
  ssize_t n = ::readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), buf, sizeof buf - 1);
  return n < 0 ? std::string() : std::string(buf, size_t(n));
}

TEST(SpawnTest, PlacesExtraFdsAtThreeOnwards) {
  // The lowest free fd is probably 3 itself: then the second source sits where the first must go.
  UniqueFd low(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  Pipe other = make_pipe();
  ASSERT_TRUE(low.valid() && other.read.valid());
  SpawnRequest request;
  request.argv = {helper("tp_report")};
  request.extra_fds = {other.read.get(), low.get()};
  auto child = parse_report(run(request).output);
  EXPECT_EQ(child["fds"], "0,1,2,3,4");
  EXPECT_EQ(child["fd3"], fd_target(other.read.get()));
  EXPECT_EQ(child["fd4"], "/dev/null");
}

TEST(SpawnTest, WritesItsOwnPidIntoPidVariables) {
  SpawnRequest request;
  request.argv = {helper("tp_report"), "LISTEN_PID", "WATCHDOG_PID", "KEEP"};
  request.env = {{"LISTEN_PID", "stale"}, {"KEEP", "kept"}};
  request.pid_env = {"LISTEN_PID", "WATCHDOG_PID"};
  auto child = parse_report(run(request).output);
  ASSERT_FALSE(child["pid"].empty());
  EXPECT_EQ(child["env.LISTEN_PID"], child["pid"]);
  EXPECT_EQ(child["env.WATCHDOG_PID"], child["pid"]);
  EXPECT_EQ(child["env.KEEP"], "kept");
}

TEST(SpawnChildTest, DescribesEachFailedStep) {
  auto describe = [](ChildStep step, int err) {
    return describe_child_failure(ChildReport{int(step), err}, "prog", "/srv/x", 5);
  };
  EXPECT_EQ(describe(ChildStep::exec, ENOENT), "exec prog: No such file or directory");
  EXPECT_EQ(describe(ChildStep::chdir, EACCES), "chdir /srv/x: Permission denied");
  EXPECT_EQ(describe(ChildStep::nice, EACCES), "setpriority 5: Permission denied");
  EXPECT_EQ(describe(ChildStep::setsid, EPERM), "setsid: Operation not permitted");
}

}  // namespace
}  // namespace tend
