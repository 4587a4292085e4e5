#pragma once
#include <string>

namespace tend {

/// A systemd unit that runs the tend daemon: Type=notify (the daemon sends READY=1 once it serves),
/// ExecStart=<tend_path> daemon --foreground, ExecStop=<tend_path> shutdown,
/// Environment=TEND_HOME=<tend_home>, KillMode=process, Restart=on-failure. user_unit: for `systemctl --user`
/// (WantedBy=default.target); otherwise a system unit (WantedBy=multi-user.target). Paths are quoted for
/// systemd when needed.
std::string systemd_unit(const std::string& tend_path, const std::string& tend_home, bool user_unit);

}  // namespace tend
