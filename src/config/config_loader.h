#pragma once
#include <map>
#include <string>

#include "config/config_file.h"

namespace tend {

/// True for a file foreman would read: named `Procfile` or `Procfile.<something>`.
bool is_procfile(const std::string& path);

/// The part of client_env a file's programs start from: config_base_environment, plus PORT for a Procfile
/// (foreman takes the first port it hands out from the environment). This is what the daemon remembers to
/// load the file again on SIGHUP.
std::map<std::string, std::string> loader_environment(const std::string& path,
                                                      const std::map<std::string, std::string>& client_env);

/// What `tend apply -f PATH` loads: a Procfile (is_procfile) or a tend.toml, with its programs starting from
/// loader_environment(path, client_env).
ConfigResult<Config> load_config_for(const std::string& path, const std::map<std::string, std::string>& client_env);

}  // namespace tend
