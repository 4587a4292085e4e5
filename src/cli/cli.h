#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <map>
#include <optional>
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
  bool takes_command = false;  // set by the other subcommands that take `-- CMD` (job submit, schedule add)
};

/// Connects to the daemon of $TEND_HOME, starting it first when none answers (serialised by a lock file,
/// so racing clients start one daemon). Errors mean "unreachable" (exit 3).
Result<Client> connect_or_start();

/// Sends one request and waits for its response. Prints the daemon's error and returns the exit status
/// on failure; on success stores the result and returns kOk.
int call(std::string_view cmd, nlohmann::json args, nlohmann::json* result = nullptr);

/// call() on a connection already open (several requests on one connection).
int call_on(Client& client, std::string_view cmd, nlohmann::json args, nlohmann::json* result = nullptr);

/// Sends one request and stores its response, whether ok or not. Returns kUnreachable (after printing why)
/// when there is no response, else kOk.
int call_response(std::string_view cmd, nlohmann::json args, nlohmann::json& response);

/// Reads the next message of a request's stream (stream messages and the final response alike). nullopt
/// when the connection is lost (rc = kUnreachable) or the message is an error (rc = kFailed), after printing
/// why.
std::optional<nlohmann::json> read_ok_message(Client& client, int& rc);

/// The CLI's own environment, as a map (what `tend start` gives a program and `tend apply` filters).
std::map<std::string, std::string> captured_environment();

/// Prints "tend: <message>" to stderr.
void print_error(std::string_view message);

void add_daemon(CLI::App& app, Context& ctx);
void add_start(CLI::App& app, Context& ctx);
void add_control(CLI::App& app, Context& ctx);  // stop, restart, delete, signal
void add_wait(CLI::App& app, Context& ctx);
void add_ls(CLI::App& app, Context& ctx);
void add_logs(CLI::App& app, Context& ctx);
void add_admin(CLI::App& app, Context& ctx);  // shutdown, version
void add_zombies(CLI::App& app, Context& ctx);  // reads /proc, needs no daemon
void add_import(CLI::App& app, Context& ctx);  // import pm2, import supervisord
void add_startup(CLI::App& app, Context& ctx);
void add_apply(CLI::App& app, Context& ctx);  // apply, reload-config
void add_events(CLI::App& app, Context& ctx);
void add_inspect(CLI::App& app, Context& ctx);
void add_tree(CLI::App& app, Context& ctx);
void add_top(CLI::App& app, Context& ctx);
void add_metrics(CLI::App& app, Context& ctx);
void add_send(CLI::App& app, Context& ctx);
void add_cluster(CLI::App& app, Context& ctx);  // reload, scale
void add_job(CLI::App& app, Context& ctx);       // job submit|ls|show|logs|cancel|wait|stats|prune
void add_queue(CLI::App& app, Context& ctx);     // queue set|ls|pause|resume
void add_schedule(CLI::App& app, Context& ctx);  // schedule add|ls|rm|run

}  // namespace tend::cli
