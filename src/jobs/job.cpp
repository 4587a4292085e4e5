#include "jobs/job.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace tend::jobs {

std::vector<std::string> JobSpec::argv() const {
  if (shell) return {"/bin/sh", "-c", command.empty() ? std::string() : command[0]};
  return command;
}

std::string JobSpec::command_key() const {
  nlohmann::json key = shell ? nlohmann::json(command.empty() ? std::string() : command[0]) : nlohmann::json(command);
  return key.dump();
}

Status JobSpec::validate() const {
  auto bad = [](std::string_view field, std::string why) {
    return Error{EINVAL, fmt::format("invalid {}: {}", field, why)};
  };
  if (command.empty() || command[0].empty()) return bad("command", "it is empty");
  if (shell && command.size() != 1) return bad("command", "--shell takes the command as one string");
  if (name.size() > 128) return bad("name", "longer than 128 bytes");
  if (priority < -1000 || priority > 1000) return bad("priority", fmt::format("{} (-1000..1000)", priority));
  if (retries < 0 || retries > 1000) return bad("retries", fmt::format("{} (0..1000)", retries));
  if (timeout && timeout->count() <= 0) return bad("timeout", "must be positive");
  if (estimate && estimate->count() < 0) return bad("estimate", "must not be negative");
  if (stop_signal < 1 || stop_signal > SIGRTMAX) return bad("stop-signal", std::to_string(stop_signal));
  if (!cwd.empty() && cwd[0] != '/') return bad("cwd", fmt::format("'{}' is not an absolute path", cwd));
  return {};
}

Millis Job::run_time(MonoTime now) const {
  if (state != JobState::running || pid <= 0) return run;
  return run + std::chrono::duration_cast<Millis>(now - slice_start);
}

std::optional<std::int64_t> Job::response_ms() const {
  if (!start_ms) return std::nullopt;
  return std::max<std::int64_t>(0, *start_ms - submit_ms);
}

std::optional<std::int64_t> Job::turnaround_ms() const {
  if (!end_ms) return std::nullopt;
  return std::max<std::int64_t>(0, *end_ms - submit_ms);
}

std::int64_t Job::wait_ms(MonoTime now, std::int64_t now_wall_ms) const {
  std::int64_t span = (end_ms ? *end_ms : now_wall_ms) - submit_ms;
  return std::max<std::int64_t>(0, span - run_time(now).count());
}

int job_exit_status(const Job& job) {
  switch (job.state) {
    case JobState::done: return 0;
    case JobState::timeout: return 124;
    case JobState::failed:
      if (job.exit_signal) return 128 + *job.exit_signal;
      if (job.exit_code && *job.exit_code > 0) return *job.exit_code;
      return 1;
    default: return 1;
  }
}

}  // namespace tend::jobs
