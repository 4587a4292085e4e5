#include "config/program_table.h"

#include <fmt/format.h>

#include <array>
#include <limits>

#include "config/suggest.h"
#include "core/listen_address.h"
#include "core/ready_check.h"
#include "util/signals.h"
#include "util/units.h"

namespace tend {
namespace {

/// A problem with a value: the node it is about (the value itself when null) and what is wrong.
struct ValueError {
  const toml::node* at = nullptr;
  std::string message;
};
using Check = std::optional<ValueError>;

ValueError fail(std::string message) {
  return {nullptr, std::move(message)};
}

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

ValueError wrong_type(std::string_view key, std::string_view expected, const toml::node& node) {
  return fail(fmt::format("`{}` must be {}, not {}", key, expected, type_name(node)));
}

Check read_string(std::string_view key, const toml::node& node, std::string& out) {
  if (!node.is_string()) return wrong_type(key, "a string", node);
  out = node.as_string()->get();
  return std::nullopt;
}

Check read_bool(std::string_view key, const toml::node& node, bool& out) {
  if (!node.is_boolean()) return wrong_type(key, "a boolean (true or false)", node);
  out = node.as_boolean()->get();
  return std::nullopt;
}

Check read_int(std::string_view key, const toml::node& node, int& out) {
  if (!node.is_integer()) return wrong_type(key, "an integer", node);
  std::int64_t v = node.as_integer()->get();
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    return fail(fmt::format("`{}` is out of range: {}", key, v));
  out = static_cast<int>(v);
  return std::nullopt;
}

Check read_duration(std::string_view key, const toml::node& node, Millis& out) {
  if (node.is_integer()) {
    if (node.as_integer()->get() < 0) return fail(fmt::format("`{}` must not be negative", key));
    out = Millis(node.as_integer()->get());
    return std::nullopt;
  }
  if (!node.is_string()) return wrong_type(key, "a duration such as \"5s\" (or an integer of ms)", node);
  auto d = parse_duration(node.as_string()->get());
  if (!d) return fail(fmt::format("`{}`: {}", key, d.error().message));
  out = *d;
  return std::nullopt;
}

Check read_size(std::string_view key, const toml::node& node, std::uint64_t& out) {
  if (node.is_integer()) {
    if (node.as_integer()->get() < 0) return fail(fmt::format("`{}` must not be negative", key));
    out = static_cast<std::uint64_t>(node.as_integer()->get());
    return std::nullopt;
  }
  if (!node.is_string()) return wrong_type(key, "a size such as \"10M\" (or an integer of bytes)", node);
  auto s = parse_size(node.as_string()->get());
  if (!s) return fail(fmt::format("`{}`: {}", key, s.error().message));
  out = *s;
  return std::nullopt;
}

Check read_string_array(std::string_view key, const toml::node& node, std::vector<std::string>& out) {
  const toml::array* array = node.as_array();
  if (!array) return wrong_type(key, "an array of strings", node);
  out.clear();
  for (const toml::node& item : *array) {
    if (!item.is_string())
      return ValueError{&item, fmt::format("`{}` must contain only strings, not {}", key, type_name(item))};
    out.push_back(item.as_string()->get());
  }
  return std::nullopt;
}

Check read_env_table(const toml::node& node, std::map<std::string, std::string>& out) {
  const toml::table* table = node.as_table();
  if (!table) return wrong_type("env", "a table of NAME = \"value\"", node);
  for (auto&& [name, value] : *table) {
    if (value.is_string())
      out[std::string(name.str())] = value.as_string()->get();
    else if (value.is_integer())
      out[std::string(name.str())] = std::to_string(value.as_integer()->get());
    else if (value.is_boolean())
      out[std::string(name.str())] = value.as_boolean()->get() ? "true" : "false";
    else
      return ValueError{&value,
                        fmt::format("`env.{}` must be a string, not {}", name.str(), type_name(value))};
  }
  return std::nullopt;
}

using Apply = Check (*)(const toml::node&, ProgramDraft&);

struct KeyHandler {
  std::string_view key;
  Apply apply;
};

// The table of keys: each reads its value into the draft. Order is documentation order.
constexpr std::array kKeys{
    KeyHandler{"command",
               [](const toml::node& n, ProgramDraft& d) -> Check {
                 auto err = read_string_array("command", n, d.config.spec.command);
                 if (!err && d.config.spec.command.empty()) return fail("`command` must not be empty");
                 d.config.spec.shell = false;
                 return err;
               }},
    KeyHandler{"shell",
               [](const toml::node& n, ProgramDraft& d) -> Check {
                 std::string line;
                 if (auto err = read_string("shell", n, line)) return err;
                 d.config.spec.command = {line};
                 d.config.spec.shell = true;
                 return std::nullopt;
               }},
    KeyHandler{"cwd",
               [](const toml::node& n, ProgramDraft& d) { return read_string("cwd", n, d.config.spec.cwd); }},
    KeyHandler{"env", [](const toml::node& n, ProgramDraft& d) { return read_env_table(n, d.env_table); }},
    KeyHandler{"env_file",
               [](const toml::node& n, ProgramDraft& d) -> Check {
                 std::string file;
                 if (auto err = read_string("env_file", n, file)) return err;
                 d.env_file = file;
                 return std::nullopt;
               }},
    KeyHandler{"instances",
               [](const toml::node& n, ProgramDraft& d) {
                 return read_int("instances", n, d.config.spec.instances);
               }},
    KeyHandler{"autostart", [](const toml::node& n,
                               ProgramDraft& d) { return read_bool("autostart", n, d.config.spec.autostart); }},
    KeyHandler{"depends_on",
               [](const toml::node& n, ProgramDraft& d) -> Check {
                 std::vector<std::string> names;
                 if (auto err = read_string_array("depends_on", n, names)) return err;
                 d.depends_on.clear();
                 for (const toml::node& item : *n.as_array())
                   d.depends_on.emplace_back(item.as_string()->get(), position_of(item.source()));
                 return std::nullopt;
               }},
    KeyHandler{"restart",
               [](const toml::node& n, ProgramDraft& d) -> Check {
                 std::string mode;
                 if (auto err = read_string("restart", n, mode)) return err;
                 auto parsed = parse_restart_mode(mode);
                 if (!parsed) return fail(fmt::format("`restart`: {}", parsed.error().message));
                 d.config.spec.restart.mode = *parsed;
                 return std::nullopt;
               }},
    KeyHandler{"max_restarts",
               [](const toml::node& n, ProgramDraft& d) {
                 return read_int("max_restarts", n, d.config.spec.restart.max_restarts);
               }},
    KeyHandler{"restart_window",
               [](const toml::node& n, ProgramDraft& d) {
                 return read_duration("restart_window", n, d.config.spec.restart.restart_window);
               }},
    KeyHandler{"min_uptime",
               [](const toml::node& n, ProgramDraft& d) {
                 return read_duration("min_uptime", n, d.config.spec.restart.min_uptime);
               }},
    KeyHandler{"backoff_min",
               [](const toml::node& n, ProgramDraft& d) {
                 return read_duration("backoff_min", n, d.config.spec.restart.backoff_min);
               }},
    KeyHandler{"backoff_max",
               [](const toml::node& n, ProgramDraft& d) {
                 return read_duration("backoff_max", n, d.config.spec.restart.backoff_max);
               }},
    KeyHandler{"stop_signal",
               [](const toml::node& n, ProgramDraft& d) -> Check {
                 if (!n.is_integer() && !n.is_string())
                   return wrong_type("stop_signal", "a signal name such as \"TERM\"", n);
                 auto sig = parse_signal(n.is_string() ? n.as_string()->get()
                                                       : std::to_string(n.as_integer()->get()));
                 if (!sig) return fail(fmt::format("`stop_signal`: {}", sig.error().message));
                 d.config.spec.stop_signal = *sig;
                 return std::nullopt;
               }},
    KeyHandler{"kill_timeout",
               [](const toml::node& n, ProgramDraft& d) {
                 return read_duration("kill_timeout", n, d.config.spec.kill_timeout);
               }},
    KeyHandler{"nice",
               [](const toml::node& n, ProgramDraft& d) -> Check {
                 int nice = 0;
                 if (auto err = read_int("nice", n, nice)) return err;
                 d.config.spec.nice = nice;
                 return std::nullopt;
               }},
    KeyHandler{"max_memory",
               [](const toml::node& n, ProgramDraft& d) -> Check {
                 std::uint64_t bytes = 0;
                 if (auto err = read_size("max_memory", n, bytes)) return err;
                 d.config.spec.max_memory = bytes;
                 return std::nullopt;
               }},
    KeyHandler{"log_max_size",
               [](const toml::node& n, ProgramDraft& d) {
                 return read_size("log_max_size", n, d.config.spec.log_max_size);
               }},
    KeyHandler{"log_keep", [](const toml::node& n,
                              ProgramDraft& d) { return read_int("log_keep", n, d.config.spec.log_keep); }},
    KeyHandler{"log_time", [](const toml::node& n,
                              ProgramDraft& d) { return read_bool("log_time", n, d.config.spec.log_time); }},
    KeyHandler{"ipc",
               [](const toml::node& n, ProgramDraft& d) { return read_bool("ipc", n, d.config.spec.ipc); }},
    KeyHandler{"ipc_max_message",
               [](const toml::node& n, ProgramDraft& d) {
                 return read_size("ipc_max_message", n, d.config.spec.ipc_max_message);
               }},
    KeyHandler{"ready",
               [](const toml::node& n, ProgramDraft& d) -> Check {
                 std::string text;
                 if (auto err = read_string("ready", n, text)) return err;
                 if (auto check = parse_ready_check(text); !check)
                   return fail(fmt::format("`ready`: {}", check.error().message));
                 d.config.spec.ready = text;
                 return std::nullopt;
               }},
    KeyHandler{"ready_timeout",
               [](const toml::node& n, ProgramDraft& d) {
                 return read_duration("ready_timeout", n, d.config.spec.ready_timeout);
               }},
    KeyHandler{"watchdog",
               [](const toml::node& n, ProgramDraft& d) {
                 return read_duration("watchdog", n, d.config.spec.watchdog);
               }},
    KeyHandler{"listen",
               [](const toml::node& n, ProgramDraft& d) -> Check {
                 std::vector<std::string> addresses;
                 if (n.is_string()) addresses = {n.as_string()->get()};
                 else if (auto err = read_string_array("listen", n, addresses)) return err;
                 for (const auto& a : addresses)
                   if (auto addr = parse_listen_address(a, "x"); !addr)
                     return fail(fmt::format("`listen`: {}", addr.error().message));
                 d.config.spec.listen = std::move(addresses);
                 return std::nullopt;
               }},
};

constexpr std::array<std::string_view, kKeys.size()> kKeyNames = [] {
  std::array<std::string_view, kKeys.size()> names{};
  for (std::size_t i = 0; i < kKeys.size(); ++i) names[i] = kKeys[i].key;
  return names;
}();

const KeyHandler* find_handler(std::string_view key) {
  for (const auto& h : kKeys)
    if (h.key == key) return &h;
  return nullptr;
}

std::string unknown_key_message(std::string_view key) {
  auto suggestion = closest_match(key, kKeyNames);
  if (!suggestion) return fmt::format("unknown key `{}`", key);
  return fmt::format("unknown key `{}`, did you mean `{}`?", key, *suggestion);
}

}  // namespace

SourcePos position_of(const toml::source_region& region) {
  return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

std::span<const std::string_view> program_keys() {
  return kKeyNames;
}

void apply_program_table(const toml::table& table, bool is_defaults, const std::string& file,
                         ProgramDraft& draft, std::vector<ConfigError>& errors) {
  auto report = [&](SourcePos at, std::string message) {
    errors.push_back({file, at.line, at.column, std::move(message)});
  };
  const toml::key* command_key = nullptr;
  for (auto&& [key, node] : table) {
    const KeyHandler* handler = find_handler(key.str());
    if (!handler) {
      report(position_of(key.source()), unknown_key_message(key.str()));
      continue;
    }
    if (is_defaults && key.str() == "depends_on") {
      report(position_of(key.source()), "`depends_on` cannot be set in [defaults]");
      continue;
    }
    if (key.str() == "command" || key.str() == "shell") {
      if (command_key) {
        // The table is sorted by key, so report at whichever of the two comes later in the file.
        const toml::key& later =
            position_of(key.source()).line > position_of(command_key->source()).line ? key : *command_key;
        report(position_of(later.source()), "set either `command` or `shell`, not both");
        continue;
      }
      command_key = &key;
    }
    if (auto err = handler->apply(node, draft)) {
      report(position_of((err->at ? *err->at : node).source()), err->message);
      continue;
    }
    draft.value_at[std::string(key.str())] = position_of(node.source());
  }
}

}  // namespace tend
