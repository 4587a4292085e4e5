// startup: print (or install and enable) a systemd unit that runs `tend daemon --foreground` for this home.
#include "config/startup.h"

#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "cli/cli.h"
#include "cli/subprocess.h"
#include "daemon/paths.h"
#include "util/files.h"

namespace tend::cli {
namespace {

struct StartupOptions {
  bool user = false;
  bool system = false;
  bool install = false;
  std::string unit_dir;
};

/// Everything the unit and its installation depend on, resolved once.
struct UnitPlan {
  bool user_unit = true;
  std::string tend_path;
  std::string home;
  std::string system_user;  // User= of a system unit; empty for root
  std::string unit_path;    // where --install writes it
  std::string enable_name;  // what `systemctl enable` is given
};

Result<std::string> running_binary() {
  std::error_code ec;
  auto path = std::filesystem::canonical("/proc/self/exe", ec);
  if (ec) return Error{ec.value(), "unable to find the tend binary: /proc/self/exe: " + ec.message()};
  return path.string();
}

Result<passwd*> own_account() {
  errno = 0;
  passwd* pw = ::getpwuid(::geteuid());
  if (!pw)
    return Error{errno ? errno : ENOENT, fmt::format("unable to find the account of uid {}", ::geteuid())};
  return pw;
}

// $XDG_CONFIG_HOME/systemd/user, as `systemctl --user` looks it up (~/.config when unset or relative).
Result<std::string> user_unit_dir() {
  if (const char* config = std::getenv("XDG_CONFIG_HOME"); config && config[0] == '/')
    return std::string(config) + "/systemd/user";
  const char* home = std::getenv("HOME");
  if (!home || home[0] != '/') {
    auto account = own_account();
    if (!account) return account.error();
    home = (*account)->pw_dir;
  }
  return std::string(home) + "/.config/systemd/user";
}

Result<UnitPlan> plan_unit(const StartupOptions& options) {
  UnitPlan plan;
  plan.user_unit = options.user || (!options.system && ::geteuid() != 0);
  auto binary = running_binary();
  if (!binary) return binary.error();
  plan.tend_path = *binary;
  auto paths = resolve_paths();
  if (!paths) return paths.error();
  plan.home = paths->home;
  if (!plan.user_unit && ::geteuid() != 0) {
    auto account = own_account();
    if (!account) return account.error();
    plan.system_user = (*account)->pw_name;
  }
  std::string dir;
  if (!options.unit_dir.empty()) {
    dir = std::filesystem::absolute(options.unit_dir).lexically_normal().string();
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  } else if (plan.user_unit) {
    auto user_dir = user_unit_dir();
    if (!user_dir) return user_dir.error();
    dir = *user_dir;
  } else {
    dir = "/etc/systemd/system";
  }
  plan.unit_path = dir + "/tend.service";
  // A unit outside systemd's search path is enabled by its full path (systemctl links it in).
  plan.enable_name = options.unit_dir.empty() ? "tend.service" : plan.unit_path;
  return plan;
}

// /run/user/UID exists only while the user has a session (logind mounts a fresh tmpfs there at login): a
// system service whose home is inside it would create it at boot and then be hidden by that mount.
bool home_in_session_runtime_dir(const UnitPlan& plan) {
  return !plan.user_unit && plan.home.rfind("/run/user/", 0) == 0;
}

std::string session_runtime_dir_problem(const UnitPlan& plan) {
  return fmt::format(
      "TEND_HOME {} is inside a login session's runtime directory, which does not exist at boot "
      "and is mounted over at login; for a system unit set TEND_HOME to a lasting directory "
      "(TEND_HOME=/var/lib/tend, say) here and wherever you run tend",
      plan.home);
}

int write_stdout(const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    print_error(errno_error("unable to write the output").message);
    return kFailed;
  }
  return kOk;
}

Status write_unit(const UnitPlan& plan, const std::string& unit) {
  std::string dir = std::filesystem::path(plan.unit_path).parent_path().string();
  // systemd reads units as any user: 0644 whatever the caller's umask.
  mode_t old = ::umask(022);
  Status written = make_dirs(dir, 0755);
  if (written) written = write_file_atomic(plan.unit_path, unit, 0644);
  ::umask(old);
  return written;
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
  return line;
}

// Runs one systemctl command, passing its output on to stderr; on failure returns why, with that output.
Status run_systemctl(const std::vector<std::string>& argv) {
  auto ran = run_program(argv);
  if (!ran)
    return Error{ran.error().code, fmt::format("systemctl is not available ({})", ran.error().message)};
  std::string output = ran->err + ran->out;
  while (!output.empty() && output.back() == '\n') output.pop_back();
  if (!ran->succeeded())
    return Error{EIO, fmt::format("`{}` failed ({}){}{}", command_line(argv), ran->describe_status(),
                                  output.empty() ? "" : ":\n", output)};
  fmt::print(stderr, "ran `{}`\n", command_line(argv));
  if (!output.empty()) fmt::print(stderr, "{}\n", output);
  return {};
}

int install_unit(const UnitPlan& plan, const std::string& unit) {
  if (home_in_session_runtime_dir(plan)) {
    print_error("not installing: " + session_runtime_dir_problem(plan));
    return kUsage;
  }
  if (auto written = write_unit(plan, unit); !written) {
    print_error(written.error().message);
    return kFailed;
  }
  fmt::print(stderr, "wrote {}\n", plan.unit_path);
  std::vector<std::string> systemctl{"systemctl"};
  if (plan.user_unit) systemctl.push_back("--user");
  for (std::vector<std::string> args :
       {std::vector<std::string>{"daemon-reload"}, {"enable", plan.enable_name}}) {
    std::vector<std::string> argv = systemctl;
    argv.insert(argv.end(), args.begin(), args.end());
    if (auto ran = run_systemctl(argv); !ran) {
      print_error(fmt::format("the unit is written at {}, but unable to enable it: {}", plan.unit_path,
                              ran.error().message));
      return kFailed;
    }
  }
  std::string scope = plan.user_unit ? "--user " : "";
  fmt::print(stderr, "enabled: {}\n",
             plan.user_unit
                 ? "your systemd user instance starts tend when you log in (`loginctl enable-linger` "
                   "starts it at boot)"
                 : "systemd starts tend at boot");
  fmt::print(
      stderr,
      "start it now with `systemctl {}start tend` (after `tend shutdown` if a daemon already serves {})\n",
      scope, plan.home);
  return kOk;
}

int startup(const StartupOptions& options) {
  auto plan = plan_unit(options);
  if (!plan) {
    print_error(plan.error().message);
    return kFailed;
  }
  std::string unit = systemd_unit(plan->tend_path, plan->home, plan->user_unit, plan->system_user);
  if (options.install) return install_unit(*plan, unit);
  if (home_in_session_runtime_dir(*plan)) print_error("warning: " + session_runtime_dir_problem(*plan));
  return write_stdout(unit);
}

}  // namespace

void add_startup(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<StartupOptions>();
  auto* cmd = app.add_subcommand("startup",
                                 "Print a systemd unit that runs the daemon (--install: install and "
                                 "enable it)");
  auto* user = cmd->add_flag("--user", options->user, "A unit for `systemctl --user` (default unless root)");
  auto* system = cmd->add_flag("--system", options->system, "A system unit (default for root)");
  user->excludes(system);
  auto* install = cmd->add_flag("--install", options->install,
                                "Write the unit and run `systemctl [--user] daemon-reload` and `enable`");
  cmd->add_option("--unit-dir", options->unit_dir,
                  "Install into this directory instead of ~/.config/systemd/user or /etc/systemd/system")
      ->needs(install);
  cmd->callback([&ctx, options] { ctx.action = [options] { return startup(*options); }; });
}

}  // namespace tend::cli
