#include "cli/job_options.h"

#include <unistd.h>

#include <charconv>
#include <ctime>

#include <fmt/format.h>

#include "cli/cli.h"
#include "util/signals.h"
#include "util/units.h"

namespace tend::cli {

void add_job_options(CLI::App* cmd, JobOptions& o, bool with_after) {
  cmd->add_option("--queue", o.queue, "Queue to run in (created with the defaults on first use)");
  cmd->add_option("--priority", o.priority, "Larger runs first in a priority queue (-1000..1000)");
  cmd->add_option("--estimate", o.estimate, "Expected run time, for sjf (else predicted from past runs)");
  cmd->add_option("--timeout", o.timeout, "Stop an attempt after it has run this long");
  cmd->add_option("--retries", o.retries, "Further attempts after a failed one, with backoff")->check(CLI::Range(0, 1000));
  cmd->add_option("--name", o.name, "A label shown by job ls");
  cmd->add_option("--cwd", o.cwd, "Working directory (default: the current one)");
  cmd->add_option("--env", o.env, "K=V added to the captured environment (repeatable)");
  cmd->add_flag("--shell", o.shell, "CMD is one string run by /bin/sh -c");
  cmd->add_option("--stop-signal", o.stop_signal, "Signal cancel and timeout send first");
  cmd->add_option("--kill-timeout", o.kill_timeout, "Wait after the stop signal before SIGKILL");
  if (with_after) cmd->add_option("--after", o.after, "ID[,ID...]: hold the job until these jobs are done");
}

Result<nlohmann::json> to_job_spec(const JobOptions& o, const std::vector<std::string>& command) {
  nlohmann::json spec{{"queue", o.queue}, {"priority", o.priority}, {"retries", o.retries}, {"shell", o.shell}};
  if (!o.name.empty()) spec["name"] = o.name;
  if (!command.empty()) {
    if (o.shell && command.size() > 1) return Error{EINVAL, "--shell takes the command as one string: -- 'CMD ARGS'"};
    spec["command"] = command;
  }
  std::string cwd = o.cwd;
  if (cwd.empty()) {
    char buf[4096];
    if (::getcwd(buf, sizeof buf)) cwd = buf;
  } else if (cwd[0] != '/') {
    char buf[4096];
    if (::getcwd(buf, sizeof buf)) cwd = std::string(buf) + "/" + cwd;
  }
  spec["cwd"] = cwd;
  for (auto [text, key] : {std::pair{&o.estimate, "estimate_ms"}, std::pair{&o.timeout, "timeout_ms"},
                           std::pair{&o.kill_timeout, "kill_timeout_ms"}}) {
    if (text->empty()) continue;
    auto d = parse_duration(*text);
    if (!d) return d.error();
    spec[key] = d->count();
  }
  auto sig = parse_signal(o.stop_signal);
  if (!sig) return sig.error();
  spec["stop_signal"] = signal_name(*sig);
  nlohmann::json after = nlohmann::json::array();
  for (const auto& item : o.after) {
    size_t start = 0;
    while (start <= item.size()) {
      size_t comma = item.find(',', start);
      std::string_view word(item.data() + start, (comma == std::string::npos ? item.size() : comma) - start);
      std::int64_t id = 0;
      auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), id);
      if (ec != std::errc() || end != word.data() + word.size() || word.empty() || id < 1)
        return Error{EINVAL, fmt::format("invalid --after '{}': expected job ids like 3,4", item)};
      after.push_back(id);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  spec["after"] = after;
  auto env = captured_environment();
  env.erase("TEND_HOME");
  for (const auto& kv : o.env) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) return Error{EINVAL, fmt::format("invalid --env '{}': expected K=V", kv)};
    env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  spec["env"] = env;
  return spec;
}

std::string format_ms(std::int64_t ms) {
  if (ms < 1000) return fmt::format("{}ms", ms);
  if (ms < 60'000) return fmt::format("{:.1f}s", double(ms) / 1000);
  return format_uptime(Millis(ms));
}

std::string local_time(const nlohmann::json& t) {
  if (!t.is_string()) return "-";
  std::tm utc{};
  std::string text = t.get<std::string>();
  if (!strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &utc)) return text;
  std::time_t epoch = timegm(&utc);
  std::tm local{};
  localtime_r(&epoch, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
  return buf;
}

}  // namespace tend::cli
