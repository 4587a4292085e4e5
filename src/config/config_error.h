#pragma once
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tend {

/// A 1-based position in a source file; line 0 means "the file as a whole".
struct SourcePos {
  int line = 0;
  int column = 0;
};

/// One problem found in a config file (tend.toml, a Procfile, a dotenv file), at the offending key or value.
struct ConfigError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;

  /// "FILE:LINE:COL: message"; "FILE: message" when the error has no position.
  std::string to_string() const;
};

/// Either a value or every problem found (never an empty list). Loading reports all errors, not the first.
template <typename T>
class [[nodiscard]] ConfigResult {
 public:
  ConfigResult(T value) : v_(std::move(value)) {}
  ConfigResult(std::vector<ConfigError> errors) : v_(std::move(errors)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const std::vector<ConfigError>& errors() const { return std::get<1>(v_); }

 private:
  std::variant<T, std::vector<ConfigError>> v_;
};

}  // namespace tend
