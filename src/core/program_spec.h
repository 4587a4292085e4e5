#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "util/result.h"
#include "util/units.h"

namespace tend {

enum class RestartMode { always, on_failure, never };

/// "always", "on-failure", "never".
std::string_view restart_mode_name(RestartMode mode);
Result<RestartMode> parse_restart_mode(std::string_view text);

/// When and how fast a program's instances are restarted.
struct RestartPolicy {
  RestartMode mode = RestartMode::always;
  int max_restarts = 10;           // unstable exits tolerated inside restart_window
  Millis restart_window{60'000};   // sliding window for counting unstable exits
  Millis min_uptime{1000};         // a run shorter than this is an unstable start
  Millis backoff_min{100};         // first delay after an unstable exit
  Millis backoff_max{30'000};      // delays double up to this
};

/// The smallest --max-memory accepted: below it even an idle program would be restarted in a loop.
constexpr std::uint64_t kMinMaxMemory = 1024 * 1024;

/// A complete process environment, name → value.
using Environment = std::map<std::string, std::string>;

/// The most --listen sockets a program may declare (each becomes one fd of every instance).
constexpr std::size_t kMaxListen = 32;

/// A program: the spec from which its instances (processes) are made. Pure data.
struct ProgramSpec {
  std::string name;
  std::vector<std::string> command;  // argv; with shell=true a single string run by /bin/sh -c
  bool shell = false;
  std::string cwd;                   // empty: the daemon's home directory of the user
  Environment env;                   // the complete environment the instances get
  int instances = 1;
  RestartPolicy restart;
  int stop_signal = 15;              // SIGTERM
  Millis kill_timeout{10'000};
  std::optional<int> nice;
  std::uint64_t log_max_size = 10ull * 1024 * 1024;
  int log_keep = 5;
  bool log_time = true;
  std::vector<std::string> depends_on;  // programs that must be running (or exited 0) before this one starts
  bool autostart = true;                // a config file's apply starts it (else it waits for `tend start`)
  std::optional<int> port_base;         // instance i gets PORT=port_base+i (as foreman assigns ports)
  std::optional<std::uint64_t> max_memory;  // bytes: an instance whose RSS stays above it is restarted
  // IPC, readiness and clusters (docs/ipc.md).
  bool ipc = false;                           // a message channel at a fixed fd (NODE_CHANNEL_FD etc.)
  std::uint64_t ipc_max_message = 1u << 20;   // longer messages from or to the child are dropped
  std::string ready = "none";                 // a ReadyCheck: none, ipc, notify, tcp:PORT, http:URL, exec:CMD
  Millis ready_timeout{30'000};               // not ready by then: stopped and restarted per the policy
  Millis watchdog{0};                         // > 0: WATCHDOG=1 must come this often once running
  std::vector<std::string> listen;            // sockets bound once by the daemon, passed at fd 3..

  /// The argv actually executed: command, or {"/bin/sh", "-c", command[0]} with shell.
  std::vector<std::string> argv() const;
  /// True when instances get a message channel: --ipc, or readiness signalled over it.
  bool wants_channel() const { return ipc || ready == "ipc"; }
  /// True when instances get NOTIFY_SOCKET: readiness by sd_notify, or a watchdog.
  bool wants_notify() const { return ready == "notify" || watchdog.count() > 0; }
  /// Checks ranges and names; returns the first problem as "invalid <field>: <why>".
  Status validate() const;
};

/// True when name is usable as a program name: [A-Za-z0-9_.-]{1,64}, not "all", no leading '-' or '.'.
bool valid_program_name(std::string_view name);

void to_json(nlohmann::json& j, const ProgramSpec& spec);
/// Strict: unknown types are errors; missing keys take defaults.
Result<ProgramSpec> program_spec_from_json(const nlohmann::json& j);

}  // namespace tend
