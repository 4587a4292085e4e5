#pragma once
#include <string>
#include <utility>
#include <vector>

namespace tend {

/// Each program with the names it depends on, in file order.
using DependencyGraph = std::vector<std::pair<std::string, std::vector<std::string>>>;

/// Every distinct cycle, each as the path that closes it ({"a", "b", "a"}), found by a depth-first walk in
/// file order. Names not in the graph are ignored (unknown dependencies are reported separately).
std::vector<std::vector<std::string>> find_cycles(const DependencyGraph& graph);

/// Names in an order where each program comes after everything it depends on, file order among
/// independent ones; for stopping, walk it backwards. Programs on a cycle are left out.
std::vector<std::string> start_order(const DependencyGraph& graph);

}  // namespace tend
