#pragma once
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tend {

/// A TOML basic string: "..." with ", \ and control characters escaped.
std::string toml_string(std::string_view text);
/// A TOML array of basic strings on one line.
std::string toml_string_array(const std::vector<std::string>& items);
/// A bare key when it is only A-Z a-z 0-9 _ -, else a quoted key.
std::string toml_key(std::string_view key);

/// One [programs.NAME] section written by an importer: mapped keys in the order set, then one comment per
/// key that could not be mapped, then the env sub-table. Values are already TOML text.
class ProgramSection {
 public:
  explicit ProgramSection(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  /// Sets key = value (TOML text), replacing an earlier value of the same key in place.
  void set(std::string_view key, std::string value);
  bool has(std::string_view key) const;
  void set_env(const std::string& key, const std::string& value) { env_[key] = value; }
  /// A free comment line in the section ("# " is added).
  void note(std::string_view text);
  /// "# <tool> key '<key>' not mapped: <why>".
  void unmapped(std::string_view tool, std::string_view key, std::string_view why);
  std::string render() const;

 private:
  std::string name_;
  std::vector<std::pair<std::string, std::string>> keys_;
  std::vector<std::string> comments_;
  std::map<std::string, std::string> env_;
};

}  // namespace tend
