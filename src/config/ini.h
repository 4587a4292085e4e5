#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace tend {

/// One [section] of an INI file, keys lowercased, in file order.
struct IniSection {
  std::string name;
  int line = 0;
  std::vector<std::pair<std::string, std::string>> entries;
};

/// Parses INI text the way Python's configparser does for supervisord: `key = value` or `key: value`;
/// whole-line comments starting with ; or #, and inline ones after whitespace; an indented line continues
/// the previous value (joined with "\n"). Errors name the line: a key outside a section, a line that is
/// not `key = value`.
Result<std::vector<IniSection>> parse_ini(std::string_view text);

}  // namespace tend
