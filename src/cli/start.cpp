#include <unistd.h>

#include <fmt/format.h>

#include "cli/cli.h"
#include "core/program_spec.h"
#include "util/signals.h"

extern char** environ;

namespace tend::cli {

namespace {

/// The raw option values of `tend start`, parsed and checked into a ProgramSpec by to_spec().
struct StartOptions {
  std::string name, cwd, restart = "always", restart_window = "60s", min_uptime = "1s", backoff_min = "100ms",
                     backoff_max = "30s", stop_signal = "TERM", kill_timeout = "10s", log_max_size = "10M",
                     log_time = "true", max_memory, ready = "none", ready_timeout = "30s", watchdog = "0",
                     ipc_max_message = "1M";
  std::vector<std::string> env, targets, listen;
  int instances = 1, max_restarts = 10, log_keep = 5;
  std::optional<int> nice;
  bool shell = false, ipc = false;
};

std::string default_name(const std::vector<std::string>& command, bool shell) {
  std::string first = command[0];
  if (shell) first = first.substr(0, first.find(' '));
  auto slash = first.rfind('/');
  return slash == std::string::npos ? first : first.substr(slash + 1);
}

Result<ProgramSpec> to_spec(const StartOptions& o, const std::vector<std::string>& command) {
  ProgramSpec s;
  if (command.empty()) return Error{EINVAL, "no command after --"};
  s.command = command;
  s.shell = o.shell;
  if (o.shell && command.size() > 1) return Error{EINVAL, "--shell takes the command as one string: -- 'CMD ARGS'"};
  s.name = o.name.empty() ? default_name(command, o.shell) : o.name;
  if (o.cwd.empty()) {
    char buf[4096];
    if (::getcwd(buf, sizeof buf)) s.cwd = buf;
  } else {
    s.cwd = o.cwd;
  }
  s.env = captured_environment();
  s.env.erase("TEND_HOME");
  for (const auto& kv : o.env) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) return Error{EINVAL, fmt::format("invalid --env '{}': expected K=V", kv)};
    s.env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  s.instances = o.instances;
  auto mode = parse_restart_mode(o.restart);
  if (!mode) return mode.error();
  s.restart.mode = *mode;
  s.restart.max_restarts = o.max_restarts;
  for (auto [text, out] : {std::pair{&o.restart_window, &s.restart.restart_window},
                           std::pair{&o.min_uptime, &s.restart.min_uptime},
                           std::pair{&o.backoff_min, &s.restart.backoff_min},
                           std::pair{&o.backoff_max, &s.restart.backoff_max}, std::pair{&o.kill_timeout, &s.kill_timeout}}) {
    auto d = parse_duration(*text);
    if (!d) return d.error();
    *out = *d;
  }
  auto sig = parse_signal(o.stop_signal);
  if (!sig) return sig.error();
  s.stop_signal = *sig;
  s.nice = o.nice;
  auto size = parse_size(o.log_max_size);
  if (!size) return size.error();
  s.log_max_size = *size;
  s.log_keep = o.log_keep;
  if (!o.max_memory.empty()) {
    auto limit = parse_size(o.max_memory);
    if (!limit) return limit.error();
    s.max_memory = *limit;
  }
  if (o.log_time != "true" && o.log_time != "false")
    return Error{EINVAL, fmt::format("invalid --log-time '{}': expected true or false", o.log_time)};
  s.log_time = o.log_time == "true";
  s.ipc = o.ipc;
  auto max_message = parse_size(o.ipc_max_message);
  if (!max_message) return max_message.error();
  s.ipc_max_message = *max_message;
  s.ready = o.ready;
  for (auto [text, out] :
       {std::pair{&o.ready_timeout, &s.ready_timeout}, std::pair{&o.watchdog, &s.watchdog}}) {
    auto d = parse_duration(*text);
    if (!d) return d.error();
    *out = *d;
  }
  s.listen = o.listen;
  if (auto st = s.validate(); !st) return st.error();
  return s;
}

void print_instances(const nlohmann::json& result, std::string_view verb) {
  for (const auto& i : result["instances"]) {
    std::string label = fmt::format("{}:{}", i["name"].get<std::string>(), i["instance"].get<int>());
    if (i["pid"].is_null()) fmt::print("{} {} ({})\n", verb, label, i["state"].get<std::string>());
    else fmt::print("{} {} pid {}\n", verb, label, i["pid"].get<int>());
  }
}

}  // namespace

std::map<std::string, std::string> captured_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos && eq > 0) env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  return env;
}

void add_start(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<StartOptions>();
  auto* cmd = app.add_subcommand("start", "Define and start a program (-- CMD ARGS...), or start defined ones");
  cmd->add_option("targets", opts->targets, "NAME...|all (without --)");
  cmd->add_option("--name", opts->name, "Program name (default: basename of CMD)");
  cmd->add_option("--cwd", opts->cwd, "Working directory (default: the current one)");
  cmd->add_option("--env", opts->env, "K=V added to the captured environment (repeatable)");
  cmd->add_option("--instances", opts->instances, "Number of instances NAME:0..N-1")->check(CLI::Range(1, 1024));
  cmd->add_option("--restart", opts->restart, "always|on-failure|never");
  cmd->add_option("--max-restarts", opts->max_restarts, "Unstable restarts allowed inside the window")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--restart-window", opts->restart_window, "Sliding window for counting unstable restarts");
  cmd->add_option("--min-uptime", opts->min_uptime, "A shorter run is an unstable start");
  cmd->add_option("--backoff-min", opts->backoff_min, "First restart delay after an unstable exit");
  cmd->add_option("--backoff-max", opts->backoff_max, "Largest restart delay");
  cmd->add_option("--stop-signal", opts->stop_signal, "Signal that asks it to stop");
  cmd->add_option("--kill-timeout", opts->kill_timeout, "Wait after the stop signal before SIGKILL");
  cmd->add_option("--nice", opts->nice, "Scheduling niceness -20..19");
  cmd->add_flag("--shell", opts->shell, "CMD is one string run by /bin/sh -c");
  cmd->add_option("--max-memory", opts->max_memory, "Restart an instance whose RSS stays above SIZE (two samples)");
  cmd->add_option("--log-max-size", opts->log_max_size, "Rotate a log file at this size");
  cmd->add_option("--log-keep", opts->log_keep, "Rotated files to keep");
  cmd->add_option("--log-time", opts->log_time, "Stamp each line with the time it was read (true|false)");
  cmd->add_flag("--ipc", opts->ipc, "A JSON message channel (NODE_CHANNEL_FD, TEND_IPC_FD; docs/ipc.md)");
  cmd->add_option("--ipc-max-message", opts->ipc_max_message, "Longer messages are dropped (default 1M)");
  cmd->add_option("--ready", opts->ready, "none|ipc|notify|tcp:PORT|http:URL|exec:CMD: starting until ready");
  cmd->add_option("--ready-timeout", opts->ready_timeout, "Not ready by then: stopped, restarted per policy");
  cmd->add_option("--watchdog", opts->watchdog, "Running instances must send WATCHDOG=1 this often");
  cmd->add_option("--listen", opts->listen,
                  "[NAME=]tcp:HOST:PORT|unix:PATH bound once, passed at fd 3.. (repeatable)");
  cmd->callback([&ctx, opts] {
    ctx.action = [&ctx, opts]() -> int {
      nlohmann::json result;
      if (!ctx.saw_dashdash) {
        if (opts->targets.empty()) {
          print_error("name programs to start, or define one: tend start [options] -- CMD [ARGS...]");
          return kUsage;
        }
        int rc = call("start", {{"targets", opts->targets}}, &result);
        if (rc == kOk) print_instances(result, "started");
        return rc;
      }
      if (!opts->targets.empty()) {
        print_error("give either program names or -- CMD, not both");
        return kUsage;
      }
      auto spec = to_spec(*opts, ctx.command_after_dashdash);
      if (!spec) {
        print_error(spec.error().message);
        return kUsage;
      }
      int rc = call("start", {{"spec", *spec}}, &result);
      if (rc == kOk) print_instances(result, "started");
      if (rc == kOk && result.contains("listen"))
        for (const auto& address : result["listen"])
          fmt::print("{} listens on {}\n", spec->name, address.get<std::string>());
      return rc;
    };
  });
}

}  // namespace tend::cli
