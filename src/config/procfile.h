#pragma once
#include <map>
#include <string>
#include <string_view>

#include "config/config_error.h"
#include "config/config_file.h"

namespace tend {

/// The first PORT foreman hands out when neither the environment nor .env sets PORT.
constexpr int kProcfileDefaultPort = 5000;

/// Reads a Procfile as foreman/honcho do: `name: command` lines, # comments, blank lines. Each command runs
/// through /bin/sh -c (shell = true) in the Procfile's directory. A `.env` beside it, when present, overlays
/// base_env. Process type i (in file order) gets port_base = BASE + 100*i, where BASE is PORT from .env or
/// base_env, else 5000; the daemon adds the instance index. Malformed lines, invalid and duplicate names are
/// reported with their line and column, all of them.
ConfigResult<Config> load_procfile(const std::string& path,
                                   const std::map<std::string, std::string>& base_env);
/// The same, from text already read; path names the file in errors and anchors cwd and .env.
ConfigResult<Config> parse_procfile(std::string_view text, const std::string& path,
                                    const std::map<std::string, std::string>& base_env);

}  // namespace tend
