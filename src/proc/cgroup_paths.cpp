#include "proc/cgroup_paths.h"

#include <vector>

namespace tend {
namespace {

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t end = line.find(sep, start);
    parts.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool is_octal(char c) {
  return c >= '0' && c <= '7';
}

// mountinfo writes space, tab, newline and backslash in paths as \ooo octal.
std::string unescape(std::string_view field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && is_octal(field[i + 1]) && is_octal(field[i + 2]) &&
        is_octal(field[i + 3])) {
      out.push_back(char((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(field[i]);
    }
  }
  return out;
}

template <typename F>
void for_each_line(std::string_view text, F&& f) {
  for (auto line : split(text, '\n'))
    if (!line.empty()) f(line);
}

}  // namespace

// Line layout (proc(5)): id parent major:minor root mount-point options [optional...] - fstype source super.
std::optional<Cgroup2Mount> find_cgroup2_mount(std::string_view mountinfo) {
  std::optional<Cgroup2Mount> found;
  for_each_line(mountinfo, [&](std::string_view line) {
    if (found) return;
    auto fields = split(line, ' ');
    size_t dash = 6;
    while (dash < fields.size() && fields[dash] != "-") ++dash;
    if (fields.size() < 5 || dash + 1 >= fields.size() || fields[dash + 1] != "cgroup2") return;
    found = Cgroup2Mount{unescape(fields[3]), unescape(fields[4])};
  });
  return found;
}

std::optional<std::string> own_cgroup2_path(std::string_view proc_self_cgroup) {
  std::optional<std::string> found;
  for_each_line(proc_self_cgroup, [&](std::string_view line) {
    if (!found && line.substr(0, 3) == "0::") found = std::string(line.substr(3));
  });
  return found;
}

std::optional<std::string> cgroup_directory(const Cgroup2Mount& mount, const std::string& own_path) {
  std::string root = mount.root == "/" ? "" : mount.root;
  if (own_path.compare(0, root.size(), root) != 0) return std::nullopt;
  std::string rest = own_path.substr(root.size());
  if (!rest.empty() && rest[0] != '/') return std::nullopt;
  if (rest == "/") rest.clear();
  return mount.mount_point + rest;
}

}  // namespace tend
