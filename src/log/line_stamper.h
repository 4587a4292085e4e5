#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tend {

/// Turns raw pipe bytes into log-file bytes. Pure: no I/O, time passed in.
/// With stamping on, every complete line becomes "<RFC 3339 ms> <line>\n", stamped with the time it was
/// read (the now_ms of the feed() that completed it... precisely: of the feed that delivered its first byte);
/// a partial line waits for its newline, a flush() or until it reaches max_line bytes, where it is cut and
/// the rest continues as a new line. With stamping off, bytes pass through unchanged (fast path).
class LineStamper {
 public:
  explicit LineStamper(bool stamp, std::size_t max_line = 64 * 1024);

  /// Appends to out the log bytes for data.
  void feed(std::string_view data, std::int64_t now_ms, std::string& out);
  /// Ends a pending partial line with '\n' (at exit, so the last line is never lost).
  void flush(std::int64_t now_ms, std::string& out);
  bool has_partial() const;

 private:
  bool stamp_;
  std::size_t max_line_;
  std::string partial_;
  std::int64_t partial_stamp_ms_ = 0;
};

}  // namespace tend
