// metrics: every live figure in the Prometheus text format, read by the daemon at the moment of asking.
#include <fmt/format.h>

#include "cli/cli.h"

namespace tend::cli {

void add_metrics(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("metrics", "Print every live figure in the Prometheus text format");
  cmd->callback([&ctx] {
    ctx.action = [] {
      nlohmann::json result;
      int rc = call("metrics", nlohmann::json::object(), &result);
      if (rc != kOk) return rc;
      fmt::print("{}", result.value("text", ""));
      return rc;
    };
  });
}

}  // namespace tend::cli
