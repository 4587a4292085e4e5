#pragma once
// `tend tree`: an instance's process and all its descendants, drawn as `pstree -p` draws them.
#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "proc/proc_stat.h"

namespace tend {

struct TreeNode {
  pid_t pid = 0;
  std::string name;
  bool thread = false;  // drawn {name}(tid), as pstree draws threads
  std::string note;     // " [zombie]", " [orphan of web:0]" ...
  std::vector<TreeNode> children;
};

/// The threads of a process other than its main one: tid and name.
using ThreadLister = std::function<std::vector<std::pair<pid_t, std::string>>(pid_t)>;

/// The subtree of root, from every process's parent link: children in pid order, then threads (when
/// threads_of is set). Zombies carry the note " [zombie]". nullopt when root is not in the list.
std::optional<TreeNode> build_tree(pid_t root, const std::vector<ProcStat>& processes, const ThreadLister& threads_of);

/// How the branches are drawn: box-drawing characters, or pstree -A's ASCII.
struct TreeGlyphs {
  std::string single, first, middle, last, through, blank;
};
TreeGlyphs unicode_glyphs();
TreeGlyphs ascii_glyphs();

/// One line per leaf, as pstree -p: "a(1)─┬─b(2)───c(3)" then " ├─" / " └─" lines under the branch.
/// Control characters in names are shown as '?'.
std::string draw_tree(const TreeNode& root, const TreeGlyphs& glyphs);

}  // namespace tend
