#include "util/user_names.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace tend {
namespace {

// Runs a *_r lookup, growing the buffer while it answers ERANGE (NSS entries can be large).
template <typename Entry, typename Lookup>
std::optional<std::string> lookup_name(Lookup lookup, char* Entry::*name_field) {
  std::vector<char> buf(1024);
  for (;;) {
    Entry entry;
    Entry* found = nullptr;
    int err = lookup(&entry, buf.data(), buf.size(), &found);
    if (err == ERANGE && buf.size() < (1u << 20)) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (err != 0 || found == nullptr) return std::nullopt;
    return std::string(found->*name_field);
  }
}

}  // namespace

std::optional<std::string> user_name(uid_t uid) {
  return lookup_name<passwd>(
      [uid](passwd* e, char* b, size_t n, passwd** found) { return ::getpwuid_r(uid, e, b, n, found); },
      &passwd::pw_name);
}

std::optional<std::string> group_name(gid_t gid) {
  return lookup_name<group>(
      [gid](group* e, char* b, size_t n, group** found) { return ::getgrgid_r(gid, e, b, n, found); },
      &group::gr_name);
}

}  // namespace tend
