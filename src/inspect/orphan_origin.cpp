#include "inspect/orphan_origin.h"

#include "proc/proc_files.h"
#include "proc/proc_stat.h"

namespace tend {

std::optional<std::string> cgroup_v2_path(std::string_view text) {
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (line.starts_with("0::")) return std::string(line.substr(3));
  }
  return std::nullopt;
}

std::optional<std::string> match_origin(const OrphanFacts& facts, const std::vector<OriginCandidate>& candidates) {
  // The instance's cgroup, or one nested in it by the program; the root ("/") says nothing.
  for (std::string_view path = facts.cgroup; path.size() > 1; path = path.substr(0, path.rfind('/'))) {
    for (const auto& c : candidates)
      if (!c.cgroup.empty() && std::string_view(c.cgroup).ends_with(path)) return c.label;
  }
  for (const auto& c : candidates)
    if (c.pgid > 0 && (facts.pgrp == c.pgid || facts.session == c.pgid)) return c.label;
  return std::nullopt;
}

Result<OrphanFacts> read_orphan_facts(pid_t pid) {
  std::string dir = proc_dir(pid);
  auto stat_text = read_proc_text(dir, "stat");
  if (!stat_text) return stat_text.error();
  auto stat = parse_proc_stat(*stat_text);
  if (!stat) return stat.error();
  OrphanFacts facts;
  facts.pgrp = stat->pgrp;
  facts.session = stat->session;
  if (auto cgroup = read_proc_text(dir, "cgroup"))
    if (auto path = cgroup_v2_path(*cgroup)) facts.cgroup = *path;
  return facts;
}

}  // namespace tend
