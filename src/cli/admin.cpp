// shutdown and version.
#include <fmt/format.h>

#include "cli/cli.h"
#include "daemon/paths.h"

namespace tend::cli {

namespace {

int shutdown_daemon() {
  auto paths = resolve_paths();
  if (!paths) {
    print_error(paths.error().message);
    return kUnreachable;
  }
  // Starting a daemon only to stop it would be silly: with none running there is nothing to do.
  auto client = Client::connect(paths->socket());
  if (!client) {
    if (client.error().code == ENOENT || client.error().code == ECONNREFUSED) {
      fmt::print("no daemon running\n");
      return kOk;
    }
    print_error(client.error().message);
    return kUnreachable;
  }
  if (int rc = call_on(*client, "shutdown", nlohmann::json::object()); rc != kOk) return rc;
  // The daemon closes the connection as it exits: wait for that, so a client run right after finds no
  // daemon rather than a dying one.
  while (client->read_line()) {
  }
  fmt::print("daemon stopped\n");
  return kOk;
}

}  // namespace

void add_admin(CLI::App& app, Context& ctx) {
  app.add_subcommand("shutdown", "Stop every program, save state and stop the daemon")->callback([&ctx] {
    ctx.action = shutdown_daemon;
  });

  auto verbose = std::make_shared<bool>(false);
  auto* version = app.add_subcommand("version", "Print the version (--verbose: also the daemon's)");
  version->add_flag("-v,--verbose", *verbose, "Also ask the daemon: pid, home, containment mode");
  version->callback([&ctx, verbose] {
    ctx.action = [verbose] {
      fmt::print("tend {}\n", TEND_VERSION);
      if (!*verbose) return int(kOk);
      nlohmann::json result;
      int rc = call("version", nlohmann::json::object(), &result);
      if (rc != kOk) return rc;
      fmt::print("daemon: tend {} pid {}\nhome: {}\ncontainment: {}\n", result["version"].get<std::string>(),
                 result["pid"].get<int>(), result["home"].get<std::string>(),
                 result["containment"].get<std::string>());
      return rc;
    };
  });
}

}  // namespace tend::cli
