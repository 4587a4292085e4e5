#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ipc/client.h"
#include "util/result.h"

namespace tend::cli {

/// Documented, fixed exit statuses of every client command.
enum Exit : int { kOk = 0, kFailed = 1, kUsage = 2, kUnreachable = 3 };

/// Shared by all subcommands: the action chosen by the parser and the words after `--`.
struct Context {
  std::function<int()> action;
  std::vector<std::string> command_after_dashdash;  // `tend start [options] -- CMD [ARGS...]`
  bool saw_dashdash = false;
};

/// Connects to the daemon of $TEND_HOME, starting it first when none answers (serialised by a lock file,
/// so racing clients start one daemon). Errors mean "unreachable" (exit 3).
Result<Client> connect_or_start();

/// Sends one request and waits for its response. Prints the daemon's error and returns the exit status
/// on failure; on success stores the result and returns kOk.
int call(std::string_view cmd, nlohmann::json args, nlohmann::json* result = nullptr);

/// Prints "tend: <message>" to stderr.
void print_error(std::string_view message);

void add_daemon(CLI::App& app, Context& ctx);
void add_start(CLI::App& app, Context& ctx);
void add_control(CLI::App& app, Context& ctx);  // stop, restart, delete, signal
void add_wait(CLI::App& app, Context& ctx);
void add_ls(CLI::App& app, Context& ctx);
void add_logs(CLI::App& app, Context& ctx);
void add_admin(CLI::App& app, Context& ctx);  // shutdown, version

}  // namespace tend::cli
