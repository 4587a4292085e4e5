#pragma once
#include <map>
#include <string>
#include <string_view>

#include "config/config_error.h"

namespace tend {

using EnvMap = std::map<std::string, std::string>;

/// Parses dotenv text: KEY=VALUE lines, `export KEY=VALUE`, blank lines, # comments (whole-line, or after
/// whitespace in an unquoted value); '...' is literal, "..." understands \n \t \r \" \\ (other escapes stay
/// as written); quoted values may span lines. No ${VAR} expansion. Later keys override earlier ones.
/// Every malformed line is reported (file is only used to name it in errors).
ConfigResult<EnvMap> parse_dotenv(std::string_view text, const std::string& file);
/// Reads and parses a dotenv file; an unreadable file is one error without a position.
ConfigResult<EnvMap> load_dotenv(const std::string& path);

}  // namespace tend
