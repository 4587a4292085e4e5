#include "daemon/paths.h"

#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "util/files.h"

namespace tend {

std::string Paths::instance_log(const std::string& program, int index, std::string_view stream) const {
  return fmt::format("{}/{}-{}.{}.log", logs_dir(), program, index, stream);
}

Result<Paths> resolve_paths() {
  Paths paths;
  if (const char* home = std::getenv("TEND_HOME"); home && *home) {
    paths.home = home;
  } else if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime) {
    paths.home = std::string(runtime) + "/tend";
  } else {
    const char* user_home = std::getenv("HOME");
    if (!user_home || !*user_home) {
      passwd* pw = ::getpwuid(::getuid());
      if (!pw) return Error{ENOENT, "unable to find a home directory: set TEND_HOME"};
      user_home = pw->pw_dir;
    }
    paths.home = std::string(user_home) + "/.tend";
  }
  if (paths.home[0] != '/') {
    char cwd[4096];
    if (!::getcwd(cwd, sizeof cwd)) return errno_error("unable to resolve TEND_HOME");
    paths.home = std::string(cwd) + "/" + paths.home;
  }
  while (paths.home.size() > 1 && paths.home.back() == '/') paths.home.pop_back();
  return paths;
}

Status prepare_home(const Paths& paths) {
  if (auto st = make_dirs(paths.home, 0700); !st) return st;
  if (::chmod(paths.home.c_str(), 0700) != 0) return errno_error("unable to set the mode of " + paths.home);
  return make_dirs(paths.logs_dir(), 0700);
}

}  // namespace tend
