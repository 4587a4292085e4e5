// `tend startup`: the systemd unit for this binary and home, its installation (against a stand-in systemctl,
// so no test enables anything on the machine, and against the real one, kept away from any running manager),
// and the daemon's side of Type=notify: READY=1 from the main process once the control socket listens.
#include "config/startup.h"

#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>

#include "harness.h"

namespace tend::e2e {
namespace {

using Clock = std::chrono::steady_clock;

class StartupTest : public TendTest {
 protected:
  void SetUp() override {
    TendTest::SetUp();
    std::error_code ec;
    binary_ = std::filesystem::canonical(TEND_BINARY, ec).string();
    ASSERT_FALSE(ec) << ec.message();
  }

  std::string unit_for(bool user_unit) const {
    std::string account;
    if (!user_unit && ::geteuid() != 0) {
      passwd* pw = ::getpwuid(::geteuid());
      account = pw ? pw->pw_name : "";
    }
    return systemd_unit(binary_, home_, user_unit, account);
  }

  /// A directory holding only `systemctl`, a link to the t_systemctl stand-in, which logs its arguments to
  /// systemctl_log() and fails when T_SYSTEMCTL_FAIL is set.
  std::string fake_systemctl_path() {
    std::string bin = home_ + "/fake-bin";
    std::filesystem::create_directories(bin);
    std::filesystem::create_symlink(helper_path("t_systemctl"), bin + "/systemctl");
    return bin;
  }
  std::string systemctl_log() const { return home_ + "/systemctl.log"; }

  std::string binary_;
};

mode_t mode_of(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST_F(StartupTest, PrintsAUnitRunningThisBinaryInTheForegroundForThisHome) {
  RunResult r = tend({"startup", "--user"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(contains(r.out, "\nType=notify\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "\nNotifyAccess=main\n")) << "the main process is the daemon itself:\n"
                                                        << r.out;
  EXPECT_TRUE(contains(r.out, "\nExecStart=" + binary_ + " daemon --foreground\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "\nExecStop=" + binary_ + " shutdown\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "\nEnvironment=TEND_HOME=" + home_ + "\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "\nWantedBy=default.target\n")) << r.out;
  EXPECT_EQ(r.out, unit_for(true));
  EXPECT_FALSE(file_exists(home_ + "/tend.sock")) << "startup needs no daemon";
}

TEST_F(StartupTest, SystemUnitRunsAsTheCallingUser) {
  RunResult r = tend({"startup", "--system"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(contains(r.out, "\nWantedBy=multi-user.target\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "\nExecStart=" + binary_ + " daemon --foreground\n")) << r.out;
  // root's daemon runs as root; anyone else's system unit names them in User=.
  EXPECT_EQ(contains(r.out, "\nUser="), ::geteuid() != 0) << r.out;
}

TEST_F(StartupTest, DefaultIsASystemUnitForRootAndAUserUnitOtherwise) {
  RunResult r = tend({"startup"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  bool root = ::geteuid() == 0;
  EXPECT_EQ(contains(r.out, "\nWantedBy=multi-user.target\n"), root) << r.out;
  EXPECT_EQ(contains(r.out, "\nWantedBy=default.target\n"), !root) << r.out;
}

TEST_F(StartupTest, InstallWritesTheUnitThenRunsDaemonReloadAndEnable) {
  std::string dir = home_ + "/units/nested";
  RunResult r = tend_with_env({"PATH=" + fake_systemctl_path(), "T_SYSTEMCTL_LOG=" + systemctl_log()},
                              {"startup", "--user", "--install", "--unit-dir", dir});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "");
  std::string unit_path = dir + "/tend.service";
  EXPECT_EQ(read_file(unit_path), unit_for(true));
  EXPECT_EQ(mode_of(unit_path), 0644u);
  EXPECT_FALSE(file_exists(unit_path + ".tmp"));
  EXPECT_EQ(split_lines(read_file(systemctl_log())),
            (std::vector<std::string>{"--user daemon-reload", "--user enable " + unit_path}));
  EXPECT_TRUE(contains(r.err, "wrote " + unit_path + "\n")) << r.err;
  EXPECT_TRUE(contains(r.err, "Created symlink (fake).\n")) << "systemctl's own output is passed on:\n"
                                                            << r.err;
  EXPECT_TRUE(contains(r.err, "enabled: ")) << r.err;
}

TEST_F(StartupTest, InstallOfASystemUnitUsesTheSystemManager) {
  std::string dir = home_ + "/system";
  RunResult r = tend_with_env({"PATH=" + fake_systemctl_path(), "T_SYSTEMCTL_LOG=" + systemctl_log()},
                              {"startup", "--system", "--install", "--unit-dir", dir});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(read_file(dir + "/tend.service"), unit_for(false));
  EXPECT_EQ(split_lines(read_file(systemctl_log())),
            (std::vector<std::string>{"daemon-reload", "enable " + dir + "/tend.service"}));
}

TEST_F(StartupTest, InstallIntoTheUserConfigDirectoryEnablesByName) {
  std::string config = home_ + "/config";
  RunResult r = tend_with_env(
      {"PATH=" + fake_systemctl_path(), "T_SYSTEMCTL_LOG=" + systemctl_log(), "XDG_CONFIG_HOME=" + config},
      {"startup", "--user", "--install"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(read_file(config + "/systemd/user/tend.service"), unit_for(true));
  EXPECT_EQ(split_lines(read_file(systemctl_log())),
            (std::vector<std::string>{"--user daemon-reload", "--user enable tend.service"}));
}

TEST_F(StartupTest, FailingSystemctlLeavesTheUnitWrittenAndExits1) {
  std::string dir = home_ + "/units";
  std::string refusal = "System has not been booted with systemd as init system (PID 1). Can't operate.";
  RunResult r = tend_with_env(
      {"PATH=" + fake_systemctl_path(), "T_SYSTEMCTL_LOG=" + systemctl_log(), "T_SYSTEMCTL_FAIL=" + refusal},
      {"startup", "--user", "--install", "--unit-dir", dir});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_EQ(read_file(dir + "/tend.service"), unit_for(true));
  EXPECT_TRUE(
      contains(r.err, "tend: the unit is written at " + dir +
                          "/tend.service, but unable to enable it: `systemctl --user daemon-reload` failed "
                          "(exit status 1):\n" +
                          refusal + "\n"))
      << r.err;
  EXPECT_EQ(split_lines(read_file(systemctl_log())), std::vector<std::string>{"--user daemon-reload"})
      << "nothing is enabled after a failed reload";
}

TEST_F(StartupTest, MissingSystemctlLeavesTheUnitWrittenAndExits1) {
  std::string empty = home_ + "/empty-bin";
  std::filesystem::create_directories(empty);
  std::string dir = home_ + "/units";
  RunResult r = tend_with_env({"PATH=" + empty}, {"startup", "--user", "--install", "--unit-dir", dir});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_EQ(read_file(dir + "/tend.service"), unit_for(true));
  EXPECT_TRUE(contains(r.err, "tend: the unit is written at " + dir +
                                  "/tend.service, but unable to enable it: systemctl is not available (exec "
                                  "systemctl: No such file or directory)\n"))
      << r.err;
}

TEST_F(StartupTest, InstallWithTheRealSystemctl) {
  // Whatever this machine's systemctl does (no systemd in a container, a reachable manager on a desktop), the
  // unit is written, and the exit status agrees with what stderr says. The user manager's bus is pointed at
  // an empty directory so that a desktop's manager is never asked to enable a unit that vanishes with the
  // test.
  std::string dir = home_ + "/real";
  std::string run = home_ + "/run";
  std::filesystem::create_directories(run);
  RunResult r = tend_with_env({"XDG_RUNTIME_DIR=" + run, "DBUS_SESSION_BUS_ADDRESS=unix:path=" + run + "/bus",
                               "XDG_CONFIG_HOME=" + home_ + "/config"},
                              {"startup", "--user", "--install", "--unit-dir", dir});
  EXPECT_EQ(read_file(dir + "/tend.service"), unit_for(true)) << r.describe();
  EXPECT_TRUE(contains(r.err, "wrote " + dir + "/tend.service\n")) << r.err;
  bool enabled = contains(r.err, "\nenabled: ");
  bool refused =
      contains(r.err, "tend: the unit is written at " + dir + "/tend.service, but unable to enable it: ");
  EXPECT_NE(enabled, refused) << r.describe();
  EXPECT_EQ(r.exit_code, enabled ? 0 : 1) << r.describe();
}

TEST_F(StartupTest, UnitDirNeedsInstallAndUserExcludesSystem) {
  RunResult dir = tend({"startup", "--unit-dir", home_});
  EXPECT_EQ(dir.exit_code, 2) << dir.describe();
  EXPECT_FALSE(file_exists(home_ + "/tend.service"));
  EXPECT_EQ(tend({"startup", "--user", "--system"}).exit_code, 2);
}

TEST_F(StartupTest, SystemUnitRefusesAHomeInASessionRuntimeDirectory) {
  std::string dir = home_ + "/units";
  RunResult install = tend_with_env({"TEND_HOME=/run/user/4242/tend"},
                                    {"startup", "--system", "--install", "--unit-dir", dir});
  EXPECT_EQ(install.exit_code, 2) << install.describe();
  EXPECT_TRUE(
      contains(install.err, "TEND_HOME /run/user/4242/tend is inside a login session's runtime directory"))
      << install.err;
  EXPECT_FALSE(file_exists(dir + "/tend.service"));

  RunResult print = tend_with_env({"TEND_HOME=/run/user/4242/tend"}, {"startup", "--system"});
  EXPECT_EQ(print.exit_code, 0) << print.describe();
  EXPECT_TRUE(contains(print.err, "tend: warning: TEND_HOME /run/user/4242/tend")) << print.err;
  EXPECT_TRUE(contains(print.out, "Environment=TEND_HOME=/run/user/4242/tend\n")) << print.out;
}

// ---- the daemon's side of Type=notify

/// A bound unix datagram socket standing in for systemd's notification socket; removed with the test's home.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int on = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~NotifySocket() { ::close(fd_); }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  bool bound() const { return bound_; }

  struct Message {
    std::string text;
    pid_t sender = 0;
  };
  /// The next datagram, waiting up to `timeout` (0: only one already queued).
  std::optional<Message> receive(Ms timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
      char data[4096];
      alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
      iovec iov{data, sizeof data};
      msghdr msg{};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      ssize_t n = ::recvmsg(fd_, &msg, 0);
      if (n >= 0) {
        Message m{std::string(data, size_t(n)), 0};
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
            ucred cred;
            std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
            m.sender = cred.pid;
          }
        }
        return m;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN) return std::nullopt;
      auto left = std::chrono::duration_cast<Ms>(deadline - Clock::now());
      if (left <= Ms(0)) return std::nullopt;
      pollfd pfd{fd_, POLLIN, 0};
      ::poll(&pfd, 1, int(left.count()));
    }
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

TEST_F(StartupTest, ForegroundDaemonSendsReadyOnceItsSocketListens) {
  NotifySocket notify(home_ + "/notify.sock");
  ASSERT_TRUE(notify.bound()) << strerror(errno);
  Spawned daemon = spawn_process({TEND_BINARY, "daemon", "--foreground"},
                                 merge_env(env(), {"NOTIFY_SOCKET=" + home_ + "/notify.sock"}));
  ASSERT_GT(daemon.pid, 0);
  track_pid(daemon.pid);

  auto ready = notify.receive(Ms(20000));
  ASSERT_TRUE(ready) << "no notification from the daemon";
  // Connect at once: READY=1 must not come before the control socket listens.
  UnixClient early(home_ + "/tend.sock");
  EXPECT_TRUE(early.connected()) << "READY=1 arrived before the control socket accepted connections";
  early.close();
  EXPECT_TRUE(contains("\n" + ready->text + "\n", "\nREADY=1\n")) << ready->text;
  EXPECT_EQ(ready->sender, daemon.pid) << "systemd's NotifyAccess=main accepts only the main process";

  RunResult ls = tend({"ls"});
  EXPECT_EQ(ls.exit_code, 0) << ls.describe();
  EXPECT_EQ(daemon_pid(), daemon.pid) << "ls talked to the foreground daemon, not a new one";

  RunResult shutdown = tend({"shutdown"});
  EXPECT_EQ(shutdown.exit_code, 0) << shutdown.describe();
  RunResult ended = finish_process(daemon, Ms(20000));
  EXPECT_FALSE(ended.timed_out) << ended.describe();
  EXPECT_EQ(ended.exit_code, 0) << ended.describe();
  EXPECT_FALSE(notify.receive(Ms(0))) << "READY=1 is sent once";
}

TEST_F(StartupTest, AutoStartedDaemonDoesNotNotifyTheClientsService) {
  // A client running inside some Type=notify service starts a daemon: that daemon is not the service's main
  // process and must not report readiness on the service's behalf.
  NotifySocket notify(home_ + "/notify.sock");
  ASSERT_TRUE(notify.bound()) << strerror(errno);
  RunResult ls = tend_with_env({"NOTIFY_SOCKET=" + home_ + "/notify.sock"}, {"ls"});
  ASSERT_EQ(ls.exit_code, 0) << ls.describe();
  // The daemon notifies (if at all) before it serves its first request, so anything it sent is queued by now.
  auto message = notify.receive(Ms(0));
  EXPECT_FALSE(message) << "the auto-started daemon sent: " << message->text;
}

}  // namespace
}  // namespace tend::e2e
