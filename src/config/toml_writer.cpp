#include "config/toml_writer.h"

#include <fmt/format.h>

#include <algorithm>

#include "config/config_file.h"

namespace tend {

std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
          out += fmt::format("\\u{:04X}", static_cast<unsigned char>(c));
        else
          out += c;
    }
  }
  return out + "\"";
}

std::string toml_string_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + toml_string(items[i]);
  return out + "]";
}

std::string toml_key(std::string_view key) {
  bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
  return bare ? std::string(key) : toml_string(key);
}

void ProgramSection::set(std::string_view key, std::string value) {
  for (auto& [k, v] : keys_)
    if (k == key) {
      v = std::move(value);
      return;
    }
  keys_.emplace_back(key, std::move(value));
}

bool ProgramSection::has(std::string_view key) const {
  return std::any_of(keys_.begin(), keys_.end(), [&](const auto& kv) { return kv.first == key; });
}

namespace {

// A comment ends at a newline, so text from the imported file must not carry one.
std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return text;
}

}  // namespace

void ProgramSection::note(std::string_view text) {
  comments_.push_back(one_line(fmt::format("# {}", text)));
}

void ProgramSection::unmapped(std::string_view tool, std::string_view key, std::string_view why) {
  comments_.push_back(one_line(fmt::format("# {} key '{}' not mapped: {}", tool, key, why)));
}

std::string ProgramSection::render() const {
  // Keys come out in the order docs/config.md lists them, whatever order the imported file used.
  auto rank = [keys = program_keys()](const std::string& key) {
    return std::find(keys.begin(), keys.end(), key) - keys.begin();
  };
  auto keys = keys_;
  std::stable_sort(keys.begin(), keys.end(),
                   [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  std::string out = fmt::format("[programs.{}]\n", toml_key(name_));
  for (const auto& [key, value] : keys) out += fmt::format("{} = {}\n", key, value);
  for (const auto& comment : comments_) out += comment + "\n";
  if (!env_.empty()) {
    out += fmt::format("\n[programs.{}.env]\n", toml_key(name_));
    for (const auto& [key, value] : env_) out += fmt::format("{} = {}\n", toml_key(key), toml_string(value));
  }
  return out;
}

}  // namespace tend
