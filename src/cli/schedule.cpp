// tend schedule add NAME --cron EXPR [--no-overlap] [job options] -- CMD | ls | rm NAME | run NAME
#include <fmt/format.h>

#include "cli/cli.h"
#include "cli/job_options.h"

namespace tend::cli {

namespace {

using nlohmann::json;

std::string command_text(const json& s) {
  if (s.value("shell", false)) return s["command"][0].get<std::string>();
  std::string out;
  for (const auto& w : s["command"]) out += (out.empty() ? "" : " ") + w.get<std::string>();
  return out;
}

void print_schedules(const json& all) {
  if (all.empty()) {
    fmt::print("no schedules (add one with: tend schedule add NAME --cron EXPR -- CMD [ARGS...])\n");
    return;
  }
  constexpr auto kRow = "{:<16} {:<16} {:<19} {:<10} {:>6} {:>6}  {}\n";
  fmt::print(kRow, "NAME", "CRON", "NEXT", "QUEUE", "FIRED", "SKIP", "COMMAND");
  for (const auto& s : all)
    fmt::print(kRow, s["name"].get<std::string>(), s["cron"].get<std::string>(), local_time(s["next_time"]),
               s["queue"].get<std::string>(), s["fired"].get<std::int64_t>(), s["skipped"].get<std::int64_t>(),
               command_text(s) + (s["no_overlap"].get<bool>() ? "  (no overlap)" : ""));
}

}  // namespace

void add_schedule(CLI::App& app, Context& ctx) {
  auto* schedule = app.add_subcommand("schedule", "Cron schedules that submit jobs");
  schedule->require_subcommand(1);

  struct AddOptions {
    std::string name, cron;
    bool no_overlap = false;
    JobOptions job;
  };
  auto o = std::make_shared<AddOptions>();
  auto* cmd = schedule->add_subcommand("add", "Submit a job (-- CMD ARGS...) at each time a cron expression names");
  cmd->add_option("name", o->name, "Schedule name")->required();
  cmd->add_option("--cron", o->cron, "5 fields (min hour dom month dow, local time), 6 with seconds, or @daily...")
      ->required();
  cmd->add_flag("--no-overlap", o->no_overlap, "Skip a firing while the previous job of this schedule has not ended");
  add_job_options(cmd, o->job, false);
  cmd->callback([&ctx, o] {
    ctx.takes_command = true;
    ctx.action = [&ctx, o]() -> int {
      if (ctx.command_after_dashdash.empty()) {
        print_error("no command: tend schedule add NAME --cron EXPR [options] -- CMD [ARGS...]");
        return kUsage;
      }
      auto spec = to_job_spec(o->job, ctx.command_after_dashdash);
      if (!spec) {
        print_error(spec.error().message);
        return kUsage;
      }
      json result;
      int rc = call("schedule-add", {{"name", o->name}, {"cron", o->cron}, {"no_overlap", o->no_overlap}, {"spec", *spec}},
                    &result);
      if (rc == kOk) fmt::print("schedule {}: next at {}\n", o->name, local_time(result["next_time"]));
      return rc;
    };
  });

  auto as_json = std::make_shared<bool>(false);
  cmd = schedule->add_subcommand("ls", "List schedules with their next firing");
  cmd->add_flag("--json", *as_json, "Print a JSON array");
  cmd->callback([&ctx, as_json] {
    ctx.action = [as_json] {
      json result;
      int rc = call("schedule-ls", json::object(), &result);
      if (rc != kOk) return rc;
      if (*as_json) fmt::print("{}\n", result.dump());
      else print_schedules(result);
      return rc;
    };
  });

  auto rm_name = std::make_shared<std::string>();
  cmd = schedule->add_subcommand("rm", "Remove a schedule (its jobs stay)");
  cmd->add_option("name", *rm_name, "Schedule name")->required();
  cmd->callback([&ctx, rm_name] {
    ctx.action = [rm_name] {
      json result;
      int rc = call("schedule-rm", {{"name", *rm_name}}, &result);
      if (rc == kOk) fmt::print("removed schedule {}\n", *rm_name);
      return rc;
    };
  });

  auto run_name = std::make_shared<std::string>();
  cmd = schedule->add_subcommand("run", "Fire a schedule now (--no-overlap still applies); prints the job id");
  cmd->add_option("name", *run_name, "Schedule name")->required();
  cmd->callback([&ctx, run_name] {
    ctx.action = [run_name]() -> int {
      json result;
      int rc = call("schedule-run", {{"name", *run_name}}, &result);
      if (rc != kOk) return rc;
      if (result["job"].is_null()) {
        print_error(fmt::format("skipped: {}", result["skipped"].get<std::string>()));
        return kFailed;
      }
      fmt::print("{}\n", result["job"].get<std::int64_t>());
      return rc;
    };
  });
}

}  // namespace tend::cli
