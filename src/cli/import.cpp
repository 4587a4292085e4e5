// import pm2 and import supervisord: print the tend.toml equivalent of another supervisor's config. They
// never talk to the daemon. Exit 1 when the file cannot be read (or node is missing), 2 when its content is
// malformed or has no tend equivalent: an Error with code EINVAL means "bad input" throughout this file.
#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/subprocess.h"
#include "config/import_pm2.h"
#include "config/import_supervisord.h"
#include "util/files.h"
#include "util/json_depth.h"

extern char** environ;

namespace tend::cli {
namespace {

// Loads the file as a CommonJS module or, in a package of "type": "module", as an ES module (whose default
// export is the ecosystem; node >= 20.19 require()s those itself, older ones refuse with ERR_REQUIRE_ESM), and
// writes it as JSON. Exiting from the write callback ends node even if the file left timers or sockets behind.
constexpr const char* kNodeEvaluate = R"js(
const file = process.argv[1];
const unwrap = (m) => (m && m[Symbol.toStringTag] === 'Module' ? m.default : m);
const load = () => {
  try {
    return Promise.resolve(require(file));
  } catch (e) {
    if (e.code !== 'ERR_REQUIRE_ESM') throw e;
    return import(require('url').pathToFileURL(file).href);
  }
};
load().then((m) => process.stdout.write(JSON.stringify(unwrap(m)) ?? 'null', () => process.exit(0)));
)js";

int exit_status(const Error& e) {
  return e.code == EINVAL ? kUsage : kFailed;
}

bool has_extension(const std::string& file, std::initializer_list<const char*> extensions) {
  std::string ext = std::filesystem::path(file).extension().string();
  for (const char* e : extensions)
    if (ext == e) return true;
  return false;
}

Result<std::string> read_input(const std::string& file) {
  auto text = read_file(file);
  if (!text) return Error{text.error().code, fmt::format("{}: {}", file, std::strerror(text.error().code))};
  return text;
}

// nlohmann reports the byte after the offending one; turn it into the 1-based line and column of that byte.
std::string position(const std::string& text, size_t byte) {
  size_t offset = std::min(byte > 0 ? byte - 1 : 0, text.size());
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return fmt::format("{}:{}", line, offset - line_start + 1);
}

constexpr std::size_t kMaxEcosystemDepth = 256;

// pm2 itself evaluates a .json ecosystem as a JavaScript expression, so comments are accepted too.
Result<nlohmann::json> parse_json(const std::string& file, const std::string& text) {
  // (Brackets inside comments count too: a bound, not a parser. Real ecosystem files nest a few levels.)
  if (!json_depth_within(text, kMaxEcosystemDepth))
    return Error{EINVAL, fmt::format("{}: nests deeper than {} levels", file, kMaxEcosystemDepth)};
  try {
    return nlohmann::json::parse(text, nullptr, true, true);
  } catch (const nlohmann::json::parse_error& e) {
    // what() is "[json.exception.parse_error.101] parse error at line 3, column 5: <reason>"; keep the
    // reason.
    std::string reason = e.what();
    if (auto at = reason.find("parse error"); at != std::string::npos) {
      if (auto colon = reason.find(": ", at); colon != std::string::npos) reason.erase(0, colon + 2);
    }
    return Error{EINVAL, fmt::format("{}:{}: {}", file, position(text, e.byte), reason)};
  }
}

// Node's message for an uncaught error ends with a stack trace through its own internals and a version line;
// the part before the first "    at " names the file, line and error.
std::string node_message(const std::string& err) {
  std::string message = err;
  if (auto stack = message.find("\n    at "); stack != std::string::npos) message.erase(stack);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

Result<nlohmann::json> evaluate_with_node(const std::string& file) {
  std::string absolute = std::filesystem::absolute(file).lexically_normal().string();
  auto node = run_program({"node", "-e", kNodeEvaluate, absolute});
  if (!node)
    return Error{
        node.error().code,
        fmt::format("unable to evaluate {}: a .js ecosystem file is run by node, which is not on PATH "
                    "({}); install Node.js, or convert the file to JSON",
                    file, node.error().message)};
  if (!node->succeeded()) {
    std::string message = node_message(node->err);
    return Error{EINVAL, fmt::format("unable to evaluate {} with node ({}){}{}", file,
                                     node->describe_status(), message.empty() ? "" : ":\n", message)};
  }
  if (!json_depth_within(node->out, kMaxEcosystemDepth))
    return Error{EINVAL, fmt::format("unable to evaluate {} with node: its exports nest deeper than {} levels",
                                     file, kMaxEcosystemDepth)};
  try {
    return nlohmann::json::parse(node->out);
  } catch (const nlohmann::json::exception& e) {
    return Error{
        EINVAL, fmt::format("unable to evaluate {} with node: its exports are not JSON: {}", file, e.what())};
  }
}

Result<nlohmann::json> load_ecosystem(const std::string& file) {
  auto text = read_input(file);
  if (!text) return text.error();
  if (has_extension(file, {".js", ".cjs"})) return evaluate_with_node(file);
  if (has_extension(file, {".yml", ".yaml"}))
    return Error{EINVAL, fmt::format("{}: YAML ecosystem files are not supported; convert it to JSON", file)};
  return parse_json(file, *text);
}

int print_toml(const std::string& toml) {
  if (std::fwrite(toml.data(), 1, toml.size(), stdout) != toml.size() || std::fflush(stdout) != 0) {
    print_error(errno_error("unable to write the output").message);
    return kFailed;
  }
  return kOk;
}

int import_pm2_file(const std::string& file, unsigned cpus) {
  auto ecosystem = load_ecosystem(file);
  if (!ecosystem) {
    print_error(ecosystem.error().message);
    return exit_status(ecosystem.error());
  }
  auto toml = import_pm2(*ecosystem, cpus);
  if (!toml) {
    print_error(fmt::format("{}: {}", file, toml.error().message));
    return kUsage;
  }
  return print_toml(*toml);
}

int import_supervisord_file(const std::string& file) {
  auto text = read_input(file);
  if (!text) {
    print_error(text.error().message);
    return exit_status(text.error());
  }
  SupervisordContext context;
  // supervisord's %(here)s: the absolute directory of the config file, symlinks kept.
  context.here = std::filesystem::absolute(file).lexically_normal().parent_path().string();
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    if (auto eq = kv.find('='); eq != std::string_view::npos)
      context.env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  auto toml = import_supervisord(*text, context);
  if (!toml) {
    print_error(fmt::format("{}: {}", file, toml.error().message));
    return kUsage;
  }
  return print_toml(*toml);
}

}  // namespace

void add_import(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("import", "Print a tend.toml converted from a PM2 or supervisord config");
  cmd->require_subcommand(1);

  auto pm2_file = std::make_shared<std::string>();
  auto cpus = std::make_shared<unsigned>(0);
  auto* pm2 =
      cmd->add_subcommand("pm2", "Convert a PM2 ecosystem file (.json, or .js/.cjs evaluated by node)");
  pm2->add_option("FILE", *pm2_file, "ecosystem.config.json or ecosystem.config.js")->required();
  pm2->add_option("--cpus", *cpus,
                  "CPU count that instances \"max\", 0 and -N are computed from (default: this "
                  "machine's)")
      ->check(CLI::Range(1u, 65536u));
  pm2->callback([&ctx, pm2_file, cpus] {
    ctx.action = [pm2_file, cpus] { return import_pm2_file(*pm2_file, *cpus); };
  });

  auto conf_file = std::make_shared<std::string>();
  auto* supervisord =
      cmd->add_subcommand("supervisord", "Convert a supervisord config ([program:x] sections)");
  supervisord->add_option("FILE", *conf_file, "supervisord.conf")->required();
  supervisord->callback(
      [&ctx, conf_file] { ctx.action = [conf_file] { return import_supervisord_file(*conf_file); }; });
}

}  // namespace tend::cli
