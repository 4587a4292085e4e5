#include "config/startup.h"

#include <fmt/format.h>

namespace tend {
namespace {

// systemd splits ExecStart= and Environment= on whitespace and understands C-style quoting; a percent sign
// starts a specifier, so it is doubled.
std::string systemd_quote(const std::string& word) {
  std::string out;
  bool needs_quotes = false;
  for (char c : word) {
    if (c == '%') out += '%';
    if (c == '"' || c == '\\') out += '\\';
    if (c == ' ' || c == '\t' || c == '"' || c == '\\' || c == '\'') needs_quotes = true;
    out += c;
  }
  return needs_quotes ? "\"" + out + "\"" : out;
}

}  // namespace

std::string systemd_unit(const std::string& tend_path, const std::string& tend_home, bool user_unit,
                         const std::string& system_user) {
  std::string tend = systemd_quote(tend_path);
  return fmt::format(
      "[Unit]\n"
      "Description=tend process supervisor\n"
      "{after}"
      "\n"
      "[Service]\n"
      "Type=notify\n"
      "NotifyAccess=main\n"
      "{user}"
      "Environment={env}\n"
      "ExecStart={tend} daemon --foreground\n"
      "ExecStop={tend} shutdown\n"
      "# tend stops its own programs (stop signal, then SIGKILL after kill_timeout); systemd must signal "
      "only\n"
      "# the daemon, not kill the programs first.\n"
      "KillMode=process\n"
      "# Each instance gets its own cgroup below the daemon's.\n"
      "Delegate=yes\n"
      "Restart=on-failure\n"
      "RestartSec=1s\n"
      "\n"
      "[Install]\n"
      "WantedBy={target}\n",
      fmt::arg("after", user_unit ? "" : "After=network.target\n"),
      fmt::arg("user", user_unit || system_user.empty() ? "" : "User=" + systemd_quote(system_user) + "\n"),
      fmt::arg("env", systemd_quote("TEND_HOME=" + tend_home)), fmt::arg("tend", tend),
      fmt::arg("target", user_unit ? "default.target" : "multi-user.target"));
}

}  // namespace tend
