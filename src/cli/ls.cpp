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
  constexpr auto kRow = "{:<20} {:>4} {:>8} {:<9} {:<1} {:>8} {:>8} {:>8} {:>5} {:>8}  {}\n";
  // STATUS (sd_notify's STATUS=, or {"tend":"status"}) is a last column, only when an instance has one.
  bool with_status = false;
  for (const auto& i : instances)
    with_status = with_status || (i.contains("status") && i["status"].is_string());
  auto last_column = [&](std::string exit, const nlohmann::json& i) {
    if (!with_status) return exit;
    return fmt::format("{:<12}  {}", exit, i["status"].is_string() ? i["status"].get<std::string>() : "-");
  };
  fmt::print(kRow, "NAME", "INST", "PID", "STATE", "K", "UPTIME", "RESTARTS", "RSS", "CPU%", "CPU",
             with_status ? fmt::format("{:<12}  STATUS", "LAST EXIT") : std::string("LAST EXIT"));
  for (const auto& i : instances) {
    bool running = !i["pid"].is_null();
    std::string exit = last_exit(i);
    // For these states the reason says more than the last exit: why it gave up, what it waits for.
    if ((i["state"] == "failed" || i["state"] == "waiting") && !i["reason"].is_null())
      exit = i["reason"].get<std::string>();
    fmt::print(kRow, i["name"].get<std::string>(), i["instance"].get<int>(),
               running ? i["pid"].dump() : "-", i["state"].get<std::string>(),
               i["kernel_state"].is_null() ? "-" : i["kernel_state"].get<std::string>(),
               running ? format_uptime(Millis(i["uptime_ms"].get<std::int64_t>())) : "-", i["restarts"].get<int>(),
               running ? format_size(i["rss_bytes"].get<std::uint64_t>()) : "-",
               i.value("cpu_percent", nlohmann::json()).is_number()
                   ? fmt::format("{:.1f}", i["cpu_percent"].get<double>())
                   : "-",
               running ? format_elapsed(Millis(i["cpu_ms"].get<std::int64_t>())) : "-", last_column(exit, i));
  }
}

}  // namespace

/// `ls --json`: prints the result array straight from the daemon's reply, which puts it last after a fixed
/// prefix, so a thousand instances are not parsed and re-serialized. Falls back to parsing otherwise.
int print_json() {
  auto client = connect_or_start();
  if (!client) {
    print_error(client.error().message);
    return kUnreachable;
  }
  auto id = client->send("ls", nlohmann::json::object());
  auto line = id ? client->read_line() : Result<std::string>(id.error());
  if (!line) {
    print_error(line.error().message);
    return kUnreachable;
  }
  std::string prefix = fmt::format(R"({{"v":1,"id":{},"ok":true,"result":)", *id);
  if (line->starts_with(prefix) && line->ends_with("}")) {
    std::string_view result = std::string_view(*line).substr(prefix.size(), line->size() - prefix.size() - 1);
    fwrite(result.data(), 1, result.size(), stdout);
    fputc('\n', stdout);
    return kOk;
  }
  auto j = nlohmann::json::parse(*line, nullptr, false);
  if (j.is_discarded() || !j.value("ok", false)) {
    print_error(j.is_discarded() ? "unable to read the daemon's reply" : j["error"].value("message", "error"));
    return kFailed;
  }
  fmt::print("{}\n", j["result"].dump());
  return kOk;
}

void add_ls(CLI::App& app, Context& ctx) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("ls", "List instances: pid, state, uptime, restarts, memory, CPU, last exit");
  cmd->add_flag("--json", *json, "Print a JSON array (schema in docs/protocol.md)");
  cmd->callback([&ctx, json] {
    ctx.action = [json] {
      if (*json) return print_json();
      nlohmann::json result;
      int rc = call("ls", nlohmann::json::object(), &result);
      if (rc != kOk) return rc;
      print_table(result);
      return rc;
    };
  });
}

}  // namespace tend::cli
