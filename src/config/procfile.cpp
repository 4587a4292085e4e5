#include "config/procfile.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "config/dotenv.h"
#include "util/files.h"
#include "util/text.h"

namespace tend {
namespace {

namespace fs = std::filesystem;

// foreman: PORT from the environment is the base, else 5000.
int base_port(const EnvMap& env) {
  auto it = env.find("PORT");
  int port = 0;
  if (it != env.end()) {
    auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), port);
    if (ec == std::errc() && end == it->second.data() + it->second.size() && port > 0) return port;
  }
  return kProcfileDefaultPort;
}

}  // namespace

ConfigResult<Config> parse_procfile(std::string_view text, const std::string& path,
                                    const std::map<std::string, std::string>& base_env) {
  fs::path dir = fs::absolute(path).lexically_normal().parent_path();
  std::vector<ConfigError> errors;
  EnvMap env = base_env;
  std::string dotenv = (dir / ".env").string();
  if (::access(dotenv.c_str(), F_OK) == 0) {
    auto loaded = load_dotenv(dotenv);
    if (!loaded) return loaded.errors();
    for (const auto& [k, v] : *loaded) env[k] = v;
  }
  Config config;
  config.path = (dir / fs::path(path).filename()).string();
  int port = base_port(env);
  int line_no = 0;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    int column = static_cast<int>(line.data() - raw.data()) + 1;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      errors.push_back({path, line_no, column, "expected `name: command`"});
      continue;
    }
    std::string name(trim(line.substr(0, colon)));
    std::string command(trim(line.substr(colon + 1)));
    if (!valid_program_name(name)) {
      errors.push_back(
          {path, line_no, column,
           fmt::format("invalid process name `{}` (use 1-64 of A-Z a-z 0-9 _ . -, not 'all')", name)});
      continue;
    }
    if (command.empty()) {
      errors.push_back({path, line_no, static_cast<int>(colon) + column + 1,
                        fmt::format("process `{}` has no command", name)});
      continue;
    }
    bool duplicate = std::any_of(config.programs.begin(), config.programs.end(),
                                 [&](const ProgramConfig& p) { return p.spec.name == name; });
    if (duplicate) {
      errors.push_back({path, line_no, column, fmt::format("duplicate process name `{}`", name)});
      continue;
    }
    ProgramConfig program;
    program.spec.name = name;
    program.spec.command = {command};
    program.spec.shell = true;
    program.spec.cwd = dir.string();
    program.spec.env = env;
    program.spec.port_base = port + 100 * static_cast<int>(config.programs.size());
    config.programs.push_back(std::move(program));
  }
  if (!errors.empty()) return errors;
  return config;
}

ConfigResult<Config> load_procfile(const std::string& path,
                                   const std::map<std::string, std::string>& base_env) {
  auto text = read_file(path);
  if (!text) return std::vector<ConfigError>{{path, 0, 0, text.error().message}};
  return parse_procfile(*text, path, base_env);
}

}  // namespace tend
