#include "util/daemon_log.h"

#include <unistd.h>

#include "util/clock.h"

namespace tend {

void daemon_log(LogLevel level, std::string_view message) {
  static constexpr std::string_view kLevelNames[] = {"debug", "info", "warning", "error"};
  std::string line = fmt::format("{} {} {}\n", format_rfc3339_ms(wall_ms()), kLevelNames[int(level)], message);
  // One write per line so concurrent writers never interleave within a line.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace tend
