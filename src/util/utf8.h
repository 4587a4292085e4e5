#pragma once
#include <string>
#include <string_view>

namespace tend {

/// text with every invalid UTF-8 sequence replaced by U+FFFD and every control character by a space:
/// safe to print in a table and to serialize as JSON (which refuses invalid UTF-8).
std::string printable_utf8(std::string_view text);

}  // namespace tend
