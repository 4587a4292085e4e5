#pragma once
#include <string>

namespace tend {

/// A systemd unit that runs the tend daemon: Type=notify (the daemon, the main process, sends READY=1 once
/// its control socket listens), ExecStart=<tend_path> daemon --foreground, ExecStop=<tend_path> shutdown,
/// Environment=TEND_HOME=<tend_home>, KillMode=process, Delegate=yes (the daemon makes a cgroup per instance
/// below its own), Restart=on-failure. user_unit: for `systemctl --user` (WantedBy=default.target); otherwise
/// a system unit (WantedBy=multi-user.target) that runs the daemon as system_user (User=), or as root when
/// system_user is empty. Paths are quoted for systemd when needed.
std::string systemd_unit(const std::string& tend_path, const std::string& tend_home, bool user_unit,
                         const std::string& system_user = {});

}  // namespace tend
