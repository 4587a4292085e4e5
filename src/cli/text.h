#pragma once
// Small text helpers shared by the commands.
#include <string>
#include <string_view>

#include "util/printable.h"
#include "util/result.h"

namespace tend::cli {

/// A target "NAME" or "NAME:I" split into the program and the instance (-1 for NAME alone). EINVAL with a
/// usage message for a bad name or index.
struct Target {
  std::string program;
  int instance = -1;
};
Result<Target> parse_target(std::string_view text);

}  // namespace tend::cli
