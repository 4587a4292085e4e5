#pragma once
#include <string>
#include <vector>

#include "config/config_error.h"

namespace tend::testing {

/// The fixtures directory, tests/data/config.
inline std::string config_data(const std::string& name = "") {
  return std::string(TEND_TEST_DATA_DIR) + "/config" + (name.empty() ? "" : "/" + name);
}

/// Every error as "FILE:LINE:COL: message" (empty when the load succeeded).
template <typename T>
std::vector<std::string> error_lines(const ConfigResult<T>& result) {
  std::vector<std::string> out;
  if (!result.ok())
    for (const auto& e : result.errors()) out.push_back(e.to_string());
  return out;
}

}  // namespace tend::testing
