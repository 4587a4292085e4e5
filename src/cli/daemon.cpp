#include <fmt/format.h>

#include "cli/cli.h"
#include "daemon/run.h"

namespace tend::cli {

void add_daemon(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<DaemonOptions>();
  auto* cmd = app.add_subcommand("daemon", "Run the supervising daemon (other commands start it when needed)");
  cmd->add_flag("--foreground", options->foreground, "Stay attached and log to stderr (systemd, containers)");
  cmd->add_option("--ready-fd", options->ready_fd, "Write one byte to this fd once serving (used by clients)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&ctx, options] { ctx.action = [options] { return run_daemon(*options); }; });
}

}  // namespace tend::cli
