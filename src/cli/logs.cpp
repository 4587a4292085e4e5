#include <unistd.h>

#include <fmt/format.h>

#include "cli/cli.h"

namespace tend::cli {

namespace {

struct LogsOptions {
  std::vector<std::string> targets;
  int lines = 20;
  bool follow = false, rotate = false;
  std::string stream;
};

int run_logs(const LogsOptions& o) {
  if (!o.stream.empty() && o.stream != "out" && o.stream != "err") {
    print_error(fmt::format("invalid --stream '{}': expected out or err", o.stream));
    return kUsage;
  }
  auto client = connect_or_start();
  if (!client) {
    print_error(client.error().message);
    return kUnreachable;
  }
  nlohmann::json args{{"targets", o.targets}, {"lines", o.lines}, {"follow", o.follow}, {"rotate", o.rotate}};
  if (!o.stream.empty()) args["stream"] = o.stream;
  if (auto id = client->send("logs", args); !id) {
    print_error(id.error().message);
    return kUnreachable;
  }
  for (int rc = kOk;;) {
    auto msg = read_ok_message(*client, rc);
    if (!msg) return rc;
    const auto& result = (*msg)["result"];
    if (msg->contains("event")) {
      auto text = result.value("text", "");
      fwrite(text.data(), 1, text.size(), stdout);
      if (o.follow) fflush(stdout);
      continue;
    }
    if (result.contains("rotated"))
      for (const auto& label : result["rotated"]) fmt::print("rotated {}\n", label.get<std::string>());
    return kOk;
  }
}

}  // namespace

void add_logs(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<LogsOptions>();
  auto* cmd = app.add_subcommand("logs", "Show the last lines of instances' logs; -f follows new lines");
  cmd->add_option("targets", o->targets, "NAME or NAME:I (default: all)");
  cmd->add_option("-n,--lines", o->lines, "Lines per instance")->check(CLI::NonNegativeNumber);
  cmd->add_flag("-f,--follow", o->follow, "Keep printing new lines until interrupted");
  cmd->add_option("--stream", o->stream, "out or err (default: both, in time order)");
  cmd->add_flag("--rotate", o->rotate, "Rotate the log files now");
  cmd->callback([&ctx, o] { ctx.action = [o] { return run_logs(*o); }; });
}

}  // namespace tend::cli
