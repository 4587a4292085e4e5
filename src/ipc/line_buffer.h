#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tend {

/// Accumulates bytes from a stream socket and hands out complete '\n'-terminated lines. A line longer than
/// max_bytes is an overflow: the connection should be answered too_large and closed.
class LineBuffer {
 public:
  explicit LineBuffer(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  void append(std::string_view data) { buf_.append(data); }
  /// The next complete line without its '\n', if any.
  std::optional<std::string> next_line();
  /// True when the unterminated tail already exceeds max_bytes.
  bool overflowed() const { return buf_.size() - consumed_ > max_bytes_; }
  bool has_partial() const { return buf_.size() > consumed_; }

 private:
  std::size_t max_bytes_;
  std::string buf_;
  std::size_t consumed_ = 0;
};

}  // namespace tend
