#include "config/import_pm2.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "config/import_check.h"
#include "config/shell_words.h"
#include "config/toml_writer.h"
#include "util/units.h"

namespace tend {
namespace {

using nlohmann::json;

constexpr std::string_view kPm2 = "pm2";
constexpr std::string_view kPm2Logs =
    "tend keeps its own logs, $TEND_HOME/logs/NAME-N.out.log and NAME-N.err.log, rotated by log_max_size "
    "and log_keep (read them with `tend logs NAME`)";

// Keys with no tend equivalent, and why.
constexpr std::array kPm2Unmapped{
    UnmappedKey{"out_file", kPm2Logs},
    UnmappedKey{"error_file", kPm2Logs},
    UnmappedKey{"log_file", kPm2Logs},
    UnmappedKey{"merge_logs", kPm2Logs},
    UnmappedKey{"combine_logs", kPm2Logs},
    UnmappedKey{"log_type", kPm2Logs},
    UnmappedKey{"disable_logs", kPm2Logs},
    UnmappedKey{"log_date_format", "tend stamps each log line with its own fixed format when log_time = true"},
    UnmappedKey{"pid_file", "tend tracks pids itself (`tend ls`); it writes no pid files"},
    UnmappedKey{"watch",
           "tend does not restart on file changes; run `tend restart NAME` from your deploy or a watcher"},
    UnmappedKey{"ignore_watch", "tend does not watch files"},
    UnmappedKey{"watch_delay", "tend does not watch files"},
    UnmappedKey{"watch_options", "tend does not watch files"},
    UnmappedKey{"shutdown_with_message", "tend stops instances with stop_signal; it sends no shutdown message"},
    UnmappedKey{"cron_restart",
                "tend restarts nothing on a clock by itself; a schedule can: "
                "`tend schedule add NAME-restart --cron \"EXPR\" -- tend restart NAME`"},
    UnmappedKey{"uid", "tend runs programs as the daemon's user"},
    UnmappedKey{"gid", "tend runs programs as the daemon's user"},
    UnmappedKey{"user", "tend runs programs as the daemon's user"},
    UnmappedKey{"namespace", "tend has no namespaces; program names are global"},
    UnmappedKey{"instance_var", "tend sets no per-instance variable (only PORT, for Procfiles)"},
    UnmappedKey{"increment_var", "tend sets no per-instance variable (only PORT, for Procfiles)"},
    UnmappedKey{"treekill", "not needed: tend always signals the program's whole process group"},
    UnmappedKey{"kill_retry_time", "tend sends stop_signal once, then SIGKILL after kill_timeout"},
    UnmappedKey{"stop_exit_codes",
           "tend's restart = \"on-failure\" counts only exit 0 as success; it takes no list"},
    UnmappedKey{"source_map_support", "a Node.js feature; pass --enable-source-maps in node_args instead"},
};


std::string ms_text(Millis ms) {
  return toml_string(format_duration(ms));
}

// A pm2 duration: a number of ms, or a string ("2s", "1500").
std::optional<Millis> read_ms(const json& v) {
  if (v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0))
    return Millis(v.get<std::int64_t>());
  if (v.is_string())
    if (auto d = parse_duration(v.get<std::string>())) return *d;
  return std::nullopt;
}

std::string as_text(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// A pm2 argument list: an array, or a string split like a shell would.
std::optional<std::vector<std::string>> read_words(const json& v) {
  if (v.is_array()) {
    std::vector<std::string> out;
    for (const auto& item : v) out.push_back(as_text(item));
    return out;
  }
  if (!v.is_string()) return std::nullopt;
  auto split = split_shell_words(v.get<std::string>());
  if (!split) return std::nullopt;
  return split->words;
}

std::string interpreter_for(const std::string& script) {
  std::string ext = std::filesystem::path(script).extension().string();
  if (ext == ".js" || ext == ".cjs" || ext == ".mjs") return "node";
  if (ext == ".ts") return "ts-node";
  if (ext == ".py") return "python3";
  if (ext == ".rb") return "ruby";
  if (ext == ".php") return "php";
  if (ext == ".sh") return "bash";
  if (ext == ".pl") return "perl";
  return "";
}

/// Converts one app. Consumed keys are erased from `rest`, which ends up holding the keys left to note.
class AppConverter {
 public:
  AppConverter(const json& app, unsigned cpus) : app_(app), cpus_(cpus) {}
  Result<ProgramSection> convert(std::size_t index);

 private:
  Status command(ProgramSection& out);
  void instances(const json& v, ProgramSection& out);
  void restart_delays(ProgramSection& out);
  bool map_key(const std::string& key, const json& v, ProgramSection& out);
  bool take(const char* key) { return app_.contains(key) && done_.insert(key).second; }

  const json& app_;
  unsigned cpus_;
  std::set<std::string> done_;
};

Result<ProgramSection> AppConverter::convert(std::size_t index) {
  if (!app_.contains("script") || !app_["script"].is_string())
    return Error{EINVAL, fmt::format("unable to import pm2 app #{}: it has no script", index + 1)};
  std::string script = app_["script"].get<std::string>();
  std::string name = app_.contains("name") && app_["name"].is_string()
                         ? app_["name"].get<std::string>()
                         : std::filesystem::path(script).stem().string();
  done_.insert("name");
  ProgramSection out(program_name_from(name));
  if (auto st = command(out); !st) return st.error();
  restart_delays(out);
  for (const auto& [key, value] : app_.items()) {
    if (done_.count(key) || map_key(key, value, out)) continue;
    if (key.starts_with("env_")) {
      out.unmapped(kPm2, key,
                   "tend has one env per program (pm2 picks this one with --env); copy its values into "
                   "[programs." +
                       out.name() + ".env] of the file for that environment");
      continue;
    }
    out.unmapped(kPm2, key, why_unmapped(kPm2Unmapped, key, "pm2-specific; tend has no equivalent"));
  }
  return out;
}

// pm2 runs `interpreter [interpreter_args] script [args]`, choosing the interpreter from the extension.
Status AppConverter::command(ProgramSection& out) {
  done_.insert({"script", "args", "interpreter", "interpreter_args", "node_args"});
  std::string script = app_["script"].get<std::string>();
  std::string interpreter = interpreter_for(script);
  if (app_.contains("interpreter") && app_["interpreter"].is_string())
    interpreter =
        app_["interpreter"].get<std::string>() == "none" ? "" : app_["interpreter"].get<std::string>();
  std::vector<std::string> argv;
  if (!interpreter.empty()) {
    argv.push_back(interpreter);
    for (const char* key : {"interpreter_args", "node_args"})
      if (app_.contains(key)) {
        auto words = read_words(app_[key]);
        if (!words)
          return Error{EINVAL, fmt::format("unable to import pm2 app '{}': bad {}", out.name(), key)};
        argv.insert(argv.end(), words->begin(), words->end());
      }
  }
  bool has_args = app_.contains("args");
  if (interpreter.empty() && !has_args && script.find_first_of(" \t") != std::string::npos) {
    out.set("shell", toml_string(script));
    out.note("pm2 script is a command line; it runs through /bin/sh -c");
    return {};
  }
  argv.push_back(script);
  if (has_args) {
    auto words = read_words(app_["args"]);
    if (!words) return Error{EINVAL, fmt::format("unable to import pm2 app '{}': bad args", out.name())};
    argv.insert(argv.end(), words->begin(), words->end());
  }
  out.set("command", toml_string_array(argv));
  return {};
}

// "max" and 0 mean one per CPU, -N means all CPUs but N; the count is fixed at import time.
void AppConverter::instances(const json& v, ProgramSection& out) {
  long n = 0;
  if (v.is_number_integer()) {
    n = v.get<long>();
  } else if (v.get<std::string>() != "max") {
    const std::string& text = v.get_ref<const std::string&>();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size()) {
      out.unmapped(kPm2, "instances", "not a number or \"max\": " + text);
      return;
    }
  }
  if (n >= 1) {
    out.set("instances", std::to_string(n));
    return;
  }
  long count = std::max(1L, static_cast<long>(cpus_) + n);
  out.set("instances", std::to_string(count));
  out.note(
      fmt::format("pm2 instances = {} means {} CPUs; set to {} from this machine's {} CPUs at import time",
                  as_text(v), n == 0 ? "all" : fmt::format("all but {}", -n), count, cpus_));
}

// pm2 has a fixed delay (restart_delay) and an exponential one (starting at exp_backoff_restart_delay,
// x1.5 up to 15s); tend doubles from backoff_min to backoff_max.
void AppConverter::restart_delays(ProgramSection& out) {
  constexpr Millis kDefaultMax{30'000}, kPm2ExpMax{15'000};
  if (take("exp_backoff_restart_delay")) {
    if (auto ms = read_ms(app_["exp_backoff_restart_delay"])) {
      out.set("backoff_min", ms_text(*ms));
      out.set("backoff_max", ms_text(std::max(*ms, kPm2ExpMax)));
      out.note("pm2 grows its restart delay x1.5 up to 15s; tend doubles it from backoff_min to backoff_max");
    } else {
      out.unmapped(kPm2, "exp_backoff_restart_delay",
                   "not a number of ms: " + as_text(app_["exp_backoff_restart_delay"]));
    }
    if (take("restart_delay"))
      out.unmapped(kPm2, "restart_delay", "exp_backoff_restart_delay is set and gives backoff_min instead");
    return;
  }
  if (!take("restart_delay")) return;
  auto ms = read_ms(app_["restart_delay"]);
  if (!ms) {
    out.unmapped(kPm2, "restart_delay", "not a number of ms: " + as_text(app_["restart_delay"]));
    return;
  }
  out.set("backoff_min", ms_text(*ms));
  if (*ms > kDefaultMax) out.set("backoff_max", ms_text(*ms));
  out.note(
      "tend waits backoff_min only after an unstable exit (shorter than min_uptime), doubling each time");
}

// Maps one key that has a tend equivalent; false when it has none (or its value is not understood).
bool AppConverter::map_key(const std::string& key, const json& v, ProgramSection& out) {
  std::string mode = v.is_string() ? v.get<std::string>() : "";
  if (key == "min_uptime" || key == "kill_timeout" || key == "listen_timeout") {
    if (auto ms = read_ms(v))
      out.set(key == "listen_timeout" ? "ready_timeout" : key, ms_text(*ms));
    else
      out.unmapped(kPm2, key, "not a duration: " + as_text(v));
    return true;
  }
  if (key == "cwd" && v.is_string()) {
    out.set("cwd", toml_string(mode));
    return true;
  }
  if (key == "env" && v.is_object()) {
    for (const auto& [name, value] : v.items())
      if (!value.is_null()) out.set_env(name, as_text(value));
    return true;
  }
  if (key == "instances" && (v.is_number_integer() || v.is_string())) {
    instances(v, out);
    return true;
  }
  if (key == "exec_mode" && mode.starts_with("cluster")) {
    out.unmapped(kPm2, key,
                 "pm2 shares the port the app listens on through Node's cluster module; with tend the daemon "
                 "binds it: add listen = [\"tcp:HOST:PORT\"] and have the app listen on fd 3 "
                 "(server.listen({fd: 3}))");
    return true;
  }
  if (key == "wait_ready" && v.is_boolean()) {
    // pm2's process.send('ready') is what `ready = "ipc"` waits for.
    if (v.get<bool>()) out.set("ready", toml_string("ipc"));
    return true;
  }
  if (key == "autorestart" && v.is_boolean()) {
    out.set("restart", toml_string(v.get<bool>() ? "always" : "never"));
    return true;
  }
  if (key == "max_memory_restart") {
    // pm2 takes "300M" (K, M, G: binary multiples, as tend's sizes) or a number of bytes.
    if (v.is_number_unsigned()) out.set("max_memory", std::to_string(v.get<std::uint64_t>()));
    else if (v.is_string() && parse_size(mode)) out.set("max_memory", toml_string(mode));
    else out.unmapped(kPm2, key, "not a size: " + as_text(v));
    return true;
  }
  if (key == "max_restarts" && v.is_number_integer()) {
    out.set("max_restarts", std::to_string(v.get<long>()));
    return true;
  }
  if ((key == "time" || key == "autostart") && v.is_boolean()) {
    out.set(key == "time" ? "log_time" : "autostart", v.get<bool>() ? "true" : "false");
    return true;
  }
  return key == "exec_mode" && mode.starts_with("fork");  // pm2's default: what tend does
}

}  // namespace

Result<std::string> import_pm2(const json& ecosystem, unsigned cpus) {
  if (cpus == 0) cpus = std::max(1u, std::thread::hardware_concurrency());
  const json* apps = &ecosystem;
  if (ecosystem.is_object() && ecosystem.contains("apps")) apps = &ecosystem["apps"];
  if (!apps->is_array())
    return Error{EINVAL, "unable to import pm2 ecosystem: expected {\"apps\": [...]} or an array of apps"};
  std::string text =
      "# Converted from a pm2 ecosystem file by `tend import pm2`.\n"
      "# Comments name each pm2 key that has no tend equivalent, and why.\n";
  std::set<std::string> names;
  for (std::size_t i = 0; i < apps->size(); ++i) {
    if (!(*apps)[i].is_object())
      return Error{EINVAL, fmt::format("unable to import pm2 app #{}: not an object", i + 1)};
    auto section = AppConverter((*apps)[i], cpus).convert(i);
    if (!section) return section.error();
    if (!names.insert(section->name()).second)
      return Error{EINVAL,
                   fmt::format("unable to import pm2 ecosystem: two apps are named '{}'", section->name())};
    text += "\n" + section->render();
  }
  return checked_import(std::move(text), "pm2 ecosystem");
}

}  // namespace tend
