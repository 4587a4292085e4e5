#include "config/ini.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/text.h"

namespace tend {
namespace {

std::string_view strip_inline_comment(std::string_view value) {
  for (std::size_t i = 1; i < value.size(); ++i)
    if ((value[i] == ';' || value[i] == '#') && (value[i - 1] == ' ' || value[i - 1] == '\t'))
      return trim(value.substr(0, i));
  return value;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

// Line by line: a header, a comment, a continuation of the last value, or a new key.
Result<std::vector<IniSection>> parse_ini(std::string_view text) {
  std::vector<IniSection> sections;
  bool can_continue = false;
  int line_no = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    std::string_view line = trim(raw);
    if (line.empty()) {
      can_continue = false;
      continue;
    }
    if (line.front() == ';' || line.front() == '#') continue;
    bool indented = raw.front() == ' ' || raw.front() == '\t';
    if (indented && can_continue) {
      auto& value = sections.back().entries.back().second;
      value += (value.empty() ? "" : "\n") + std::string(strip_inline_comment(line));
      continue;
    }
    if (line.front() == '[' && line.back() == ']') {
      sections.push_back({std::string(trim(line.substr(1, line.size() - 2))), line_no, {}});
      can_continue = false;
      continue;
    }
    auto sep = line.find_first_of("=:");
    if (sep == std::string_view::npos)
      return Error{EINVAL, fmt::format("line {}: expected `key = value` or a [section]", line_no)};
    if (sections.empty()) return Error{EINVAL, fmt::format("line {}: key outside any [section]", line_no)};
    sections.back().entries.emplace_back(lower(trim(line.substr(0, sep))),
                                         std::string(strip_inline_comment(trim(line.substr(sep + 1)))));
    can_continue = true;
  }
  return sections;
}

}  // namespace tend
