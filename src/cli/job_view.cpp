// tend job ls | show | stats | prune
#include <fmt/format.h>

#include "cli/job_cli.h"
#include "cli/job_options.h"
#include "util/units.h"

namespace tend::cli {

namespace {

using nlohmann::json;

std::string command_text(const json& j) {
  if (j.value("shell", false)) return j["command"][0].get<std::string>();
  std::string out;
  for (const auto& w : j["command"]) out += (out.empty() ? "" : " ") + w.get<std::string>();
  return out;
}

std::string exit_text(const json& j) {
  if (!j["exit_signal"].is_null()) return j["exit_signal"].get<std::string>();
  if (!j["exit_code"].is_null()) return std::to_string(j["exit_code"].get<int>());
  return "-";
}

std::string ms_or_dash(const json& v) { return v.is_null() ? "-" : format_ms(v.get<std::int64_t>()); }

void print_jobs(const json& jobs) {
  if (jobs.empty()) {
    fmt::print("no jobs (queue one with: tend job submit -- CMD [ARGS...])\n");
    return;
  }
  constexpr auto kRow = "{:>6} {:<9} {:<12} {:>4} {:>3} {:>5} {:>8} {:>8}  {}\n";
  fmt::print(kRow, "ID", "STATE", "QUEUE", "PRI", "ATT", "EXIT", "WAIT", "RUN", "COMMAND");
  for (const auto& j : jobs) {
    std::string what = command_text(j);
    if (!j["name"].is_null()) what = j["name"].get<std::string>() + ": " + what;
    fmt::print(kRow, j["id"].get<std::int64_t>(), j["state"].get<std::string>(), j["queue"].get<std::string>(),
               j["priority"].get<int>(), j["attempts"].get<int>(), exit_text(j), ms_or_dash(j["wait_ms"]),
               ms_or_dash(j["run_ms"]), what);
  }
}

void print_job(const json& j) {
  auto line = [](std::string_view key, const std::string& value) { fmt::print("{:<13} {}\n", key, value); };
  line("id", std::to_string(j["id"].get<std::int64_t>()));
  if (!j["name"].is_null()) line("name", j["name"].get<std::string>());
  line("command", command_text(j) + (j.value("shell", false) ? "  (sh -c)" : ""));
  line("cwd", j["cwd"].get<std::string>());
  line("queue", j["queue"].get<std::string>());
  line("state", j["state"].get<std::string>() + (j["reason"].is_null() ? "" : " (" + j["reason"].get<std::string>() + ")"));
  line("exit", exit_text(j));
  line("priority", std::to_string(j["priority"].get<int>()));
  if (!j["expected_ms"].is_null()) line("expected run", format_ms(j["expected_ms"].get<std::int64_t>()));
  if (!j["timeout_ms"].is_null()) line("timeout", format_ms(j["timeout_ms"].get<std::int64_t>()));
  line("attempts", fmt::format("{} (retries allowed: {})", j["attempts"].get<int>(), j["retries"].get<int>()));
  if (!j["after"].empty()) line("after", j["after"].dump());
  if (!j["pid"].is_null()) line("pid", std::to_string(j["pid"].get<int>()) + (j.value("adopted", false) ? " (adopted)" : ""));
  if (j["level"].get<int>() > 0) line("mlfq level", std::to_string(j["level"].get<int>()));
  if (!j["schedule"].is_null()) line("schedule", j["schedule"].get<std::string>());
  line("submitted", local_time(j["submit_time"]));
  line("started", local_time(j["start_time"]));
  line("ended", local_time(j["end_time"]));
  line("wait", ms_or_dash(j["wait_ms"]));
  line("response", ms_or_dash(j["response_ms"]));
  line("turnaround", ms_or_dash(j["turnaround_ms"]));
  line("run", ms_or_dash(j["run_ms"]));
  line("stdout", j["out_log"].get<std::string>());
  line("stderr", j["err_log"].get<std::string>());
  for (const auto& a : j["attempt_history"]) {
    std::string exit = !a["exit_signal"].is_null() ? a["exit_signal"].get<std::string>()
                       : !a["exit_code"].is_null() ? fmt::format("exit {}", a["exit_code"].get<int>())
                                                   : std::string("-");
    line(fmt::format("attempt {}", a["attempt"].get<int>()),
         fmt::format("{} {} after {}, {}{}", local_time(a["start_time"]), a["outcome"].get<std::string>(),
                     format_ms(a["run_ms"].get<std::int64_t>()), exit,
                     a["reason"].is_null() || a["reason"] == exit ? "" : " (" + a["reason"].get<std::string>() + ")"));
  }
}

void print_stats(const json& all) {
  for (const auto& s : all) {
    const auto& jobs = s["jobs"];
    fmt::print("queue {} ({}, {} slot{}): {} queued, {} running, {} suspended, {} done, {} failed, {} cancelled, "
               "{} timeout\n",
               s["queue"].get<std::string>(), s["policy"].get<std::string>(), s["slots"].get<int>(),
               s["slots"].get<int>() == 1 ? "" : "s", jobs["queued"].get<int>(), jobs["running"].get<int>(),
               jobs["suspended"].get<int>(), jobs["done"].get<int>(), jobs["failed"].get<int>(),
               jobs["cancelled"].get<int>(), jobs["timeout"].get<int>());
    if (s["measured"].get<std::size_t>() == 0) {
      fmt::print("  no job has run to its end yet\n");
      continue;
    }
    fmt::print("  {} jobs over {}: throughput {:.2f} jobs/s, slot utilisation {:.0f}%\n",
               s["measured"].get<std::size_t>(), format_ms(s["span_ms"].get<std::int64_t>()),
               s["throughput_per_s"].get<double>(), 100 * s["slot_utilisation"].get<double>());
    fmt::print("  {:<12} {:>10} {:>10}\n", "", "mean", "p95");
    for (const char* key : {"wait_ms", "response_ms", "turnaround_ms", "run_ms"}) {
      std::string label(key, std::string_view(key).find("_ms"));
      fmt::print("  {:<12} {:>10} {:>10}\n", label, format_ms(std::int64_t(s[key]["mean"].get<double>() + 0.5)),
                 format_ms(s[key]["p95"].get<std::int64_t>()));
    }
  }
}

}  // namespace

void add_job_view(CLI::App& job, Context& ctx) {
  struct LsOptions {
    std::string queue, state;
    bool json = false;
  };
  auto ls = std::make_shared<LsOptions>();
  auto* cmd = job.add_subcommand("ls", "List jobs: state, queue, priority, attempts, exit, wait and run time");
  cmd->add_option("--queue", ls->queue, "Only this queue");
  cmd->add_option("--state", ls->state, "Only this state (queued, running, suspended, done, failed, ...)");
  cmd->add_flag("--json", ls->json, "Print a JSON array (keys in README)");
  cmd->callback([&ctx, ls] {
    ctx.action = [ls] {
      json args = json::object();
      if (!ls->queue.empty()) args["queue"] = ls->queue;
      if (!ls->state.empty()) args["state"] = ls->state;
      json result;
      int rc = call("job-ls", args, &result);
      if (rc != kOk) return rc;
      if (ls->json) fmt::print("{}\n", result.dump());
      else print_jobs(result);
      return rc;
    };
  });

  struct ShowOptions {
    std::int64_t id = 0;
    bool json = false;
  };
  auto show = std::make_shared<ShowOptions>();
  cmd = job.add_subcommand("show", "Everything about a job: command, state, times, metrics, attempts, logs");
  cmd->add_option("id", show->id, "Job id")->required();
  cmd->add_flag("--json", show->json, "Print a JSON object");
  cmd->callback([&ctx, show] {
    ctx.action = [show] {
      json result;
      int rc = call("job-show", {{"id", show->id}}, &result);
      if (rc != kOk) return rc;
      if (show->json) fmt::print("{}\n", result.dump());
      else print_job(result);
      return rc;
    };
  });

  struct StatsOptions {
    std::string queue, window;
    bool json = false;
  };
  auto stats = std::make_shared<StatsOptions>();
  cmd = job.add_subcommand("stats", "Per queue: throughput, slot utilisation, mean and p95 wait/response/turnaround/run");
  cmd->add_option("--queue", stats->queue, "Only this queue");
  cmd->add_option("--window", stats->window, "Only jobs that ended within this long (default: the whole history)");
  cmd->add_flag("--json", stats->json, "Print a JSON array");
  cmd->callback([&ctx, stats] {
    ctx.action = [stats]() -> int {
      json args = json::object();
      if (!stats->queue.empty()) args["queue"] = stats->queue;
      if (!stats->window.empty()) {
        auto d = parse_duration(stats->window);
        if (!d) {
          print_error(d.error().message);
          return kUsage;
        }
        args["window_ms"] = d->count();
      }
      json result;
      int rc = call("job-stats", args, &result);
      if (rc != kOk) return rc;
      if (stats->json) fmt::print("{}\n", result.dump());
      else print_stats(result);
      return rc;
    };
  });

  struct PruneOptions {
    std::string older_than;
    std::optional<std::int64_t> keep;
  };
  auto prune = std::make_shared<PruneOptions>();
  cmd = job.add_subcommand("prune", "Forget ended jobs (history rows and log files)");
  cmd->add_option("--older-than", prune->older_than, "Jobs that ended longer ago than this");
  cmd->add_option("--keep", prune->keep, "Keep only the newest N ended jobs")->check(CLI::NonNegativeNumber);
  cmd->callback([&ctx, prune] {
    ctx.action = [prune]() -> int {
      json args = json::object();
      if (!prune->older_than.empty()) {
        auto d = parse_duration(prune->older_than);
        if (!d) {
          print_error(d.error().message);
          return kUsage;
        }
        args["older_than_ms"] = d->count();
      }
      if (prune->keep) args["keep"] = *prune->keep;
      if (args.empty()) {
        print_error("give --older-than DUR and/or --keep N");
        return kUsage;
      }
      json result;
      int rc = call("job-prune", args, &result);
      if (rc == kOk) fmt::print("pruned {} job{}\n", result["pruned"].get<std::size_t>(), result["pruned"] == 1 ? "" : "s");
      return rc;
    };
  });
}

}  // namespace tend::cli
