#include "inspect/env_mask.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace tend {

bool looks_secret(std::string_view key) {
  std::string upper(key);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return char(std::toupper(c)); });
  static constexpr std::array<std::string_view, 6> kWords{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL"};
  return std::any_of(kWords.begin(), kWords.end(),
                     [&](std::string_view word) { return upper.find(word) != std::string::npos; });
}

std::string masked_value(std::string_view value) {
  return "<masked: " + std::to_string(value.size()) + " bytes>";
}

std::vector<std::pair<std::string, std::string>> masked_environment(const std::vector<std::string>& entries,
                                                                    bool reveal) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& entry : entries) {
    auto eq = entry.find('=');
    std::string key = entry.substr(0, eq);
    std::string value = eq == std::string::npos ? std::string() : entry.substr(eq + 1);
    if (!reveal && looks_secret(key)) value = masked_value(value);
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

}  // namespace tend
