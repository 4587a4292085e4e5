#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tend {

/// Turns raw pipe bytes into log-file bytes. Pure: no I/O, time passed in.
/// With stamping on, every line becomes "<RFC 3339 ms> <line>\n", stamped with the now_ms of the feed()
/// that delivered its first byte. A partial line waits for its newline or a flush(); a line longer than
/// max_line bytes (newline not counted) is cut after max_line bytes and the rest continues as a new line
/// stamped with the feed that delivered the rest. With stamping off, bytes pass through unchanged and
/// nothing is ever held back.
class LineStamper {
 public:
  /// max_line 0 is taken as 1.
  explicit LineStamper(bool stamp, std::size_t max_line = 64 * 1024);

  /// Appends to out the log bytes for data (complete lines only; a trailing partial line is kept).
  void feed(std::string_view data, std::int64_t now_ms, std::string& out);
  /// Ends a pending partial line with '\n' (at exit, so the last line is never lost). The line keeps the
  /// stamp of its first byte; now_ms is unused and kept for symmetry with feed(). No-op when stamping is off.
  void flush(std::int64_t now_ms, std::string& out);
  /// True while a partial line is held back.
  bool has_partial() const;

 private:
  bool stamp_;
  std::size_t max_line_;
  std::string partial_;
  std::int64_t partial_stamp_ms_ = 0;

  void emit(std::int64_t stamp_ms, std::string_view tail, std::string& out);
};

}  // namespace tend
