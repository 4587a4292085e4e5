// tend send NAME[:I]|all JSON [--wait-reply DUR]: a message on instances' channels (docs/ipc.md).
#include <fmt/format.h>

#include <iostream>
#include <iterator>

#include "cli/cli.h"
#include "ipc/child_message.h"
#include "util/units.h"

namespace tend::cli {

namespace {

struct SendOptions {
  std::vector<std::string> targets;
  std::string message;
  std::string wait_reply;
};

int run_send(const SendOptions& o) {
  if (o.targets.empty()) {
    print_error("usage: tend send NAME[:I]...|all JSON [--wait-reply DUR]");
    return kUsage;
  }
  const auto& targets = o.targets;
  // "-": from stdin, for messages longer than a command-line argument may be (128 KiB).
  std::string text = o.message;
  if (text == "-") text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  if (!json_depth_within(text, kMaxMessageDepth)) {
    print_error(fmt::format("the message nests deeper than {} levels", kMaxMessageDepth));
    return kUsage;
  }
  auto message = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (message.is_discarded()) {
    std::string shown = text.size() > 80 ? text.substr(0, 80) + "..." : text;
    print_error(fmt::format("the message is not JSON: {} (a string needs quotes: '\"{}\"')", shown, shown));
    return kUsage;
  }
  nlohmann::json args{{"targets", targets}, {"message", message}};
  if (!o.wait_reply.empty()) {
    auto d = parse_duration(o.wait_reply);
    if (!d) {
      print_error(d.error().message);
      return kUsage;
    }
    args["wait_reply_ms"] = d->count();
  }
  nlohmann::json result;
  if (int rc = call("send", std::move(args), &result); rc != kOk) return rc;
  int rc = kOk;
  for (const auto& f : result["failed"]) {
    print_error(f["error"].get<std::string>());
    rc = kFailed;
  }
  if (!result.contains("replies")) {
    for (const auto& label : result["delivered"]) fmt::print("sent to {}\n", label.get<std::string>());
    return rc;
  }
  // Replies alone on stdout (for jq and friends), prefixed by the instance when several were asked.
  bool prefix = result["delivered"].size() > 1;
  for (const auto& r : result["replies"]) {
    if (prefix) fmt::print("{}:{} ", r["name"].get<std::string>(), r["instance"].get<int>());
    fmt::print("{}\n", r["message"].dump());
  }
  for (const auto& label : result["missing"]) {
    print_error(fmt::format("no reply from {} within {}", label.get<std::string>(), o.wait_reply));
    rc = kFailed;
  }
  return rc;
}

}  // namespace

void add_send(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<SendOptions>();
  auto* cmd = app.add_subcommand(
      "send", "Send a JSON message to instances with a channel (--ipc): tend send NAME[:I]...|all JSON");
  // The words are taken as given, options after the first one too: CLI11 would split a message like
  // [1,2] at its commas, and read {} or [] as "no value".
  cmd->prefix_command();
  cmd->add_option("--wait-reply", o->wait_reply,
                  "Wait this long for each instance's first reply and print it");
  cmd->callback([&ctx, o, cmd] {
    auto words = cmd->remaining();
    for (size_t i = 0; i < words.size(); ++i) {
      if (words[i] == "--wait-reply" && i + 1 < words.size()) {
        o->wait_reply = words[i + 1];
        words.erase(words.begin() + long(i), words.begin() + long(i) + 2);
        --i;
      } else if (words[i].starts_with("--wait-reply=")) {
        o->wait_reply = words[i].substr(13);
        words.erase(words.begin() + long(i));
        --i;
      }
    }
    if (words.size() >= 2) {
      o->message = words.back();
      o->targets.assign(words.begin(), words.end() - 1);
    }
    ctx.action = [o] { return run_send(*o); };
  });
}

}  // namespace tend::cli
