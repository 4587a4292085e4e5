#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace tend {

/// A cgroup2 mount from /proc/self/mountinfo: the cgroup path it exposes (field 4) and where (field 5).
struct Cgroup2Mount {
  std::string root;
  std::string mount_point;
};

/// The first cgroup2 line of mountinfo text, with octal escapes (\040 for space) decoded.
std::optional<Cgroup2Mount> find_cgroup2_mount(std::string_view mountinfo);
/// The v2 path from /proc/self/cgroup text (the "0::/path" line).
std::optional<std::string> own_cgroup2_path(std::string_view proc_self_cgroup);
/// The directory of cgroup path own_path under mount, or nullopt when the mount does not show it.
std::optional<std::string> cgroup_directory(const Cgroup2Mount& mount, const std::string& own_path);

}  // namespace tend
