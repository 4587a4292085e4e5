#pragma once
#include <string>
#include <string_view>

namespace tend {

/// text with every control character (below 0x20, and 0x7f) replaced by '?': for showing what processes
/// chose themselves (names, argv, messages), which may hold newlines or escape sequences.
std::string printable(std::string_view text);

}  // namespace tend
