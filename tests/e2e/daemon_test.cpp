// The daemon process itself: files and modes in TEND_HOME, proper daemonizing, one daemon per home even when
// clients race, --foreground, and clear errors where it cannot run.
#include <signal.h>
#include <sys/stat.h>

#include <sstream>

#include "harness.h"

namespace tend::e2e {
namespace {

using DaemonTest = TendTest;

mode_t mode_of(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? st.st_mode : 0;
}

// Live daemons of this test (found by the test's environment tag): `tend` processes whose parent is not
// itself one of the test's `tend` processes, so the daemon's own helpers (the fd holder) do not count.
std::vector<pid_t> tend_processes(const std::string& tag) {
  auto tagged_tend = [&](pid_t pid) {
    if (proc_exe(pid).rfind(TEND_BINARY, 0) != 0) return false;
    return ("\n" + proc_environ(pid)).find("\n" + tag + "\n") != std::string::npos;
  };
  std::vector<pid_t> out;
  for (const auto& p : all_procs()) {
    if (p.state == 'Z' || !tagged_tend(p.pid) || tagged_tend(p.ppid)) continue;
    auto argv = proc_argv(p.pid);
    if (argv.size() >= 2 && argv[1] == "daemon") out.push_back(p.pid);
  }
  return out;
}

TEST_F(DaemonTest, HomeFilesAndModes) {
  ASSERT_EQ(start("x", "t_sleep").exit_code, 0);
  ASSERT_TRUE(wait_log_contains("x", 0, "ready", Ms(5000)));
  EXPECT_EQ(mode_of(home_) & 07777, 0700u);
  mode_t sock = mode_of(home_ + "/tend.sock");
  EXPECT_TRUE(S_ISSOCK(sock));
  EXPECT_EQ(sock & 0777, 0600u);
  EXPECT_TRUE(file_exists(home_ + "/tend.log"));
  EXPECT_TRUE(wait_until([&] { return file_exists(home_ + "/state.json"); }, Ms(3000)))
      << "state.json is saved on every change:\n"
      << read_file(home_ + "/tend.log");
  EXPECT_TRUE(file_exists(log_path("x")));
  EXPECT_TRUE(file_exists(log_path("x", 0, "err")));
  pid_t daemon = daemon_pid();
  EXPECT_TRUE(pid_alive(daemon));
}

TEST_F(DaemonTest, HomeIsCreatedWith0700) {
  std::string sub = home_ + "/nested";
  RunResult r = tend_with_env({"TEND_HOME=" + sub}, {"ls"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(mode_of(sub) & 07777, 0700u);
  pid_t daemon = static_cast<pid_t>(std::atol(read_file(sub + "/tend.pid").c_str()));
  EXPECT_GT(daemon, 0);
  RunResult s = tend_with_env({"TEND_HOME=" + sub}, {"shutdown"});
  EXPECT_EQ(s.exit_code, 0) << s.describe();
}

TEST_F(DaemonTest, AutoStartedDaemonIsProperlyDetached) {
  ASSERT_EQ(tend({"ls"}).exit_code, 0);
  pid_t daemon = daemon_pid();
  ASSERT_GT(daemon, 0);
  auto st = proc_stat(daemon);
  ASSERT_TRUE(st);
  EXPECT_NE(st->sid, getsid(0)) << "new session";
  EXPECT_NE(st->ppid, getpid());
  std::istringstream rest(read_file("/proc/" + std::to_string(daemon) + "/stat")
                              .substr(read_file("/proc/" + std::to_string(daemon) + "/stat").rfind(')') + 2));
  char state;
  long ppid, pgrp, session, tty;
  rest >> state >> ppid >> pgrp >> session >> tty;
  EXPECT_EQ(tty, 0) << "no controlling terminal";
  char cwd[4096] = {};
  EXPECT_GT(readlink(("/proc/" + std::to_string(daemon) + "/cwd").c_str(), cwd, sizeof cwd - 1), 0);
  EXPECT_STREQ(cwd, "/");
  std::string fd_dir = "/proc/" + std::to_string(daemon) + "/fd/";
  char target[4096] = {};
  ASSERT_GT(readlink((fd_dir + "0").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "/dev/null") << "stdin from /dev/null";
  for (const char* fd : {"1", "2"}) {
    std::fill(std::begin(target), std::end(target), 0);
    readlink((fd_dir + fd).c_str(), target, sizeof target - 1);
    EXPECT_EQ(std::string(target).rfind("pipe:", 0), std::string::npos)
        << "fd " << fd << " must not keep the client's pipe open: " << target;
  }
  std::string status = read_file("/proc/" + std::to_string(daemon) + "/status");
  EXPECT_NE(status.find("Threads:\t1\n"), std::string::npos) << "one thread";
}

TEST_F(DaemonTest, VersionWithoutVerboseDoesNotStartADaemon) {
  RunResult r = tend({"version"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("0."), std::string::npos) << r.out;
  EXPECT_TRUE(tend_processes(tag_).empty());
  EXPECT_FALSE(file_exists(home_ + "/tend.sock"));
}

TEST_F(DaemonTest, RacingClientsStartOneDaemon) {
  std::vector<Spawned> clients;
  for (int i = 0; i < 4; ++i) clients.push_back(spawn_process({TEND_BINARY, "ls", "--json"}, env()));
  for (auto& c : clients) {
    RunResult r = finish_process(c, Ms(20000));
    EXPECT_EQ(r.exit_code, 0) << r.describe();
  }
  ASSERT_TRUE(wait_until([&] { return tend_processes(tag_).size() <= 1; }, Ms(3000)));
  auto daemons = tend_processes(tag_);
  ASSERT_EQ(daemons.size(), 1u);
  EXPECT_EQ(daemons[0], daemon_pid());
}

TEST_F(DaemonTest, ForegroundDaemonServesAndExitsZeroOnSigterm) {
  Spawned fg = spawn_process({TEND_BINARY, "daemon", "--foreground"}, env());
  ASSERT_TRUE(wait_until(
      [&] {
        UnixClient c(home_ + "/tend.sock");
        return c.connected();
      },
      Ms(5000)));
  EXPECT_EQ(daemon_pid(), fg.pid);
  RunResult ls = tend({"ls"});
  EXPECT_EQ(ls.exit_code, 0) << ls.describe();
  ASSERT_EQ(start("fgchild", "t_sleep").exit_code, 0);
  ASSERT_TRUE(wait_state({"fgchild"}, "running"));
  pid_t child = pid_of("fgchild");

  RunResult second = tend({"daemon", "--foreground"}, Ms(5000));
  EXPECT_FALSE(second.timed_out) << "a second daemon for the same home must refuse at once";
  EXPECT_NE(second.exit_code, 0) << second.describe();
  EXPECT_EQ(daemon_pid(), fg.pid);

  kill(fg.pid, SIGTERM);
  RunResult r = finish_process(fg, Ms(10000));
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.err.empty()) << "--foreground logs to stderr";
  EXPECT_FALSE(pid_alive(child));
}

TEST_F(DaemonTest, TooLongSocketPathIsAClearError) {
  std::string deep = home_ + "/" + std::string(120, 'd');
  RunResult r = tend_with_env({"TEND_HOME=" + deep}, {"ls"}, Ms(10000));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.term_signal, 0) << "no crash";
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.err.empty());
  EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 3) << r.describe();
}

TEST_F(DaemonTest, UnusableHomeMeansDaemonUnreachable) {
  std::string file = home_ + "/plain-file";
  FILE* f = fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fclose(f);
  RunResult r = tend_with_env({"TEND_HOME=" + file + "/home"}, {"ls"}, Ms(10000));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_EQ(r.exit_code, 3) << "exit status 3 = daemon unreachable: " << r.describe();
  EXPECT_FALSE(r.err.empty());
}

}  // namespace
}  // namespace tend::e2e
