#include "proc/proc_limits.h"

#include "proc/proc_files.h"
#include "proc/proc_text.h"

namespace tend {
namespace {

struct Columns {
  size_t soft = 0;
  size_t hard = 0;
  size_t units = 0;
};

std::optional<Columns> find_columns(std::string_view header) {
  Columns c{header.find("Soft Limit"), header.find("Hard Limit"), header.find("Units")};
  if (!header.starts_with("Limit") || c.soft == std::string_view::npos || c.hard == std::string_view::npos ||
      c.units == std::string_view::npos || !(c.soft < c.hard && c.hard < c.units))
    return std::nullopt;
  return c;
}

// "unlimited" or a decimal number.
bool parse_limit(std::string_view text, std::optional<std::uint64_t>* out) {
  if (text == "unlimited") {
    out->reset();
    return true;
  }
  *out = parse_u64(text);
  return out->has_value();
}

std::string_view column(std::string_view line, size_t from, size_t to) {
  if (from >= line.size()) return {};
  return trim(line.substr(from, to == std::string_view::npos ? to : to - from));
}

}  // namespace

Result<std::vector<ProcLimit>> parse_proc_limits(std::string_view text) {
  auto parse_error = [](const std::string& why) { return Error{EINVAL, "unable to parse /proc/PID/limits: " + why}; };
  size_t eol = text.find('\n');
  auto columns = find_columns(text.substr(0, eol));
  if (!columns || eol == std::string_view::npos) return parse_error("no header");
  std::vector<ProcLimit> limits;
  text.remove_prefix(eol + 1);
  while (!text.empty()) {
    eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (trim(line).empty()) continue;
    ProcLimit limit;
    limit.name = std::string(column(line, 0, columns->soft));
    limit.units = std::string(column(line, columns->units, std::string_view::npos));
    if (limit.name.empty() || !parse_limit(column(line, columns->soft, columns->hard), &limit.soft) ||
        !parse_limit(column(line, columns->hard, columns->units), &limit.hard))
      return parse_error("bad row '" + std::string(line) + "'");
    limits.push_back(std::move(limit));
  }
  if (limits.empty()) return parse_error("no rows");
  return limits;
}

Result<std::vector<ProcLimit>> read_proc_limits(pid_t pid) {
  auto text = read_proc_text(proc_dir(pid), "limits");
  if (!text) return text.error();
  return parse_proc_limits(*text);
}

}  // namespace tend
