#include "config/startup.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

TEST(StartupTest, UserUnit) {
  EXPECT_EQ(systemd_unit("/usr/local/bin/tend", "/run/user/1000/tend", true),
            "[Unit]\n"
            "Description=tend process supervisor\n"
            "\n"
            "[Service]\n"
            "Type=notify\n"
            "NotifyAccess=main\n"
            "Environment=TEND_HOME=/run/user/1000/tend\n"
            "ExecStart=/usr/local/bin/tend daemon --foreground\n"
            "ExecStop=/usr/local/bin/tend shutdown\n"
            "# tend stops its own programs (stop signal, then SIGKILL after kill_timeout); systemd must "
            "signal only\n"
            "# the daemon, not kill the programs first.\n"
            "KillMode=process\n"
            "# Each instance gets its own cgroup below the daemon's.\n"
            "Delegate=yes\n"
            "Restart=on-failure\n"
            "RestartSec=1s\n"
            "\n"
            "[Install]\n"
            "WantedBy=default.target\n");
}

TEST(StartupTest, SystemUnitQuotesPaths) {
  std::string unit = systemd_unit("/opt/my tools/tend", "/var/lib/tend 100%", false);
  EXPECT_NE(unit.find("After=network.target\n"), std::string::npos);
  EXPECT_NE(unit.find("ExecStart=\"/opt/my tools/tend\" daemon --foreground\n"), std::string::npos);
  EXPECT_NE(unit.find("Environment=\"TEND_HOME=/var/lib/tend 100%%\"\n"), std::string::npos);
  EXPECT_NE(unit.find("WantedBy=multi-user.target\n"), std::string::npos);
  EXPECT_EQ(unit.find("User="), std::string::npos) << "no user given: the daemon runs as root";
}

TEST(StartupTest, SystemUnitRunsAsTheGivenUser) {
  std::string unit = systemd_unit("/usr/bin/tend", "/home/alice/.tend", false, "alice");
  EXPECT_NE(unit.find("NotifyAccess=main\nUser=alice\nEnvironment=TEND_HOME=/home/alice/.tend\n"),
            std::string::npos)
      << unit;
  EXPECT_NE(unit.find("Delegate=yes\n"), std::string::npos) << "the daemon creates cgroups below its own";
}

TEST(StartupTest, UserUnitNeverSetsUser) {
  EXPECT_EQ(systemd_unit("/usr/bin/tend", "/run/user/1000/tend", true, "alice").find("User="),
            std::string::npos);
}

}  // namespace
}  // namespace tend
