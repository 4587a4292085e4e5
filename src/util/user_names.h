#pragma once
#include <sys/types.h>

#include <optional>
#include <string>

namespace tend {

/// The login name of uid (getpwuid_r: /etc/passwd, NSS); nullopt when it has none.
std::optional<std::string> user_name(uid_t uid);
/// The name of group gid (getgrgid_r); nullopt when it has none.
std::optional<std::string> group_name(gid_t gid);

}  // namespace tend
