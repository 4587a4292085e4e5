#include <fmt/format.h>

#include "cli/cli.h"
#include "core/state.h"
#include "util/units.h"

namespace tend::cli {

void add_wait(CLI::App& app, Context& ctx) {
  struct Options {
    std::vector<std::string> targets;
    std::string state, timeout = "30s";
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("wait", "Wait until instances reach a state");
  cmd->add_option("targets", o->targets, "NAME, NAME:I or all")->required();
  cmd->add_option("--for", o->state, "running|stopped|exited|failed|...")->required();
  cmd->add_option("--timeout", o->timeout, "Give up after this long (exit 1)");
  cmd->callback([&ctx, o] {
    ctx.action = [o]() -> int {
      if (!parse_state(o->state)) {
        print_error(fmt::format("unknown state '{}'", o->state));
        return kUsage;
      }
      auto timeout = parse_duration(o->timeout);
      if (!timeout) {
        print_error(timeout.error().message);
        return kUsage;
      }
      nlohmann::json result;
      int rc = call("wait", {{"targets", o->targets}, {"state", o->state}, {"timeout_ms", timeout->count()}}, &result);
      if (rc != kOk) return rc;
      for (const auto& i : result["instances"])
        fmt::print("{}:{} {}\n", i["name"].get<std::string>(), i["instance"].get<int>(), i["state"].get<std::string>());
      return rc;
    };
  });
}

}  // namespace tend::cli
