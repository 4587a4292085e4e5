#pragma once
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/config_error.h"
#include "core/program_spec.h"

namespace tend {

/// One program as a config file declares it. spec.env is complete (base env < env_file < env table);
/// spec.depends_on names programs of the same file, in the order written.
struct ProgramConfig {
  ProgramSpec spec;
};

/// A validated config file.
struct Config {
  std::string path;                     // absolute
  std::vector<ProgramConfig> programs;  // in file order
};

/// Reads, parses and validates a tend.toml. base_env is the environment every program starts from
/// (typically the CLI's environment); nothing else is added to it. Relative cwd and env_file are relative
/// to the file's directory, and cwd defaults to it. On failure returns every problem found, each at the
/// offending key or value; nothing is half-loaded.
ConfigResult<Config> load_config(const std::string& path, const std::map<std::string, std::string>& base_env);
/// The same, from text already read; path names the file in errors and anchors relative paths.
ConfigResult<Config> parse_config(std::string_view text, const std::string& path,
                                  const std::map<std::string, std::string>& base_env);

/// What a config file's programs start from: only the variables that describe the user and the locale
/// (PATH, HOME, USER, LOGNAME, SHELL, LANG, LANGUAGE, LC_*, TZ, TMPDIR) of the environment that ran
/// `tend apply`. Everything else comes from the file (env_file, env), so applying the same file from
/// another terminal or over ssh changes nothing.
std::map<std::string, std::string> config_base_environment(const std::map<std::string, std::string>& client_env);

/// The keys a program table (and [defaults]) accepts, in documentation order.
std::span<const std::string_view> program_keys();

}  // namespace tend
