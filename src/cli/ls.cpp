#include <fmt/format.h>

#include "cli/cli.h"
#include "util/units.h"

namespace tend::cli {

namespace {

std::string last_exit(const nlohmann::json& i) {
  if (!i["exit_signal"].is_null()) return i["exit_signal"].get<std::string>();
  if (!i["exit_code"].is_null()) return fmt::format("exit {}", i["exit_code"].get<int>());
  return "-";
}

void print_table(const nlohmann::json& instances) {
  if (instances.empty()) {
    fmt::print("no programs (define one with: tend start -- CMD [ARGS...])\n");
    return;
  }
  constexpr auto kRow = "{:<20} {:>4} {:>8} {:<9} {:<1} {:>8} {:>8} {:>8} {:>8}  {}\n";
  fmt::print(kRow, "NAME", "INST", "PID", "STATE", "K", "UPTIME", "RESTARTS", "RSS", "CPU", "LAST EXIT");
  for (const auto& i : instances) {
    bool running = !i["pid"].is_null();
    std::string exit = last_exit(i);
    if (i["state"] == "failed" && !i["reason"].is_null()) exit = i["reason"].get<std::string>();
    fmt::print(kRow, i["name"].get<std::string>(), i["instance"].get<int>(),
               running ? i["pid"].dump() : "-", i["state"].get<std::string>(),
               i["kernel_state"].is_null() ? "-" : i["kernel_state"].get<std::string>(),
               running ? format_uptime(Millis(i["uptime_ms"].get<std::int64_t>())) : "-", i["restarts"].get<int>(),
               running ? format_size(i["rss_bytes"].get<std::uint64_t>()) : "-",
               running ? format_duration(Millis(i["cpu_ms"].get<std::int64_t>())) : "-", exit);
  }
}

}  // namespace

void add_ls(CLI::App& app, Context& ctx) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("ls", "List instances: pid, state, uptime, restarts, memory, CPU, last exit");
  cmd->add_flag("--json", *json, "Print a JSON array (schema in docs/protocol.md)");
  cmd->callback([&ctx, json] {
    ctx.action = [json] {
      nlohmann::json result;
      int rc = call("ls", nlohmann::json::object(), &result);
      if (rc != kOk) return rc;
      if (*json) fmt::print("{}\n", result.dump());
      else print_table(result);
      return rc;
    };
  });
}

}  // namespace tend::cli
