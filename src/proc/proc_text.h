#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "util/text.h"  // trim, which the /proc readers use throughout

namespace tend {

// Small pieces shared by the /proc parsers, which all read "Key: value" lines or whitespace-separated fields.

/// Calls fn(key, value) for each line "Key:<spaces or tabs>value" (value trimmed); lines without ':' are skipped.
void for_each_key_value(std::string_view text, const std::function<void(std::string_view, std::string_view)>& fn);

/// The whole of text as a decimal number (no sign, no spaces); nullopt otherwise.
std::optional<std::uint64_t> parse_u64(std::string_view text);
std::optional<std::int64_t> parse_i64(std::string_view text);

/// "1752 kB" → 1752 * 1024; nullopt when the text is not "<number> kB".
std::optional<std::uint64_t> parse_kib_as_bytes(std::string_view text);

}  // namespace tend
