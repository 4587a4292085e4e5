#pragma once
#include <cstddef>
#include <string_view>

namespace tend {

/// True when text nests arrays and objects at most max_depth deep (strings are skipped correctly). Checked
/// before parsing, in linear time: nlohmann's parser does not recurse, but copying, comparing and
/// serializing a document do, once per level, so a deep enough one from a client or a child would overflow
/// the daemon's stack.
bool json_depth_within(std::string_view text, std::size_t max_depth);

}  // namespace tend
