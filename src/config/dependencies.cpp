#include "config/dependencies.h"

#include <algorithm>
#include <map>
#include <set>

namespace tend {
namespace {

enum class Mark { unvisited, on_path, done };

// Depth-first walk that records a cycle whenever it meets a program already on the current path.
struct CycleFinder {
  std::map<std::string, const std::vector<std::string>*> deps;
  std::map<std::string, Mark> marks;
  std::vector<std::string> path;
  std::vector<std::vector<std::string>> cycles;

  void visit(const std::string& name) {
    marks[name] = Mark::on_path;
    path.push_back(name);
    for (const auto& dep : *deps[name]) {
      if (!deps.count(dep)) continue;
      if (marks[dep] == Mark::on_path) {
        std::vector<std::string> cycle(std::find(path.begin(), path.end(), dep), path.end());
        cycle.push_back(dep);
        cycles.push_back(std::move(cycle));
      } else if (marks[dep] == Mark::unvisited) {
        visit(dep);
      }
    }
    path.pop_back();
    marks[name] = Mark::done;
  }
};

}  // namespace

std::vector<std::vector<std::string>> find_cycles(const DependencyGraph& graph) {
  CycleFinder finder;
  for (const auto& [name, deps] : graph) finder.deps[name] = &deps;
  for (const auto& [name, deps] : graph)
    if (finder.marks[name] == Mark::unvisited) finder.visit(name);
  return finder.cycles;
}

std::vector<std::string> start_order(const DependencyGraph& graph) {
  std::set<std::string> known, placed;
  for (const auto& entry : graph) known.insert(entry.first);
  std::vector<std::string> order;
  // Repeated passes in file order keep independent programs in the order written; graphs are small.
  for (bool progress = true; progress;) {
    progress = false;
    for (const auto& [name, deps] : graph) {
      if (placed.count(name)) continue;
      bool ready = std::all_of(deps.begin(), deps.end(),
                               [&](const std::string& d) { return !known.count(d) || placed.count(d); });
      if (!ready) continue;
      order.push_back(name);
      placed.insert(name);
      progress = true;
    }
  }
  return order;
}

}  // namespace tend
