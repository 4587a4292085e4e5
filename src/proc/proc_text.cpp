#include "proc/proc_text.h"

#include <charconv>
#include <limits>

namespace tend {
namespace {

template <typename T>
std::optional<T> parse_whole(std::string_view text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

void for_each_key_value(std::string_view text, const std::function<void(std::string_view, std::string_view)>& fn) {
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    fn(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  return parse_whole<std::uint64_t>(text);
}

std::optional<std::int64_t> parse_i64(std::string_view text) {
  return parse_whole<std::int64_t>(text);
}

std::optional<std::uint64_t> parse_kib_as_bytes(std::string_view text) {
  if (!text.ends_with(" kB")) return std::nullopt;
  auto kib = parse_u64(trim(text.substr(0, text.size() - 3)));
  if (!kib || *kib > std::numeric_limits<std::uint64_t>::max() / 1024) return std::nullopt;
  return *kib * 1024;
}

}  // namespace tend
