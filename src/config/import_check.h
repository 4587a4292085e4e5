#pragma once
#include <span>
#include <string>
#include <string_view>

#include "util/result.h"

namespace tend {

/// Confirms that importer output loads as a tend.toml (with an empty base env). Returns the text, or an
/// Error "unable to import <what>: the result does not validate: <first problem>" — a bug in the importer
/// or a value out of tend's ranges, either way better refused than printed.
Result<std::string> checked_import(std::string text, std::string_view what);

/// A key of another tool's config that tend does not map, and why (kept as a comment in the output).
struct UnmappedKey {
  std::string_view key;
  std::string_view why;
};

/// Why key is not mapped: its entry in table, else fallback.
std::string_view why_unmapped(std::span<const UnmappedKey> table, std::string_view key, std::string_view fallback);

/// A program name made from text: characters other than A-Z a-z 0-9 _ . - become '-'.
std::string program_name_from(std::string_view text);

}  // namespace tend
