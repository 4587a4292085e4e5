#include "config/config_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <set>

#include "config/dependencies.h"
#include "config/dotenv.h"
#include "config/program_table.h"
#include "config/suggest.h"
#include "util/files.h"

namespace tend {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 2> kTopLevelKeys{"programs", "defaults"};

/// A [programs.NAME] entry before it is built.
struct Entry {
  std::string name;
  SourcePos key_at;
  const toml::node* node;
};

/// Everything one load needs; collects errors instead of stopping at the first.
class Loader {
 public:
  Loader(std::string file, const std::map<std::string, std::string>& base_env)
      : file_(std::move(file)),
        dir_(fs::absolute(file_).lexically_normal().parent_path()),
        base_env_(base_env) {}

  ConfigResult<Config> load(const toml::table& root);

 private:
  void report(SourcePos at, std::string message) {
    errors_.push_back({file_, at.line, at.column, std::move(message)});
  }
  std::vector<Entry> program_entries(const toml::table& root);
  std::optional<ProgramConfig> build(const Entry& entry, const ProgramDraft& defaults);
  void finish_env(ProgramDraft& draft);
  void finish_cwd(ProgramDraft& draft);
  void check_spec(const ProgramDraft& draft, SourcePos table_at);
  void check_dependencies(const std::vector<std::pair<ProgramConfig*, ProgramDraft>>& programs);
  std::string resolve(const std::string& path) const {
    return fs::path(path).is_absolute() ? path : (dir_ / path).lexically_normal().string();
  }

  std::string file_;
  fs::path dir_;
  const std::map<std::string, std::string>& base_env_;
  std::map<std::string, std::optional<EnvMap>> env_files_;  // nullopt: already reported as broken
  std::vector<std::string> declared_;  // every name under [programs], even those with errors
  std::vector<ConfigError> errors_;
};

ConfigResult<Config> Loader::load(const toml::table& root) {
  ProgramDraft defaults;
  for (auto&& [key, node] : root) {
    if (key.str() == "defaults" && node.is_table())
      apply_program_table(*node.as_table(), true, file_, defaults, errors_);
    else if (key.str() == "defaults" || key.str() == "programs") {
      if (!node.is_table())
        report(position_of(node.source()), fmt::format("`{}` must be a table", key.str()));
    } else {
      auto suggestion = closest_match(key.str(), kTopLevelKeys);
      report(position_of(key.source()),
             suggestion
                 ? fmt::format("unknown key `{}`, did you mean `{}`?", key.str(), *suggestion)
                 : fmt::format("unknown key `{}` (expected [programs.NAME] or [defaults])", key.str()));
    }
  }
  Config config;
  config.path = (dir_ / fs::path(file_).filename()).string();
  std::vector<ProgramDraft> drafts;
  auto entries = program_entries(root);
  for (const Entry& entry : entries) declared_.push_back(entry.name);
  for (const Entry& entry : entries) {
    ProgramDraft draft = defaults;
    if (!entry.node->is_table()) {
      report(position_of(entry.node->source()), fmt::format("`programs.{}` must be a table", entry.name));
      continue;
    }
    if (!valid_program_name(entry.name)) {
      report(entry.key_at,
             fmt::format("invalid program name `{}` (use 1-64 of A-Z a-z 0-9 _ . -, not 'all')", entry.name));
      continue;
    }
    draft.config.spec.name = entry.name;
    std::size_t before = errors_.size();
    apply_program_table(*entry.node->as_table(), false, file_, draft, errors_);
    // A program with bad keys is not checked further, but its dependencies still are.
    if (errors_.size() == before) {
      finish_env(draft);
      finish_cwd(draft);
      check_spec(draft, position_of(entry.node->source()));
    }
    drafts.push_back(std::move(draft));
  }
  std::vector<std::pair<ProgramConfig*, ProgramDraft>> built;
  for (auto& draft : drafts) config.programs.push_back(draft.config);
  for (std::size_t i = 0; i < drafts.size(); ++i)
    built.emplace_back(&config.programs[i], std::move(drafts[i]));
  check_dependencies(built);
  if (!errors_.empty()) return std::move(errors_);
  return config;
}

// toml++ keeps tables sorted by key; the file order is recovered from each table's source position.
std::vector<Entry> Loader::program_entries(const toml::table& root) {
  std::vector<Entry> entries;
  const toml::table* programs = root["programs"].as_table();
  if (!programs) return entries;
  for (auto&& [key, node] : *programs)
    entries.push_back({std::string(key.str()), position_of(key.source()), &node});
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    auto pa = position_of(a.node->source()), pb = position_of(b.node->source());
    return std::tie(pa.line, pa.column) < std::tie(pb.line, pb.column);
  });
  return entries;
}

// base env < env_file < env table, and nothing else.
void Loader::finish_env(ProgramDraft& draft) {
  EnvMap env = base_env_;
  if (draft.env_file) {
    std::string path = resolve(*draft.env_file);
    auto cached = env_files_.find(path);
    if (cached == env_files_.end()) {
      auto loaded = load_dotenv(path);
      SourcePos at = draft.value_at["env_file"];
      if (!loaded && loaded.errors().front().line == 0)
        report(at, fmt::format("`env_file`: {}", loaded.errors().front().message));
      else if (!loaded)
        errors_.insert(errors_.end(), loaded.errors().begin(), loaded.errors().end());
      cached = env_files_.emplace(path, loaded ? std::optional<EnvMap>(*loaded) : std::nullopt).first;
    }
    if (cached->second)
      for (const auto& [k, v] : *cached->second) env[k] = v;
  }
  for (const auto& [k, v] : draft.env_table) env[k] = v;
  draft.config.spec.env = std::move(env);
}

void Loader::finish_cwd(ProgramDraft& draft) {
  std::string& cwd = draft.config.spec.cwd;
  cwd = cwd.empty() ? dir_.string() : resolve(cwd);
}

// ProgramSpec::validate names the field first ("invalid max-restarts: ..."); point at that key's value.
void Loader::check_spec(const ProgramDraft& draft, SourcePos table_at) {
  const ProgramSpec& spec = draft.config.spec;
  if (spec.command.empty()) {
    report(table_at,
           fmt::format("program `{}` has no command: set command = [...] or shell = \"...\"", spec.name));
    return;
  }
  auto status = spec.validate();
  if (status) return;
  const std::string& message = status.error().message;
  std::string field = message.substr(0, message.find(':'));
  if (field.starts_with("invalid ")) field.erase(0, 8);
  std::replace(field.begin(), field.end(), '-', '_');
  if (field == "command" && spec.shell) field = "shell";
  auto at = draft.value_at.find(field);
  if (at == draft.value_at.end() && field == "backoff_min") at = draft.value_at.find("backoff_max");
  report(at != draft.value_at.end() ? at->second : table_at, message);
}

void Loader::check_dependencies(const std::vector<std::pair<ProgramConfig*, ProgramDraft>>& programs) {
  std::vector<std::string_view> names(declared_.begin(), declared_.end());
  DependencyGraph graph;
  for (const auto& [config, draft] : programs) {
    std::vector<std::string> deps;
    for (const auto& [dep, at] : draft.depends_on) {
      deps.push_back(dep);
      if (std::find(names.begin(), names.end(), dep) != names.end()) continue;
      auto suggestion = closest_match(dep, names);
      report(at, suggestion ? fmt::format("unknown dependency `{}`, did you mean `{}`?", dep, *suggestion)
                            : fmt::format("unknown dependency `{}`: no program of that name", dep));
    }
    config->spec.depends_on = deps;
    graph.emplace_back(config->spec.name, std::move(deps));
  }
  for (const auto& cycle : find_cycles(graph)) {
    // Point at the edge that closes the cycle: the last program's depends_on entry naming the first.
    const auto& closer = std::find_if(programs.begin(), programs.end(), [&](const auto& p) {
                           return p.first->spec.name == cycle[cycle.size() - 2];
                         })->second;
    auto edge = std::find_if(closer.depends_on.begin(), closer.depends_on.end(),
                             [&](const auto& d) { return d.first == cycle.back(); });
    std::string path;
    for (const auto& name : cycle) path += (path.empty() ? "" : " -> ") + name;
    report(edge->second, "dependency cycle: " + path);
  }
}

}  // namespace

std::map<std::string, std::string> config_base_environment(const std::map<std::string, std::string>& client_env) {
  static constexpr std::array<std::string_view, 9> kKept{"PATH",     "HOME", "USER", "LOGNAME", "SHELL",
                                                         "LANG",     "LANGUAGE", "TZ", "TMPDIR"};
  std::map<std::string, std::string> base;
  for (const auto& [key, value] : client_env)
    if (key.starts_with("LC_") || std::find(kKept.begin(), kKept.end(), key) != kKept.end()) base[key] = value;
  return base;
}

ConfigResult<Config> parse_config(std::string_view text, const std::string& path,
                                  const std::map<std::string, std::string>& base_env) {
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    auto at = position_of(e.source());
    return std::vector<ConfigError>{{path, at.line, at.column, std::string(e.description())}};
  }
  return Loader(path, base_env).load(root);
}

ConfigResult<Config> load_config(const std::string& path,
                                 const std::map<std::string, std::string>& base_env) {
  auto text = read_file(path);
  if (!text) return std::vector<ConfigError>{{path, 0, 0, text.error().message}};
  return parse_config(*text, path, base_env);
}

}  // namespace tend
