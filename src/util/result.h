#pragma once
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <variant>

namespace tend {

/// An error: an errno value (0 when none applies) and a message of the form
/// "unable to <verb> <object>: <reason>".
struct Error {
  int code = 0;
  std::string message;
};

/// Builds an Error from the current errno: "<what>: <strerror>".
inline Error errno_error(const std::string& what, int err = errno) {
  return Error{err, what + ": " + std::strerror(err)};
}

/// Either a value or an Error. No exceptions travel across the event loop; this does.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace tend
