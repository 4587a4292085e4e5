#include "inspect/process_tree.h"

#include <algorithm>
#include <map>

#include "util/printable.h"

namespace tend {
namespace {

/// Display columns of UTF-8 text (one per code point: names and glyphs are not wide characters).
size_t columns(const std::string& text) {
  return size_t(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string label(const TreeNode& node) {
  std::string name = node.thread ? "{" + printable(node.name) + "}" : printable(node.name);
  return name + "(" + std::to_string(node.pid) + ")" + node.note;
}

TreeNode node_of(const ProcStat& p, const std::multimap<pid_t, const ProcStat*>& children,
                 const ThreadLister& threads_of) {
  TreeNode node{p.pid, p.comm, false, p.state == 'Z' ? " [zombie]" : "", {}};
  auto [begin, end] = children.equal_range(p.pid);
  for (auto it = begin; it != end; ++it) node.children.push_back(node_of(*it->second, children, threads_of));
  if (threads_of && p.num_threads > 1)
    for (const auto& [tid, name] : threads_of(p.pid))
      if (tid != p.pid) node.children.push_back(TreeNode{tid, name, true, "", {}});
  return node;
}

std::vector<std::string> draw_lines(const TreeNode& node, const TreeGlyphs& g) {
  std::string head = label(node);
  if (node.children.empty()) return {head};
  std::string pad(columns(head), ' ');
  std::vector<std::string> out;
  for (size_t i = 0; i < node.children.size(); ++i) {
    auto lines = draw_lines(node.children[i], g);
    bool only = node.children.size() == 1, first = i == 0, last = i + 1 == node.children.size();
    std::string lead, cont;
    if (only) {
      lead = head + g.single;
      cont = std::string(columns(lead), ' ');
    } else {
      lead = first ? head + g.first : pad + (last ? g.last : g.middle);
      cont = pad + (last ? g.blank : g.through);
    }
    out.push_back(lead + lines[0]);
    for (size_t j = 1; j < lines.size(); ++j) out.push_back(cont + lines[j]);
  }
  return out;
}

}  // namespace

std::optional<TreeNode> build_tree(pid_t root, const std::vector<ProcStat>& processes, const ThreadLister& threads_of) {
  std::multimap<pid_t, const ProcStat*> children;
  const ProcStat* top = nullptr;
  for (const auto& p : processes) {
    if (p.pid == root) top = &p;
    if (p.pid != p.ppid) children.emplace(p.ppid, &p);
  }
  if (!top) return std::nullopt;
  return node_of(*top, children, threads_of);
}

TreeGlyphs unicode_glyphs() { return {"───", "─┬─", " ├─", " └─", " │ ", "   "}; }
TreeGlyphs ascii_glyphs() { return {"---", "-+-", " |-", " `-", " | ", "   "}; }

std::string draw_tree(const TreeNode& root, const TreeGlyphs& glyphs) {
  std::string out;
  for (const auto& line : draw_lines(root, glyphs)) out += line + "\n";
  return out;
}

}  // namespace tend
