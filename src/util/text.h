#pragma once
#include <string_view>

namespace tend {

/// text without leading and trailing white space (space, tab, newline, carriage return, vertical tab, form feed).
std::string_view trim(std::string_view text);

}  // namespace tend
