// tree: every managed instance with its descendants, as pstree -p draws them, then the orphans that were
// re-parented to the daemon (it is their subreaper) and, when known, the instance they came from.
#include <langinfo.h>

#include <clocale>
#include <cstring>

#include <fmt/format.h>

#include "cli/cli.h"
#include "inspect/process_tree.h"
#include "proc/proc_scan.h"
#include "proc/proc_tasks.h"

namespace tend::cli {
namespace {

struct TreeOptions {
  std::vector<std::string> targets;
  bool ascii = false, no_threads = false;
};

std::vector<std::pair<pid_t, std::string>> threads_of(pid_t pid) {
  std::vector<std::pair<pid_t, std::string>> out;
  if (auto tasks = read_proc_tasks(pid))
    for (const auto& t : *tasks) out.emplace_back(t.tid, t.name);
  return out;
}

bool utf8_terminal() {
  std::setlocale(LC_CTYPE, "");
  return std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

int run_tree(const TreeOptions& o) {
  nlohmann::json result;
  if (int rc = call("tree", {{"targets", o.targets}}, &result); rc != kOk) return rc;
  auto processes = scan_processes();
  if (!processes) {
    print_error(processes.error().message);
    return kFailed;
  }
  TreeGlyphs glyphs = o.ascii || !utf8_terminal() ? ascii_glyphs() : unicode_glyphs();
  ThreadLister lister = o.no_threads ? ThreadLister() : ThreadLister(threads_of);
  std::vector<std::string> programs;
  for (const auto& inst : result["instances"]) {
    std::string name = inst["name"].get<std::string>();
    if (std::find(programs.begin(), programs.end(), name) == programs.end()) programs.push_back(name);
    std::string label = fmt::format("{}:{}", name, inst["instance"].get<int>());
    std::string state = inst["state"].get<std::string>();
    if (inst["pid"].is_null()) {
      fmt::print("{} {} (no process)\n", label, state);
      continue;
    }
    auto tree = build_tree(inst["pid"].get<pid_t>(), *processes, lister);
    if (!tree) {
      fmt::print("{} {} (pid {} has just exited)\n", label, state, inst["pid"].get<int>());
      continue;
    }
    fmt::print("{} {}\n{}", label, state, draw_tree(*tree, glyphs));
  }
  // With names given, only the orphans that came from those programs.
  bool filtered = !o.targets.empty();
  std::string orphans;
  for (const auto& orphan : result["orphans"]) {
    std::string from = orphan["from"].is_string() ? orphan["from"].get<std::string>() : "";
    if (filtered && std::find(programs.begin(), programs.end(), from.substr(0, from.rfind(':'))) == programs.end())
      continue;
    auto tree = build_tree(orphan["pid"].get<pid_t>(), *processes, lister);
    if (!tree) continue;  // reaped meanwhile
    tree->note += from.empty() ? " [orphan, origin unknown]" : " [orphan of " + from + "]";
    orphans += draw_tree(*tree, glyphs);
  }
  if (!orphans.empty())
    fmt::print("re-parented to tend (pid {}):\n{}", result["daemon_pid"].get<int>(), orphans);
  return kOk;
}

}  // namespace

void add_tree(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<TreeOptions>();
  auto* cmd = app.add_subcommand("tree", "Draw each instance's process tree (pstree -p style), with zombies and "
                                         "orphans re-parented to the daemon");
  cmd->add_option("targets", o->targets, "NAME or NAME:I (default: all)");
  cmd->add_flag("-A,--ascii", o->ascii, "Draw with ASCII characters (the default when the locale is not UTF-8)");
  cmd->add_flag("-T,--no-threads", o->no_threads, "Leave threads out");
  cmd->callback([&ctx, o] { ctx.action = [o] { return run_tree(*o); }; });
}

}  // namespace tend::cli
