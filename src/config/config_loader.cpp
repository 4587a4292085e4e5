#include "config/config_loader.h"

#include <filesystem>

#include "config/procfile.h"

namespace tend {

bool is_procfile(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  return name == "Procfile" || name.starts_with("Procfile.");
}

std::map<std::string, std::string> loader_environment(const std::string& path,
                                                      const std::map<std::string, std::string>& client_env) {
  auto base = config_base_environment(client_env);
  if (auto port = client_env.find("PORT"); is_procfile(path) && port != client_env.end()) base["PORT"] = port->second;
  return base;
}

ConfigResult<Config> load_config_for(const std::string& path, const std::map<std::string, std::string>& client_env) {
  auto base = loader_environment(path, client_env);
  return is_procfile(path) ? load_procfile(path, base) : load_config(path, base);
}

}  // namespace tend
