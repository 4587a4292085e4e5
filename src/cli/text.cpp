#include "cli/text.h"

#include <fmt/format.h>

#include <charconv>

#include "core/program_spec.h"

namespace tend::cli {

Result<Target> parse_target(std::string_view text) {
  Target t;
  auto colon = text.rfind(':');
  t.program = std::string(text.substr(0, colon));
  if (!valid_program_name(t.program))
    return Error{EINVAL, fmt::format("invalid target '{}': expected NAME or NAME:I", text)};
  if (colon == std::string_view::npos) return t;
  std::string_view index = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(index.data(), index.data() + index.size(), t.instance);
  if (ec != std::errc() || end != index.data() + index.size() || t.instance < 0)
    return Error{EINVAL, fmt::format("invalid target '{}': the instance after ':' is a number", text)};
  return t;
}

}  // namespace tend::cli
