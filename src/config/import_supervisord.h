#pragma once
#include <map>
#include <string>

#include "util/result.h"

namespace tend {

/// What supervisord would know when expanding %(...)s in a config: %(here)s, %(ENV_X)s, %(host_node_name)s.
struct SupervisordContext {
  std::string here;                        // directory of the config file
  std::map<std::string, std::string> env;  // the environment for %(ENV_X)s
  std::string host_node_name;              // empty: this machine's hostname
};

/// Converts supervisord config text into tend.toml text: each [program:x] becomes [programs.x] with every key
/// that has an equivalent mapped and every other key as a comment `# supervisord key 'K' not mapped: <why>`;
/// other sections ([supervisord], [group:x], [include], ...) get one comment each. %(program_name)s,
/// %(process_num)d, %(group_name)s, %(numprocs)d, %(here)s, %(host_node_name)s and %(ENV_X)s are expanded.
/// A command with shell syntax (| & ; < > ` $() becomes shell = "...". The output is checked to load.
/// Errors: malformed INI (with its line), a program without command, an unparsable command.
Result<std::string> import_supervisord(const std::string& ini_text, const SupervisordContext& context = {});

}  // namespace tend
