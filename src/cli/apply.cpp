// `tend apply` and `tend reload-config`: make the daemon's programs match a config file.
#include <fmt/format.h>

#include <filesystem>

#include "cli/cli.h"
#include "config/config_loader.h"

namespace tend::cli {

namespace {

namespace fs = std::filesystem;

/// -f FILE, or ./tend.toml, or (when there is none) ./Procfile as foreman would; made absolute, since the
/// daemon reads it from elsewhere and again on SIGHUP.
std::string config_path(const std::string& given) {
  fs::path path = given;
  if (path.empty()) {
    std::error_code ec;
    path = !fs::exists("tend.toml", ec) && fs::exists("Procfile", ec) ? "Procfile" : "tend.toml";
  }
  return fs::absolute(path).lexically_normal().string();
}

/// The file's problems, one per line as FILE:LINE:COL: message, on stderr.
int print_config_errors(const std::vector<ConfigError>& errors) {
  for (const auto& e : errors) fmt::print(stderr, "{}\n", e.to_string());
  fmt::print(stderr, "tend: {} problem{} found; nothing was changed\n", errors.size(), errors.size() == 1 ? "" : "s");
  return kUsage;
}

int run_apply(const std::string& given, bool prune, bool dry_run) {
  std::string path = config_path(given);
  auto env = captured_environment();
  // Checked here first so that a broken file neither starts a daemon nor reaches one.
  if (auto config = load_config_for(path, env); !config) return print_config_errors(config.errors());
  nlohmann::json response;
  nlohmann::json args{{"path", path}, {"env", loader_environment(path, env)}, {"prune", prune}, {"dry_run", dry_run}};
  if (int rc = call_response("apply", std::move(args), response); rc != kOk) return rc;
  if (!response.value("ok", false)) {
    const auto& err = response["error"];
    std::string message = err.value("message", "unknown error");
    if (err.value("code", "") != "invalid_config") {
      print_error(message);
      return kFailed;
    }
    fmt::print(stderr, "{}\n", message);  // the file changed between our check and the daemon's
    return kUsage;
  }
  const auto& result = response["result"];
  for (const auto& line : result["plan"]) fmt::print("{}\n", line.get<std::string>());
  if (dry_run) fmt::print("(dry run: nothing was changed)\n");
  if (result.contains("failures")) {
    print_error(result["failures"].get<std::string>());
    return kFailed;
  }
  return kOk;
}

int run_reload() {
  nlohmann::json result;
  if (int rc = call("reload-config", nlohmann::json::object(), &result); rc != kOk) return rc;
  if (result["files"].empty()) fmt::print("no config file has been applied yet: nothing to reload\n");
  int rc = kOk;
  for (const auto& file : result["files"]) {
    fmt::print("{}:\n", file["path"].get<std::string>());
    for (const auto& line : file["plan"]) fmt::print("  {}\n", line.get<std::string>());
    for (const auto& error : file["errors"]) fmt::print(stderr, "{}\n", error.get<std::string>());
    if (!file["errors"].empty()) {
      fmt::print(stderr, "tend: {} not applied; its programs are unchanged\n", file["path"].get<std::string>());
      rc = kFailed;
    }
    if (!file["failures"].get<std::string>().empty()) {
      print_error(file["failures"].get<std::string>());
      rc = kFailed;
    }
  }
  return rc;
}

}  // namespace

void add_apply(CLI::App& app, Context& ctx) {
  struct Options {
    std::string file;
    bool prune = false, dry_run = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("apply", "Make the daemon's programs match a tend.toml or Procfile");
  cmd->add_option("-f,--file", o->file, "The config file (default ./tend.toml, else ./Procfile)");
  cmd->add_flag("--prune", o->prune, "Delete programs this file defined earlier and no longer names");
  cmd->add_flag("--dry-run", o->dry_run, "Print the plan; change nothing");
  cmd->callback([&ctx, o] { ctx.action = [o] { return run_apply(o->file, o->prune, o->dry_run); }; });

  auto* reload = app.add_subcommand("reload-config", "Apply every config file applied before again (as SIGHUP)");
  reload->callback([&ctx] { ctx.action = [] { return run_reload(); }; });
}

}  // namespace tend::cli
