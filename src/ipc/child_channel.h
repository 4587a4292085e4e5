#pragma once
#include <systemd/sd-event.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "util/result.h"
#include "util/unique_fd.h"

namespace tend {

/// The daemon's end of one child's message channel (a SOCK_STREAM socketpair; docs/ipc.md): frames it as
/// Node's `json` serialization does, one document per '\n'-terminated line, on the event loop.
///
/// A hostile child cannot hurt the daemon through it: reads are non-blocking, bounded per dispatch and
/// rate-limited; a line longer than max_message is discarded as it streams in (memory stays bounded) and
/// reported once; fds passed with SCM_RIGHTS are closed at once; what the child does not read is queued up
/// to max_queued bytes, and a message that would exceed that is refused rather than buffered.
class ChildChannel {
 public:
  struct Handlers {
    std::function<void(std::string_view line)> line;                     // one complete line, without '\n'
    std::function<void(const std::string& reason, std::size_t bytes)> dropped;  // oversized line
    std::function<void()> closed;                                        // the child closed its end
  };

  /// fd is made non-blocking. max_queued defaults to the larger of 4 MiB and 2 × max_message.
  ChildChannel(sd_event* loop, UniqueFd fd, std::size_t max_message, std::int64_t priority,
               Handlers handlers);
  ~ChildChannel();
  ChildChannel(const ChildChannel&) = delete;
  ChildChannel& operator=(const ChildChannel&) = delete;

  /// Queues line + '\n' (line must hold no '\n') and writes what the socket takes now. ENOBUFS when the
  /// child is not reading and the queue would pass max_queued; EPIPE once the channel is closed; EMSGSIZE
  /// for a line longer than max_message.
  Status send(std::string_view line);
  /// Reads whatever is buffered now (bounded), before the child's exit is recorded.
  void drain();
  bool open() const { return fd_.valid() && !closed_; }
  int fd() const { return fd_.get(); }
  std::size_t queued() const { return out_.size() - out_sent_; }

 private:
  static int on_io(sd_event_source* s, int fd, uint32_t revents, void* self);
  /// Reads up to budget bytes; false when nothing more is available now (or the channel closed).
  bool read_some(std::size_t budget);
  void feed(std::string_view data);
  void append_partial(std::string_view data);
  void finish_discard();
  bool flush();
  void update_events();
  void close_now();

  UniqueFd fd_;
  std::size_t max_message_;
  std::size_t max_queued_;
  Handlers handlers_;
  sd_event_source* source_ = nullptr;
  std::string in_;
  bool discarding_ = false;
  std::size_t discarded_ = 0;
  std::string out_;
  std::size_t out_sent_ = 0;
  bool closed_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // handlers may destroy us
};

}  // namespace tend
