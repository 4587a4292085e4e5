#include "jobs/job_json.h"

#include <fmt/format.h>

#include <set>

#include "util/signals.h"

namespace tend::jobs {
namespace {

using nlohmann::json;

json opt(std::optional<std::int64_t> v) { return v ? json(*v) : json(nullptr); }
json opt_ms(std::optional<Millis> v) { return v ? json(v->count()) : json(nullptr); }

json summary_json(const Summary& s) { return {{"mean", s.mean}, {"p95", s.p95}}; }

Error bad(std::string_view what, std::string_view why) {
  return Error{EINVAL, fmt::format("invalid {}: {}", what, why)};
}

}  // namespace

json time_or_null(std::optional<std::int64_t> wall_ms) {
  return wall_ms ? json(format_rfc3339_ms(*wall_ms)) : json(nullptr);
}

json spec_to_json(const JobSpec& s) {
  return {{"name", s.name},
          {"command", s.command},
          {"shell", s.shell},
          {"cwd", s.cwd},
          {"queue", s.queue},
          {"priority", s.priority},
          {"estimate_ms", opt_ms(s.estimate)},
          {"timeout_ms", opt_ms(s.timeout)},
          {"retries", s.retries},
          {"stop_signal", signal_name(s.stop_signal)},
          {"kill_timeout_ms", s.kill_timeout.count()},
          {"after", s.after},
          {"schedule", s.schedule}};
}

Result<JobSpec> spec_from_json(const json& j) {
  if (!j.is_object()) return bad("job", "expected an object");
  static const std::set<std::string> kKeys{"name",    "command",     "shell",      "cwd",   "queue",
                                           "priority", "estimate_ms", "timeout_ms", "retries", "stop_signal",
                                           "kill_timeout_ms", "after", "schedule", "env"};
  for (const auto& [key, value] : j.items())
    if (!kKeys.count(key)) return bad("job", fmt::format("unknown key '{}'", key));
  JobSpec s;
  try {
    auto get = [&](const char* key, auto& out) {
      if (j.contains(key) && !j.at(key).is_null()) j.at(key).get_to(out);
    };
    auto get_ms = [&](const char* key, std::optional<Millis>& out) {
      if (j.contains(key) && !j.at(key).is_null()) out = Millis(j.at(key).get<std::int64_t>());
    };
    get("name", s.name);
    get("command", s.command);
    get("shell", s.shell);
    get("cwd", s.cwd);
    get("queue", s.queue);
    get("priority", s.priority);
    get_ms("estimate_ms", s.estimate);
    get_ms("timeout_ms", s.timeout);
    get("retries", s.retries);
    if (j.contains("stop_signal") && !j.at("stop_signal").is_null()) {
      const auto& sig = j.at("stop_signal");
      auto parsed = sig.is_number_integer() ? Result<int>(sig.get<int>()) : parse_signal(sig.get<std::string>());
      if (!parsed) return parsed.error();
      s.stop_signal = *parsed;
    }
    if (j.contains("kill_timeout_ms")) s.kill_timeout = Millis(j.at("kill_timeout_ms").get<std::int64_t>());
    get("after", s.after);
    get("schedule", s.schedule);
  } catch (const json::exception& e) {
    return bad("job", e.what());
  }
  if (s.kill_timeout.count() < 0) return bad("kill-timeout", "must not be negative");
  return s;
}

json job_to_json(const Job& job, MonoTime now, std::int64_t now_wall, const std::string& out_log,
                 const std::string& err_log) {
  bool live = job.pid > 0;
  return {{"id", job.id},
          {"name", job.spec.name.empty() ? json(nullptr) : json(job.spec.name)},
          {"queue", job.spec.queue},
          {"state", job_state_name(job.state)},
          {"reason", job.reason.empty() ? json(nullptr) : json(job.reason)},
          {"command", job.spec.command},
          {"shell", job.spec.shell},
          {"cwd", job.spec.cwd},
          {"priority", job.spec.priority},
          {"estimate_ms", opt_ms(job.spec.estimate)},
          {"expected_ms", job.expected.count() > 0 ? json(job.expected.count()) : json(nullptr)},
          {"timeout_ms", opt_ms(job.spec.timeout)},
          {"retries", job.spec.retries},
          {"attempts", job.attempts},
          {"exit_code", job.exit_code ? json(*job.exit_code) : json(nullptr)},
          {"exit_signal", job.exit_signal ? json(signal_name(*job.exit_signal)) : json(nullptr)},
          {"submit_time", time_or_null(job.submit_ms)},
          {"start_time", time_or_null(job.start_ms)},
          {"end_time", time_or_null(job.end_ms)},
          {"wait_ms", job.wait_ms(now, now_wall)},
          {"response_ms", opt(job.response_ms())},
          {"turnaround_ms", opt(job.turnaround_ms())},
          {"run_ms", job.run_time(now).count()},
          {"after", job.spec.after},
          {"pid", live ? json(job.pid) : json(nullptr)},
          {"level", job.level},
          {"adopted", job.adopted},
          {"schedule", job.spec.schedule.empty() ? json(nullptr) : json(job.spec.schedule)},
          {"out_log", out_log},
          {"err_log", err_log}};
}

json attempt_to_json(const Attempt& a) {
  return {{"attempt", a.number},
          {"start_time", time_or_null(a.start_ms)},
          {"end_time", time_or_null(a.end_ms)},
          {"run_ms", a.run.count()},
          {"exit_code", a.exit_code ? json(*a.exit_code) : json(nullptr)},
          {"exit_signal", a.exit_signal ? json(signal_name(*a.exit_signal)) : json(nullptr)},
          {"outcome", a.outcome},
          {"reason", a.reason.empty() ? json(nullptr) : json(a.reason)}};
}

json queue_to_json(const QueueConfig& c) {
  return {{"name", c.name},
          {"slots", c.slots},
          {"policy", policy_name(c.policy)},
          {"quantum_ms", c.quantum.count()},
          {"levels", c.levels},
          {"aging_ms", c.aging.count()},
          {"paused", c.paused}};
}

Result<QueueConfig> queue_from_json(const json& j, QueueConfig c) {
  if (!j.is_object()) return bad("queue", "expected an object");
  try {
    if (j.contains("name")) c.name = j.at("name").get<std::string>();
    if (j.contains("slots") && !j.at("slots").is_null()) c.slots = j.at("slots").get<int>();
    if (j.contains("policy") && !j.at("policy").is_null()) {
      auto p = parse_policy(j.at("policy").get<std::string>());
      if (!p) return p.error();
      c.policy = *p;
    }
    if (j.contains("quantum_ms") && !j.at("quantum_ms").is_null()) c.quantum = Millis(j.at("quantum_ms").get<std::int64_t>());
    if (j.contains("levels") && !j.at("levels").is_null()) c.levels = j.at("levels").get<int>();
    if (j.contains("aging_ms") && !j.at("aging_ms").is_null()) c.aging = Millis(j.at("aging_ms").get<std::int64_t>());
    if (j.contains("paused") && !j.at("paused").is_null()) c.paused = j.at("paused").get<bool>();
  } catch (const json::exception& e) {
    return bad("queue", e.what());
  }
  if (auto st = c.validate(); !st) return st.error();
  return c;
}

json stats_to_json(const QueueStats& st) {
  json states = json::object();
  for (size_t i = 0; i < st.states.size(); ++i) states[std::string(job_state_name(JobState(i)))] = st.states[i];
  return {{"queue", st.config.name},
          {"policy", policy_name(st.config.policy)},
          {"slots", st.config.slots},
          {"jobs", states},
          {"measured", st.measured},
          {"span_ms", st.span_ms},
          {"throughput_per_s", st.throughput},
          {"slot_utilisation", st.utilisation},
          {"wait_ms", summary_json(st.wait)},
          {"response_ms", summary_json(st.response)},
          {"turnaround_ms", summary_json(st.turnaround)},
          {"run_ms", summary_json(st.run)}};
}

}  // namespace tend::jobs
