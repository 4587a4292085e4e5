#pragma once
// Internal to src/config: turns one TOML program table (or [defaults]) into a ProgramConfig draft.
#include <toml++/toml.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config_error.h"
#include "config/config_file.h"

namespace tend {

/// A program being built from [defaults] and then its own table. Remembers where each value was written so
/// that problems found later (ProgramSpec::validate, dependencies) point at the right place.
struct ProgramDraft {
  ProgramConfig config;
  std::map<std::string, std::string> env_table;
  std::optional<std::string> env_file;  // as written, relative to the config file
  std::vector<std::pair<std::string, SourcePos>> depends_on;
  std::map<std::string, SourcePos, std::less<>> value_at;  // key → position of its value
};

/// Where a toml++ node or key starts.
SourcePos position_of(const toml::source_region& region);

/// Applies every key of table to draft, appending one error per problem (unknown key with a suggestion,
/// wrong type, bad duration/size/signal/restart mode, both command and shell). In [defaults]
/// (is_defaults) depends_on is refused.
void apply_program_table(const toml::table& table, bool is_defaults, const std::string& file,
                         ProgramDraft& draft, std::vector<ConfigError>& errors);

}  // namespace tend
