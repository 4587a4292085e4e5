// tend reload NAME (rolling replacement) and tend scale NAME N|+N|-N.
#include <fmt/format.h>

#include <charconv>
#include <cstdio>

#include "cli/cli.h"
#include "util/units.h"

namespace tend::cli {

namespace {

std::string pid_text(const nlohmann::json& v) {
  return v.is_null() ? std::string("-") : v.dump();
}

void print_step(const std::string& name, const nlohmann::json& step) {
  if (step["old_pid"].is_null())
    fmt::print("{}:{} started pid {}\n", name, step["instance"].get<int>(), pid_text(step["new_pid"]));
  else
    fmt::print("{}:{} pid {} -> {} (ready after {})\n", name, step["instance"].get<int>(),
               pid_text(step["old_pid"]), pid_text(step["new_pid"]),
               format_duration(Millis(step["ready_ms"].get<std::int64_t>())));
}

/// Streams the reload's progress as each instance is replaced, then its outcome.
int run_reload(const std::string& name) {
  auto client = connect_or_start();
  if (!client) {
    print_error(client.error().message);
    return kUnreachable;
  }
  auto id = client->send("reload", {{"name", name}});
  if (!id) {
    print_error(id.error().message);
    return kUnreachable;
  }
  for (;;) {
    auto message = client->read_message();
    if (!message) {
      print_error(message.error().message);
      return kUnreachable;
    }
    if ((*message)["id"] != *id) continue;
    if (!message->value("ok", false)) {
      print_error((*message)["error"].value("message", "unknown error"));
      return kFailed;
    }
    if (message->contains("event")) {
      print_step(name, (*message)["result"]);
      std::fflush(stdout);  // progress as it happens, also into a pipe
      continue;
    }
    if ((*message)["result"]["instances"].empty()) fmt::print("{}: nothing to reload\n", name);
    return kOk;
  }
}

int run_scale(const std::string& name, const std::string& count) {
  nlohmann::json args{{"name", name}};
  bool relative = !count.empty() && (count[0] == '+' || count[0] == '-');
  std::string_view digits = relative ? std::string_view(count).substr(1) : std::string_view(count);
  int n = -1;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    print_error(fmt::format("invalid instance count '{}': expected N, +N or -N", count));
    return kUsage;
  }
  if (relative)
    args["delta"] = count[0] == '+' ? n : -n;
  else
    args["instances"] = n;
  if (relative && n == 0) {
    print_error("a relative count must not be 0");
    return kUsage;
  }
  nlohmann::json result;
  if (int rc = call("scale", std::move(args), &result); rc != kOk) return rc;
  for (const auto& i : result["started"])
    fmt::print("started {}:{} pid {}\n", i["name"].get<std::string>(), i["instance"].get<int>(),
               pid_text(i["pid"]));
  for (const auto& i : result["stopped"])
    fmt::print("stopped {}:{}\n", i["name"].get<std::string>(), i["instance"].get<int>());
  fmt::print("{} has {} instance(s)\n", name, result["instances"].get<int>());
  return kOk;
}

}  // namespace

void add_cluster(CLI::App& app, Context& ctx) {
  auto name = std::make_shared<std::string>();
  auto* reload =
      app.add_subcommand("reload", "Replace a program's instances one by one, each successor ready first");
  reload->add_option("name", *name, "The program")->required();
  reload->callback([&ctx, name] { ctx.action = [name] { return run_reload(*name); }; });

  auto scale_name = std::make_shared<std::string>();
  auto count = std::make_shared<std::string>();
  auto* scale = app.add_subcommand("scale", "Change a program's instance count live");
  scale->add_option("name", *scale_name, "The program")->required();
  scale->add_option("count", *count, "N, +N or -N")->required()->allow_extra_args(false);
  scale->callback([&ctx, scale_name, count] {
    ctx.action = [scale_name, count] { return run_scale(*scale_name, *count); };
  });
}

}  // namespace tend::cli
