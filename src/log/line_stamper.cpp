#include "log/line_stamper.h"

#include <algorithm>
#include <cstring>

#include "util/clock.h"

namespace tend {

namespace {

constexpr std::size_t kStampSize = 24;

/// "<stamp> " for one feed: every line started within a feed shares it, so it is formatted once.
struct Prefix {
  char bytes[kStampSize + 1];
  explicit Prefix(std::int64_t ms) {
    write_rfc3339_ms(ms, bytes);
    bytes[kStampSize] = ' ';
  }
  std::string_view view() const { return {bytes, sizeof bytes}; }
};

}  // namespace

LineStamper::LineStamper(bool stamp, std::size_t max_line)
    : stamp_(stamp), max_line_(std::max<std::size_t>(max_line, 1)) {}

bool LineStamper::has_partial() const {
  return !partial_.empty();
}

void LineStamper::emit(std::int64_t stamp_ms, std::string_view tail, std::string& out) {
  out.append(Prefix(stamp_ms).view());
  out.append(partial_);
  out.append(tail);
  out.push_back('\n');
  partial_.clear();
}

// One pass over data, top to bottom: finish the held-back line, then emit whole lines straight from data
// (no copy into partial_), then keep the unfinished tail.
void LineStamper::feed(std::string_view data, std::int64_t now_ms, std::string& out) {
  if (!stamp_) {
    out.append(data);
    return;
  }
  const Prefix prefix(now_ms);
  // Room for the common case (lines of ~100 bytes); longer lines need less, shorter ones grow the string.
  out.reserve(out.size() + data.size() + data.size() / 4 + prefix.view().size() + partial_.size() + 1);
  const char* p = data.data();
  const char* const end = p + data.size();
  while (p < end) {
    std::size_t avail = std::size_t(end - p);
    std::size_t room = max_line_ - partial_.size();
    // A newline right after a full line (at index room) still ends that line rather than an empty one.
    std::size_t scan = std::min(avail, room + 1);
    auto* nl = static_cast<const char*>(std::memchr(p, '\n', scan));
    if (!partial_.empty()) {
      if (nl) {
        emit(partial_stamp_ms_, {p, std::size_t(nl - p)}, out);
        p = nl + 1;
      } else if (avail <= room) {
        partial_.append(p, avail);
        p = end;
      } else {
        emit(partial_stamp_ms_, {p, room}, out);
        p += room;
      }
    } else if (nl) {
      out.append(prefix.view());
      out.append(p, std::size_t(nl - p) + 1);
      p = nl + 1;
    } else if (avail <= room) {
      partial_.assign(p, avail);
      partial_stamp_ms_ = now_ms;
      p = end;
    } else {
      out.append(prefix.view());
      out.append(p, room);
      out.push_back('\n');
      p += room;
    }
  }
}

void LineStamper::flush(std::int64_t /*now_ms*/, std::string& out) {
  if (!partial_.empty()) emit(partial_stamp_ms_, {}, out);
}

}  // namespace tend
