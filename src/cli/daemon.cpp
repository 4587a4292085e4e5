#include <fmt/format.h>

#include "cli/cli.h"
#include <fcntl.h>

#include "daemon/fd_holder.h"
#include "daemon/run.h"

namespace tend::cli {

void add_daemon(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<DaemonOptions>();
  auto* cmd = app.add_subcommand("daemon", "Run the supervising daemon (other commands start it when needed)");
  cmd->add_flag("--foreground", options->foreground, "Stay attached and log to stderr (systemd, containers)");
  cmd->add_option("--ready-fd", options->ready_fd, "Write one byte to this fd once serving (used by clients)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&ctx, options] { ctx.action = [options] { return run_daemon(*options); }; });

  // Internal: the daemon re-executes itself as its fd holder (see daemon/fd_holder.h).
  auto listen_fd = std::make_shared<int>(-1);
  auto* holder = app.add_subcommand("fd-holder", "Internal: holds instances' output pipes for the daemon");
  holder->group("");
  holder->add_option("--listen-fd", *listen_fd, "The listening socket inherited from the daemon")->required();
  holder->callback([&ctx, listen_fd] {
    ctx.action = [listen_fd]() -> int {
      ::fcntl(*listen_fd, F_SETFD, FD_CLOEXEC);
      run_fd_holder(UniqueFd(*listen_fd));
    };
  });
}

}  // namespace tend::cli
