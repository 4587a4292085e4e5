// tend job submit [options] [--wait] [--lines] -- CMD [ARGS...]
#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "cli/job_cli.h"
#include "cli/job_options.h"
#include "config/shell_words.h"

namespace tend::cli {

namespace {

struct SubmitOptions {
  JobOptions job;
  bool wait = false, lines = false;
};

// A request stays well under the protocol's 1 MiB per message.
constexpr std::size_t kChunkBytes = 512 * 1024;
constexpr std::size_t kChunkCommands = 5000;

/// The commands of `--lines`: one job per non-blank line of stdin. With CMD, the line is its last argument
/// (as `xargs -d '\n' -n1`); else the line is the command, split into words as a shell would (no shell runs)
/// or, with --shell, run by /bin/sh -c.
Result<std::vector<nlohmann::json>> read_lines(const SubmitOptions& o, const std::vector<std::string>& command) {
  if (o.job.shell && !command.empty())
    return Error{EINVAL, "--lines with --shell runs each line by /bin/sh -c: give no command after --"};
  std::vector<nlohmann::json> out;
  std::string line;
  int number = 0;
  while (std::getline(std::cin, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (!command.empty()) {
      std::vector<std::string> argv = command;
      argv.push_back(line);
      out.emplace_back(std::move(argv));
    } else if (o.job.shell) {
      out.emplace_back(line);
    } else {
      auto words = split_shell_words(line);
      if (!words) return Error{EINVAL, fmt::format("stdin line {}: {}", number, words.error().message)};
      out.emplace_back(words->words);
    }
  }
  return out;
}

int submit_jobs(const SubmitOptions& o, const std::vector<std::string>& command) {
  if (!o.lines && command.empty()) {
    print_error("no command: tend job submit [options] -- CMD [ARGS...], or --lines to read commands from stdin");
    return kUsage;
  }
  auto spec = to_job_spec(o.job, o.lines ? std::vector<std::string>{} : command);
  if (!spec) {
    print_error(spec.error().message);
    return kUsage;
  }
  std::vector<std::vector<nlohmann::json>> chunks;
  if (o.lines) {
    auto commands = read_lines(o, command);
    if (!commands) {
      print_error(commands.error().message);
      return kUsage;
    }
    if (commands->empty()) {
      print_error("--lines: no command on stdin");
      return kUsage;
    }
    std::size_t bytes = 0;
    chunks.emplace_back();
    for (auto& c : *commands) {
      std::size_t size = c.dump().size() + 1;
      if (!chunks.back().empty() && (bytes + size > kChunkBytes || chunks.back().size() >= kChunkCommands)) {
        chunks.emplace_back();
        bytes = 0;
      }
      bytes += size;
      chunks.back().push_back(std::move(c));
    }
  }
  auto client = connect_or_start();
  if (!client) {
    print_error(client.error().message);
    return kUnreachable;
  }
  std::vector<std::int64_t> ids;
  auto send = [&](nlohmann::json args) -> int {
    nlohmann::json result;
    if (int rc = call_on(*client, "job-submit", std::move(args), &result); rc != kOk) return rc;
    std::string text;
    for (const auto& id : result["ids"]) {
      ids.push_back(id.get<std::int64_t>());
      text += std::to_string(ids.back()) + "\n";
    }
    fwrite(text.data(), 1, text.size(), stdout);
    return kOk;
  };
  if (chunks.empty()) {
    if (int rc = send({{"spec", *spec}}); rc != kOk) return rc;
  } else {
    for (auto& chunk : chunks)
      if (int rc = send({{"spec", *spec}, {"commands", std::move(chunk)}}); rc != kOk) return rc;
  }
  if (!o.wait) return kOk;
  fflush(stdout);
  nlohmann::json jobs;
  int rc = wait_for_jobs(*client, ids, "", false, &jobs);
  if (rc == kUnreachable) return rc;
  // The exit status of the first job (in id order) that did not end done: a single job's own status.
  for (const auto& j : jobs)
    if (j["state"] != "done") return j["exit_status"].get<int>();
  return kOk;
}

}  // namespace

void add_job_submit(CLI::App& job, Context& ctx) {
  auto o = std::make_shared<SubmitOptions>();
  auto* cmd = job.add_subcommand("submit", "Queue a job (-- CMD ARGS...) and print its id");
  add_job_options(cmd, o->job, true);
  cmd->add_flag("--wait", o->wait, "Wait until it ends and exit with its exit status");
  cmd->add_flag("--lines", o->lines, "Queue one job per line of stdin (with -- CMD: the line is its last argument)");
  cmd->callback([&ctx, o] {
    ctx.takes_command = true;
    ctx.action = [&ctx, o] { return submit_jobs(*o, ctx.command_after_dashdash); };
  });
}

}  // namespace tend::cli
