#pragma once
#include <string>
#include <string_view>

#include "util/result.h"

namespace tend {

/// Confirms that importer output loads as a tend.toml (with an empty base env). Returns the text, or an
/// Error "unable to import <what>: the result does not validate: <first problem>" — a bug in the importer
/// or a value out of tend's ranges, either way better refused than printed.
Result<std::string> checked_import(std::string text, std::string_view what);

/// A program name made from text: characters other than A-Z a-z 0-9 _ . - become '-'.
std::string program_name_from(std::string_view text);

}  // namespace tend
