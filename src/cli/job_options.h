#pragma once
// What `tend job submit` and `tend schedule add` share: the job options, and how the job CLI prints times.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace tend::cli {

/// The raw values of the job options; to_job_spec() checks them.
struct JobOptions {
  std::string queue = "default", name, cwd, estimate, timeout, stop_signal = "TERM", kill_timeout = "10s";
  int priority = 0, retries = 0;
  std::vector<std::string> env;
  std::vector<std::string> after;  // ids, each possibly "3,4"
  bool shell = false;
};

/// Adds --queue --priority --estimate --timeout --retries --name --cwd --env --shell --stop-signal
/// --kill-timeout (and --after when with_after).
void add_job_options(CLI::App* cmd, JobOptions& o, bool with_after);

/// The protocol's job spec (with the client's environment plus --env), command left to the caller when
/// empty. EINVAL with a message for bad values.
Result<nlohmann::json> to_job_spec(const JobOptions& o, const std::vector<std::string>& command);

/// "350ms", "12.3s", "4m05s": a figure for people.
std::string format_ms(std::int64_t ms);
/// An RFC 3339 UTC time from the daemon, shown in local time ("2026-11-22 03:16:29"); "-" for null.
std::string local_time(const nlohmann::json& rfc3339);

}  // namespace tend::cli
