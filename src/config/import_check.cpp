#include "config/import_check.h"

#include <fmt/format.h>

#include "config/config_file.h"

namespace tend {

Result<std::string> checked_import(std::string text, std::string_view what) {
  auto loaded = parse_config(text, "imported.toml", {});
  if (loaded) return text;
  return Error{EINVAL, fmt::format("unable to import {}: the result does not validate: {}", what,
                                   loaded.errors().front().to_string())};
}

std::string program_name_from(std::string_view text) {
  std::string name(text);
  for (char& c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) c = '-';
  return name;
}

std::string_view why_unmapped(std::span<const UnmappedKey> table, std::string_view key, std::string_view fallback) {
  for (const UnmappedKey& entry : table)
    if (entry.key == key) return entry.why;
  return fallback;
}

}  // namespace tend
