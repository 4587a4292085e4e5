// stop, restart, delete and signal: each names instances and waits for the daemon's answer.
#include <fmt/format.h>

#include "cli/cli.h"
#include "util/signals.h"

namespace tend::cli {

namespace {

std::string label_of(const nlohmann::json& i) {
  return fmt::format("{}:{}", i["name"].get<std::string>(), i["instance"].get<int>());
}

void add_targets_command(CLI::App& app, Context& ctx, const std::string& name, const std::string& help,
                         std::function<int(const std::vector<std::string>&)> run) {
  auto targets = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand(name, help);
  cmd->add_option("targets", *targets, "NAME, NAME:I or all")->required();
  cmd->callback([&ctx, targets, run] { ctx.action = [targets, run] { return run(*targets); }; });
}

}  // namespace

void add_control(CLI::App& app, Context& ctx) {
  add_targets_command(app, ctx, "stop", "Stop instances: stop signal, kill timeout, SIGKILL; waits until gone",
                      [](const auto& targets) {
                        nlohmann::json result;
                        int rc = call("stop", {{"targets", targets}}, &result);
                        if (rc != kOk) return rc;
                        for (const auto& i : result["instances"])
                          fmt::print("stopped {}{}\n", label_of(i),
                                     i.contains("exit") ? fmt::format(" ({})", i["exit"].get<std::string>()) : "");
                        return rc;
                      });
  add_targets_command(app, ctx, "restart", "Stop then start instances", [](const auto& targets) {
    nlohmann::json result;
    int rc = call("restart", {{"targets", targets}}, &result);
    if (rc != kOk) return rc;
    for (const auto& i : result["instances"])
      fmt::print("restarted {} pid {}\n", label_of(i), i["pid"].is_null() ? std::string("-") : i["pid"].dump());
    return rc;
  });
  add_targets_command(app, ctx, "delete", "Stop programs and forget them", [](const auto& targets) {
    nlohmann::json result;
    int rc = call("delete", {{"targets", targets}}, &result);
    if (rc != kOk) return rc;
    for (const auto& name : result["deleted"]) fmt::print("deleted {}\n", name.get<std::string>());
    return rc;
  });

  auto sig = std::make_shared<std::string>();
  auto targets = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("signal", "Send a signal to instances' process groups");
  cmd->add_option("signal", *sig, "TERM, SIGUSR1, 10, ...")->required();
  cmd->add_option("targets", *targets, "NAME, NAME:I or all")->required();
  cmd->callback([&ctx, sig, targets] {
    ctx.action = [sig, targets] {
      if (auto parsed = parse_signal(*sig); !parsed) {
        print_error(parsed.error().message);
        return int(kUsage);
      }
      nlohmann::json result;
      int rc = call("signal", {{"signal", *sig}, {"targets", *targets}}, &result);
      if (rc != kOk) return rc;
      for (const auto& label : result["signalled"])
        fmt::print("sent {} to {}\n", result["signal"].get<std::string>(), label.get<std::string>());
      return rc;
    };
  });
}

}  // namespace tend::cli
