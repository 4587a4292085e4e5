#pragma once
#include <fmt/format.h>

#include <string_view>

namespace tend {

enum class LogLevel { debug, info, warning, error };

/// Writes one stamped line to the daemon's log (stderr: tend.log once daemonized, the terminal in --foreground).
void daemon_log(LogLevel level, std::string_view message);

template <typename... Args>
void log_info(fmt::format_string<Args...> f, Args&&... args) {
  daemon_log(LogLevel::info, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void log_warning(fmt::format_string<Args...> f, Args&&... args) {
  daemon_log(LogLevel::warning, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void log_error(fmt::format_string<Args...> f, Args&&... args) {
  daemon_log(LogLevel::error, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace tend
