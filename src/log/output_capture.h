#pragma once
#include <systemd/sd-event.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "log/line_stamper.h"
#include "log/log_file.h"
#include "util/unique_fd.h"

namespace tend {

/// Reads one child pipe (stdout or stderr) on the event loop, stamps lines and appends them to a LogFile.
/// Each dispatch reads a bounded amount (so a chatty child cannot starve the loop) and the source is
/// rate-limited with sd_event_source_set_ratelimit. Owns the read end and the event source.
class OutputCapture {
 public:
  /// Called with the exact bytes just written to the file (complete stamped lines, or raw bytes when
  /// stamping is off). Used to stream `logs -f`.
  using Sink = std::function<void(std::string_view bytes)>;

  /// read_end is made O_NONBLOCK and its pipe enlarged to 1 MiB when allowed. priority: an sd-event
  /// priority (larger = later). file must outlive this. If the io source cannot be added (ENOMEM), that is
  /// logged and the pipe is only read by drain().
  OutputCapture(sd_event* loop, UniqueFd read_end, LogFile& file, bool stamp, int64_t priority, Sink sink);
  ~OutputCapture();
  OutputCapture(const OutputCapture&) = delete;
  OutputCapture& operator=(const OutputCapture&) = delete;

  /// Reads everything available right now without blocking, then flushes a partial line if at EOF or if
  /// final is true. Called before an exit is recorded, so the last lines are never lost.
  void drain(bool final);
  /// True once the write side is closed by everyone (EOF seen); the source is then disabled.
  bool at_eof() const { return eof_; }

 private:
  static int on_readable(sd_event_source* s, int fd, uint32_t revents, void* self);
  /// Reads at most max_bytes; returns false when nothing more is available now.
  bool read_some(std::size_t max_bytes);
  void write_out(std::string_view bytes);
  /// Flushes the partial line; on EOF also disables the source.
  void finish(bool final);

  UniqueFd fd_;
  LogFile& file_;
  LineStamper stamper_;
  Sink sink_;
  sd_event_source* source_ = nullptr;
  bool eof_ = false;
  bool pipe_grown_ = false;
  bool write_failed_ = false;  // warn once per failure streak, not once per batch
  std::string out_;            // reused buffer for stamped output
};

}  // namespace tend
