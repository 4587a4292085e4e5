#include "config/import_supervisord.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

#include "config/import_check.h"
#include "config/ini.h"
#include "config/shell_words.h"
#include "config/toml_writer.h"
#include "util/signals.h"
#include "util/units.h"

namespace tend {
namespace {

constexpr std::string_view kSupervisord = "supervisord";
constexpr std::string_view kSupervisordLogs =
    "tend keeps its own logs, $TEND_HOME/logs/NAME-N.out.log and NAME-N.err.log (read them with `tend logs "
    "NAME`)";

constexpr std::array kSupervisordUnmapped{
    UnmappedKey{"priority",
           "tend orders start-up by depends_on, not by numbers; add depends_on = [...] where order matters"},
    UnmappedKey{"user", "tend runs programs as the daemon's user"},
    UnmappedKey{"umask", "programs inherit the daemon's umask"},
    UnmappedKey{"redirect_stderr", "tend always keeps stdout and stderr in separate logs"},
    UnmappedKey{"exitcodes", "tend's restart = \"on-failure\" counts only exit 0 as expected; it takes no list"},
    UnmappedKey{"stopasgroup", "not needed: tend always signals the program's whole process group"},
    UnmappedKey{"killasgroup", "not needed: tend always kills the program's whole process group"},
    UnmappedKey{"process_name", "tend names instances itself, numbered from 0"},
    UnmappedKey{"numprocs_start", "tend numbers instances from 0"},
    UnmappedKey{"stdout_logfile", kSupervisordLogs},
    UnmappedKey{"stderr_logfile", kSupervisordLogs},
    UnmappedKey{"stdout_syslog", kSupervisordLogs},
    UnmappedKey{"stderr_syslog", kSupervisordLogs},
    UnmappedKey{"stderr_logfile_maxbytes",
           "tend's log_max_size (from stdout_logfile_maxbytes) applies to both streams"},
    UnmappedKey{"stderr_logfile_backups", "tend's log_keep (from stdout_logfile_backups) applies to both streams"},
    UnmappedKey{"serverurl", "not needed: programs reach tend through its control socket"},
};


std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::optional<bool> read_bool(const std::string& v) {
  std::string s = lower(v);
  if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
  if (s == "false" || s == "no" || s == "off" || s == "0") return false;
  return std::nullopt;
}

// "50M" for 50 MiB: the shortest unit that parse_size reads back exactly.
std::string format_size_exact(std::uint64_t bytes) {
  constexpr std::uint64_t K = 1024;
  if (bytes % (K * K * K) == 0) return fmt::format("{}G", bytes / (K * K * K));
  if (bytes % (K * K) == 0) return fmt::format("{}M", bytes / (K * K));
  if (bytes % K == 0) return fmt::format("{}K", bytes / K);
  return std::to_string(bytes);
}

std::optional<long> read_int(const std::string& v) {
  long n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 0) return std::nullopt;
  return n;
}

/// Expands %(name)s / %(name)d / %(name)02d and %% as Python's % operator does; unknown names stay as written
/// and are collected in `unknown`.
std::string expand(std::string_view text, const std::map<std::string, std::string>& vars,
                   std::vector<std::string>& unknown) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "%%") == 0) {
      out += '%';
      ++i;
      continue;
    }
    std::size_t close = text.compare(i, 2, "%(") == 0 ? text.find(')', i) : std::string_view::npos;
    std::size_t conv = close == std::string_view::npos ? close : text.find_first_of("sdi", close);
    if (conv == std::string_view::npos) {
      out += text[i];
      continue;
    }
    std::string name(text.substr(i + 2, close - i - 2));
    std::string_view spec = text.substr(close + 1, conv - close - 1);
    auto var = vars.find(name);
    if (var == vars.end()) {
      unknown.push_back(name);
      out += text.substr(i, conv - i + 1);
    } else {
      std::size_t width = spec.empty() ? 0 : std::strtoul(std::string(spec).c_str(), nullptr, 10);
      char fill = spec.starts_with("0") ? '0' : ' ';
      out += std::string(width > var->second.size() ? width - var->second.size() : 0, fill) + var->second;
    }
    i = conv;
  }
  return out;
}

/// KEY="val",KEY2=val2 as supervisord's environment takes it: commas outside quotes separate pairs.
Result<std::map<std::string, std::string>> parse_environment(std::string_view text) {
  std::map<std::string, std::string> env;
  std::vector<std::string> pairs(1);
  char quote = 0;
  for (char c : text) {
    if (quote ? c == quote : (c == '"' || c == '\'')) quote = quote ? 0 : c;
    if (c == ',' && !quote)
      pairs.emplace_back();
    else if (c != '\n' || quote)
      pairs.back() += c;
  }
  for (const auto& pair : pairs) {
    if (pair.find_first_not_of(" \t") == std::string::npos) continue;
    auto eq = pair.find('=');
    auto key = eq == std::string::npos ? std::string() : pair.substr(0, eq);
    key.erase(0, key.find_first_not_of(" \t"));
    key.erase(key.find_last_not_of(" \t") + 1);
    auto value = split_shell_words(eq == std::string::npos ? "" : pair.substr(eq + 1));
    if (key.empty() || !value) return Error{EINVAL, fmt::format("bad environment entry '{}'", pair)};
    std::string joined;
    for (const auto& w : value->words) joined += (joined.empty() ? "" : " ") + w;
    env[key] = joined;
  }
  return env;
}

std::string section_comment(const IniSection& s) {
  std::string kind = s.name.substr(0, s.name.find(':'));
  std::string why;
  if (kind == "supervisord" || kind == "unix_http_server" || kind == "inet_http_server" ||
      kind == "supervisorctl" || kind == "rpcinterface")
    why = "not needed: tend's daemon needs no config of its own (TEND_HOME, its control socket)";
  else if (kind == "group")
    why = "not mapped: tend has no groups; name programs on the command line or use depends_on";
  else if (kind == "include")
    why = "not mapped: convert each included file with `tend import supervisord FILE`";
  else if (kind == "eventlistener")
    why = "not mapped: tend has no event listener protocol";
  else if (kind == "fcgi-program")
    why = "not mapped: tend shares a socket by systemd socket activation (listen = [...], LISTEN_FDS from fd 3), "
          "not as FastCGI's fd 0; a program that accepts LISTEN_FDS can be a [program:x] with listen";
  else
    why = "not mapped: unknown section";
  return fmt::format("# supervisord section [{}] (line {}) {}\n", s.name, s.line, why);
}

/// Converts one [program:x] section.
class ProgramConverter {
 public:
  ProgramConverter(const IniSection& section, const SupervisordContext& context);
  Result<ProgramSection> convert();

 private:
  std::optional<std::string> value(std::string_view key) const;
  Status command(const std::string& text);
  bool map_key(const std::string& key, const std::string& v);
  void log_max_size(const std::string& v);

  const IniSection& section_;
  std::string name_;
  std::map<std::string, std::string> vars_;
  ProgramSection out_;
};

ProgramConverter::ProgramConverter(const IniSection& section, const SupervisordContext& context)
    : section_(section),
      name_(section.name.substr(section.name.find(':') + 1)),
      out_(program_name_from(name_)) {
  vars_ = {{"program_name", name_},
           {"group_name", name_},
           {"process_num", "0"},
           {"here", context.here},
           {"host_node_name", context.host_node_name},
           {"numprocs", value("numprocs").value_or("1")}};
  for (const auto& [k, v] : context.env) vars_["ENV_" + k] = v;
}

std::optional<std::string> ProgramConverter::value(std::string_view key) const {
  for (const auto& [k, v] : section_.entries)
    if (k == key) return v;
  return std::nullopt;
}

Result<ProgramSection> ProgramConverter::convert() {
  if (!value("command"))
    return Error{EINVAL, fmt::format("unable to import [{}]: it has no command", section_.name)};
  for (const auto& [key, raw] : section_.entries) {
    std::vector<std::string> unknown;
    std::string v = expand(raw, vars_, unknown);
    for (const auto& name : unknown)
      out_.note(fmt::format("'{}' uses %({})s, which tend cannot expand; left as written", key, name));
    if (key == "command") {
      if (auto st = command(v); !st) return st.error();
      continue;
    }
    if (map_key(key, v)) continue;
    out_.unmapped(kSupervisord, key,
                  why_unmapped(kSupervisordUnmapped, key, "supervisord-specific; tend has no equivalent"));
  }
  bool per_process = std::any_of(section_.entries.begin(), section_.entries.end(), [](const auto& kv) {
    return kv.first != "process_name" && kv.second.find("%(process_num)") != std::string::npos;
  });
  if (per_process && read_int(value("numprocs").value_or("1")).value_or(1) > 1)
    out_.note(
        "%(process_num)s was expanded to 0: tend gives every instance the same command and environment");
  return out_;
}

// supervisord splits the command with shlex and execs it without a shell; shell syntax in it was meant for
// one, so it is kept whole and run through /bin/sh -c.
Status ProgramConverter::command(const std::string& text) {
  std::string line = text;
  std::replace(line.begin(), line.end(), '\n', ' ');
  auto split = split_shell_words(line);
  if (!split)
    return Error{EINVAL,
                 fmt::format("unable to import [{}]: command: {}", section_.name, split.error().message)};
  if (split->shell_syntax) {
    out_.set("shell", toml_string(line));
    out_.note(
        "the command uses shell syntax, so it runs through /bin/sh -c (supervisord would not use a shell)");
  } else {
    out_.set("command", toml_string_array(split->words));
  }
  return {};
}

// Maps one key that has a tend equivalent; false when it has none or its value is not understood.
bool ProgramConverter::map_key(const std::string& key, const std::string& v) {
  auto number = read_int(v);
  auto flag = read_bool(v);
  auto seconds = [&] { return toml_string(format_duration(Millis(*number * 1000))); };
  if (key == "directory") {
    out_.set("cwd", toml_string(v));
  } else if (key == "environment") {
    auto env = parse_environment(v);
    if (!env) return false;
    for (const auto& [k, val] : *env) out_.set_env(k, val);
  } else if (number && (key == "numprocs" || key == "startretries" || key == "stdout_logfile_backups")) {
    out_.set(key == "numprocs"       ? "instances"
             : key == "startretries" ? "max_restarts"
                                     : "log_keep",
             std::to_string(*number));
  } else if (number && (key == "startsecs" || key == "stopwaitsecs")) {
    out_.set(key == "startsecs" ? "min_uptime" : "kill_timeout", seconds());
  } else if (key == "autostart" && flag) {
    out_.set("autostart", *flag ? "true" : "false");
  } else if (key == "autorestart" && (flag || lower(v) == "unexpected")) {
    out_.set("restart", toml_string(!flag ? "on-failure" : *flag ? "always" : "never"));
  } else if (key == "stopsignal" && parse_signal(v)) {
    out_.set("stop_signal", toml_string(signal_name(*parse_signal(v))));
  } else if (key == "stdout_logfile_maxbytes") {
    log_max_size(v);
  } else {
    return false;
  }
  return true;
}

// supervisord sizes are "50MB", any case; 0 turns its rotation off, which tend does not do.
void ProgramConverter::log_max_size(const std::string& v) {
  std::string upper = v;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  auto size = parse_size(upper);
  if (size && *size >= 4096)
    out_.set("log_max_size", toml_string(format_size_exact(*size)));
  else
    out_.unmapped(kSupervisord, "stdout_logfile_maxbytes",
                  fmt::format("{}: tend always rotates, at 4KB or more", v));
}

}  // namespace

Result<std::string> import_supervisord(const std::string& ini_text, const SupervisordContext& context) {
  auto sections = parse_ini(ini_text);
  if (!sections) return Error{EINVAL, "unable to import supervisord config: " + sections.error().message};
  SupervisordContext ctx = context;
  if (ctx.host_node_name.empty()) {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0) ctx.host_node_name = host;
  }
  std::string header =
      "# Converted from a supervisord config by `tend import supervisord`.\n"
      "# Comments name each supervisord key or section that has no tend equivalent, and why.\n";
  std::string others, programs;
  for (const auto& section : *sections) {
    if (!section.name.starts_with("program:")) {
      others += section_comment(section);
      continue;
    }
    auto program = ProgramConverter(section, ctx).convert();
    if (!program) return program.error();
    programs += "\n" + program->render();
  }
  return checked_import(header + (others.empty() ? "" : "\n" + others) + programs, "supervisord config");
}

}  // namespace tend
