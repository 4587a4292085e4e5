#pragma once
#include <string>
#include <string_view>

#include "util/result.h"

namespace tend {

/// Parses "TERM", "SIGTERM", "sigterm" or "15" into a signal number.
Result<int> parse_signal(std::string_view text);
/// "SIGTERM" for 15; "SIG37" for signals without a name.
std::string signal_name(int sig);

}  // namespace tend
