#include "ipc/line_buffer.h"

namespace tend {

std::optional<std::string> LineBuffer::next_line() {
  auto nl = buf_.find('\n', consumed_);
  if (nl == std::string::npos) {
    // Compact once everything complete has been consumed, so the buffer does not grow without bound.
    buf_.erase(0, consumed_);
    consumed_ = 0;
    return std::nullopt;
  }
  if (nl - consumed_ > max_bytes_) return std::nullopt;  // overflowed(): caller closes
  std::string line = buf_.substr(consumed_, nl - consumed_);
  consumed_ = nl + 1;
  return line;
}

}  // namespace tend
