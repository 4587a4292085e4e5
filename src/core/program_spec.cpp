#include "core/program_spec.h"

#include <fmt/format.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "core/listen_address.h"
#include "core/ready_check.h"
#include "util/signals.h"

namespace tend {

std::string_view restart_mode_name(RestartMode mode) {
  switch (mode) {
    case RestartMode::always: return "always";
    case RestartMode::on_failure: return "on-failure";
    case RestartMode::never: return "never";
  }
  return "always";
}

Result<RestartMode> parse_restart_mode(std::string_view text) {
  for (auto mode : {RestartMode::always, RestartMode::on_failure, RestartMode::never})
    if (text == restart_mode_name(mode)) return mode;
  return Error{EINVAL, fmt::format("invalid restart mode '{}': expected always, on-failure or never", text)};
}

std::vector<std::string> ProgramSpec::argv() const {
  if (shell) return {"/bin/sh", "-c", command.empty() ? std::string() : command[0]};
  return command;
}

bool valid_program_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name == "all" || name[0] == '-' || name[0] == '.') return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
  return true;
}

Status ProgramSpec::validate() const {
  auto bad = [](std::string_view field, std::string why) {
    return Error{EINVAL, fmt::format("invalid {}: {}", field, why)};
  };
  if (!valid_program_name(name))
    return bad("name", fmt::format("'{}' (use 1-64 of A-Z a-z 0-9 _ . -, not 'all')", name));
  if (command.empty() || command[0].empty()) return bad("command", "it is empty");
  if (shell && command.size() != 1) return bad("command", "--shell takes the command as one string");
  if (instances < 1 || instances > 1024) return bad("instances", fmt::format("{} (1..1024)", instances));
  if (restart.max_restarts < 0) return bad("max-restarts", "must not be negative");
  if (restart.backoff_min > restart.backoff_max) return bad("backoff-min", "is larger than backoff-max");
  if (stop_signal < 1 || stop_signal > SIGRTMAX) return bad("stop-signal", std::to_string(stop_signal));
  if (nice && (*nice < -20 || *nice > 19)) return bad("nice", fmt::format("{} (-20..19)", *nice));
  if (log_keep < 0 || log_keep > 1000) return bad("log-keep", fmt::format("{} (0..1000)", log_keep));
  if (log_max_size < 4096) return bad("log-max-size", "must be at least 4K");
  for (const auto& dep : depends_on) {
    if (!valid_program_name(dep)) return bad("depends-on", fmt::format("'{}' is not a program name", dep));
    if (dep == name) return bad("depends-on", "a program cannot depend on itself");
  }
  if (port_base && (*port_base < 1 || *port_base + instances - 1 > 65535))
    return bad("port-base", fmt::format("{} (ports 1..65535 for {} instance(s))", *port_base, instances));
  if (max_memory && *max_memory < kMinMaxMemory)
    return bad("max-memory", fmt::format("{} (at least {})", format_size(*max_memory), format_size(kMinMaxMemory)));
  if (ipc_max_message < 64 || ipc_max_message > (64u << 20)) return bad("ipc-max-message", "must be 64..64M");
  if (auto check = parse_ready_check(ready); !check) return Error{EINVAL, check.error().message};
  if (ready_timeout.count() <= 0) return bad("ready-timeout", "must be positive");
  if (watchdog.count() < 0 || (watchdog.count() > 0 && watchdog.count() < 10))
    return bad("watchdog", "must be at least 10ms (or 0 for none)");
  if (listen.size() > kMaxListen) return bad("listen", fmt::format("at most {} sockets", kMaxListen));
  for (const auto& text : listen)
    if (auto addr = parse_listen_address(text, name); !addr) return Error{EINVAL, addr.error().message};
  return {};
}

void to_json(nlohmann::json& j, const ProgramSpec& s) {
  j = nlohmann::json{
      {"name", s.name},
      {"command", s.command},
      {"shell", s.shell},
      {"cwd", s.cwd},
      {"env", s.env},
      {"instances", s.instances},
      {"restart", restart_mode_name(s.restart.mode)},
      {"max_restarts", s.restart.max_restarts},
      {"restart_window_ms", s.restart.restart_window.count()},
      {"min_uptime_ms", s.restart.min_uptime.count()},
      {"backoff_min_ms", s.restart.backoff_min.count()},
      {"backoff_max_ms", s.restart.backoff_max.count()},
      {"stop_signal", signal_name(s.stop_signal)},
      {"kill_timeout_ms", s.kill_timeout.count()},
      {"nice", s.nice ? nlohmann::json(*s.nice) : nlohmann::json(nullptr)},
      {"log_max_size", s.log_max_size},
      {"log_keep", s.log_keep},
      {"log_time", s.log_time},
      {"depends_on", s.depends_on},
      {"autostart", s.autostart},
      {"port_base", s.port_base ? nlohmann::json(*s.port_base) : nlohmann::json(nullptr)},
      {"max_memory", s.max_memory ? nlohmann::json(*s.max_memory) : nlohmann::json(nullptr)},
      {"ipc", s.ipc},
      {"ipc_max_message", s.ipc_max_message},
      {"ready", s.ready},
      {"ready_timeout_ms", s.ready_timeout.count()},
      {"watchdog_ms", s.watchdog.count()},
      {"listen", s.listen},
  };
}

Result<ProgramSpec> program_spec_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return Error{EINVAL, "invalid program: expected an object"};
  ProgramSpec s;
  try {
    auto get = [&](const char* key, auto& out) {
      if (j.contains(key) && !j.at(key).is_null()) j.at(key).get_to(out);
    };
    auto get_ms = [&](const char* key, Millis& out) {
      if (j.contains(key)) out = Millis(j.at(key).get<std::int64_t>());
    };
    get("name", s.name);
    get("command", s.command);
    get("shell", s.shell);
    get("cwd", s.cwd);
    get("env", s.env);
    get("instances", s.instances);
    if (j.contains("restart")) {
      auto mode = parse_restart_mode(j.at("restart").get<std::string>());
      if (!mode) return mode.error();
      s.restart.mode = *mode;
    }
    get("max_restarts", s.restart.max_restarts);
    get_ms("restart_window_ms", s.restart.restart_window);
    get_ms("min_uptime_ms", s.restart.min_uptime);
    get_ms("backoff_min_ms", s.restart.backoff_min);
    get_ms("backoff_max_ms", s.restart.backoff_max);
    if (j.contains("stop_signal")) {
      const auto& sig = j.at("stop_signal");
      auto parsed = sig.is_number_integer() ? Result<int>(sig.get<int>()) : parse_signal(sig.get<std::string>());
      if (!parsed) return parsed.error();
      s.stop_signal = *parsed;
    }
    get_ms("kill_timeout_ms", s.kill_timeout);
    if (j.contains("nice") && !j.at("nice").is_null()) s.nice = j.at("nice").get<int>();
    get("log_max_size", s.log_max_size);
    get("log_keep", s.log_keep);
    get("log_time", s.log_time);
    get("depends_on", s.depends_on);
    get("autostart", s.autostart);
    if (j.contains("port_base") && !j.at("port_base").is_null()) s.port_base = j.at("port_base").get<int>();
    if (j.contains("max_memory") && !j.at("max_memory").is_null())
      s.max_memory = j.at("max_memory").get<std::uint64_t>();
    get("ipc", s.ipc);
    get("ipc_max_message", s.ipc_max_message);
    get("ready", s.ready);
    get_ms("ready_timeout_ms", s.ready_timeout);
    get_ms("watchdog_ms", s.watchdog);
    get("listen", s.listen);
  } catch (const nlohmann::json::exception& e) {
    return Error{EINVAL, fmt::format("invalid program: {}", e.what())};
  }
  if (auto st = s.validate(); !st) return st.error();
  return s;
}

}  // namespace tend
