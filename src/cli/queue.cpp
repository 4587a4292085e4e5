// tend queue set NAME ... | ls | pause NAME | resume NAME
#include <fmt/format.h>

#include "cli/cli.h"
#include "cli/job_options.h"
#include "util/units.h"

namespace tend::cli {

namespace {

using nlohmann::json;

void print_queue(const json& q) {
  std::string policy = q["policy"].get<std::string>();
  std::string detail;
  if (policy == "rr") detail = fmt::format(" quantum {}", format_ms(q["quantum_ms"].get<std::int64_t>()));
  if (policy == "mlfq")
    detail = fmt::format(" quantum {} levels {} boost {}", format_ms(q["quantum_ms"].get<std::int64_t>()),
                         q["levels"].get<int>(), format_ms(q["aging_ms"].get<std::int64_t>()));
  if (policy == "priority") detail = fmt::format(" aging {}", format_ms(q["aging_ms"].get<std::int64_t>()));
  fmt::print("{:<16} {:>5} {:<9} {:>7} {:>7} {:>9}  {}{}\n", q["name"].get<std::string>(), q["slots"].get<int>(),
             policy, q["running"].get<int>(), q["queued"].get<int>(), q["suspended"].get<int>(),
             q["paused"].get<bool>() ? "paused" : "active", detail);
}

void print_header() {
  fmt::print("{:<16} {:>5} {:<9} {:>7} {:>7} {:>9}  {}\n", "QUEUE", "SLOTS", "POLICY", "RUNNING", "QUEUED",
             "SUSPENDED", "STATE");
}

int name_call(const std::string& cmd, const std::string& name) {
  json result;
  int rc = call(cmd, {{"name", name}}, &result);
  if (rc != kOk) return rc;
  print_header();
  print_queue(result);
  return rc;
}

}  // namespace

void add_queue(CLI::App& app, Context& ctx) {
  auto* queue = app.add_subcommand("queue", "Job queues: slots and scheduling policy");
  queue->require_subcommand(1);

  struct SetOptions {
    std::string name, policy, quantum, aging;
    std::optional<int> slots, levels;
  };
  auto o = std::make_shared<SetOptions>();
  auto* cmd = queue->add_subcommand("set", "Create or change a queue (unchanged settings stay)");
  cmd->add_option("name", o->name, "Queue name")->required();
  cmd->add_option("--slots", o->slots, "Jobs running at once (default for a new queue: CPUs)")->check(CLI::Range(1, 4096));
  cmd->add_option("--policy", o->policy, "fcfs|priority|sjf|rr|mlfq (see docs/scheduling.md)");
  cmd->add_option("--quantum", o->quantum, "rr: the time slice; mlfq: the top level's slice, doubling per level");
  cmd->add_option("--levels", o->levels, "mlfq: number of levels")->check(CLI::Range(1, 16));
  cmd->add_option("--aging", o->aging, "priority: +1 per interval waited; mlfq: the boost interval; 0: off");
  cmd->callback([&ctx, o] {
    ctx.action = [o]() -> int {
      json args{{"name", o->name}};
      if (o->slots) args["slots"] = *o->slots;
      if (!o->policy.empty()) args["policy"] = o->policy;
      if (o->levels) args["levels"] = *o->levels;
      for (auto [text, key] : {std::pair{&o->quantum, "quantum_ms"}, std::pair{&o->aging, "aging_ms"}}) {
        if (text->empty()) continue;
        auto d = parse_duration(*text);
        if (!d) {
          print_error(d.error().message);
          return kUsage;
        }
        args[key] = d->count();
      }
      json result;
      int rc = call("queue-set", args, &result);
      if (rc != kOk) return rc;
      print_header();
      print_queue(result);
      return rc;
    };
  });

  auto as_json = std::make_shared<bool>(false);
  cmd = queue->add_subcommand("ls", "List queues: slots, policy, running, queued, suspended");
  cmd->add_flag("--json", *as_json, "Print a JSON array");
  cmd->callback([&ctx, as_json] {
    ctx.action = [as_json] {
      json result;
      int rc = call("queue-ls", json::object(), &result);
      if (rc != kOk) return rc;
      if (*as_json) {
        fmt::print("{}\n", result.dump());
        return rc;
      }
      print_header();
      for (const auto& q : result) print_queue(q);
      return rc;
    };
  });

  for (const char* verb : {"pause", "resume"}) {
    auto name = std::make_shared<std::string>();
    cmd = queue->add_subcommand(verb, std::string(verb) == "pause"
                                          ? "Start and resume no more jobs (running ones go on)"
                                          : "Dispatch again");
    cmd->add_option("name", *name, "Queue name")->required();
    std::string request = std::string("queue-") + verb;
    cmd->callback([&ctx, name, request] { ctx.action = [name, request] { return name_call(request, *name); }; });
  }
}

}  // namespace tend::cli
