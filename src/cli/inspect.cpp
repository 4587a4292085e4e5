// inspect: an instance's PCB (and TCBs). The daemon answers what only it knows; /proc is read here, in the
// client, so a process with a huge descriptor table never stalls the daemon.
#include <fmt/format.h>

#include "cli/cli.h"
#include "inspect/pcb.h"
#include "util/clock.h"

namespace tend::cli {
namespace {

struct InspectCliOptions {
  std::string target;
  bool json = false;
  InspectOptions inspect;
};

int run_inspect(const InspectCliOptions& o) {
  if (o.inspect.reveal && !o.inspect.env) {
    print_error("--reveal only goes with --env");
    return kUsage;
  }
  nlohmann::json facts;
  if (int rc = call("inspect", {{"target", o.target}}, &facts); rc != kOk) return rc;
  std::optional<ProcessView> view;
  if (facts["pid"].is_number_integer()) {
    std::string cgroup = facts["cgroup"].is_string() ? facts["cgroup"].get<std::string>() : "";
    view = read_process_view(facts["pid"].get<pid_t>(), cgroup, o.inspect);
    // The process may have ended (and its pid been reused) since the daemon answered.
    if (!view->stat || view->stat->starttime_ticks != facts.value("start_ticks", std::uint64_t{0})) view.reset();
  }
  auto doc = pcb_document(facts, view ? &*view : nullptr, o.inspect, wall_ms());
  if (o.json) fmt::print("{}\n", doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  else fmt::print("{}", format_pcb_text(doc));
  return kOk;
}

}  // namespace

void add_inspect(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<InspectCliOptions>();
  auto* cmd = app.add_subcommand("inspect", "Show an instance's process control block: ids, state, scheduling, "
                                            "memory, accounting, files, limits, cgroup, history");
  cmd->add_option("target", o->target, "NAME:I (or NAME of a one-instance program)")->required();
  cmd->add_flag("--json", o->json, "Print the JSON document (schema in docs/inspect.md)");
  cmd->add_flag("--threads", o->inspect.threads, "Add the thread control block of every thread");
  cmd->add_flag("--env", o->inspect.env, "Add the environment it started with (secret-looking values masked)");
  cmd->add_flag("--reveal", o->inspect.reveal, "With --env: show secret-looking values too");
  cmd->callback([&ctx, o] { ctx.action = [o] { return run_inspect(*o); }; });
}

}  // namespace tend::cli
