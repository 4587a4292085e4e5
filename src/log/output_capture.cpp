#include "log/output_capture.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "util/clock.h"
#include "util/daemon_log.h"

namespace tend {

namespace {

constexpr std::size_t kReadSize = 256 * 1024;
/// Work per dispatch: enough to keep up with a full-speed child, small enough that the loop comes back to
/// its other sources (same-priority pipes are then served round-robin by sd-event).
constexpr std::size_t kDispatchBudget = 1024 * 1024;
/// drain() reads until the pipe is empty; after the child's exit that is at most one pipe buffer, but a
/// surviving grandchild could keep writing forever, so bound it.
constexpr std::size_t kDrainBudget = 16 * 1024 * 1024;
constexpr int kPipeSize = 1024 * 1024;
constexpr std::size_t kDefaultPipeSize = 64 * 1024;
/// Out buffers above this (only after a pathological burst of tiny lines) are released after the write.
constexpr std::size_t kKeepOutCapacity = 1024 * 1024;

/// Rate limit: at most kRateBurst dispatches per kRateIntervalUsec, then the source sleeps for the rest of
/// the interval. A full-speed child needs far fewer dispatches than this (each moves up to 1 MiB, and
/// while a reader keeps pace the child itself is the bottleneck), so throughput is unaffected; a source
/// that is ready at every iteration for a whole interval yields it to the lower-priority sources.
constexpr std::uint64_t kRateIntervalUsec = 100 * 1000;
constexpr unsigned kRateBurst = 2000;

/// One read buffer shared by every capture on the loop's thread: nothing stays in it between calls.
char* read_buffer() {
  static thread_local std::unique_ptr<char[]> buf(new char[kReadSize]);
  return buf.get();
}

}  // namespace

OutputCapture::OutputCapture(sd_event* loop, UniqueFd read_end, LogFile& file, bool stamp, int64_t priority,
                             Sink sink)
    : fd_(std::move(read_end)), file_(file), stamper_(stamp), sink_(std::move(sink)) {
  int flags = ::fcntl(fd_.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd_.get(), F_SETFL, flags | O_NONBLOCK);

  int r = sd_event_add_io(loop, &source_, fd_.get(), EPOLLIN, &OutputCapture::on_readable, this);
  if (r < 0) {
    log_error("unable to watch output of {}: {}", file_.path(), std::strerror(-r));
    source_ = nullptr;
    return;
  }
  sd_event_source_set_priority(source_, priority);
  sd_event_source_set_ratelimit(source_, kRateIntervalUsec, kRateBurst);
}

OutputCapture::~OutputCapture() {
  if (source_) sd_event_source_disable_unref(source_);
}

int OutputCapture::on_readable(sd_event_source*, int, uint32_t, void* self) {
  auto* capture = static_cast<OutputCapture*>(self);
  capture->read_some(kDispatchBudget);
  if (capture->eof_) capture->finish(false);
  return 0;
}

void OutputCapture::drain(bool final) {
  if (!eof_) read_some(kDrainBudget);
  finish(final);
}

void OutputCapture::finish(bool final) {
  if (eof_ || final) {
    stamper_.flush(wall_ms(), out_);
    write_out(out_);
  }
  if (eof_ && source_) sd_event_source_set_enabled(source_, SD_EVENT_OFF);
}

bool OutputCapture::read_some(std::size_t max_bytes) {
  char* buf = read_buffer();
  std::size_t total = 0;
  while (total < max_bytes) {
    ssize_t n = ::read(fd_.get(), buf, kReadSize);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return false;
    if (n <= 0) {  // EOF, or a read error, which leaves nothing more to read either
      eof_ = true;
      return false;
    }
    total += std::size_t(n);
    // A read that found the pipe full means a chatty child: give it a 1 MiB pipe for fewer, larger reads.
    // Only then — every pipe that large would soon exhaust the per-user pipe quota
    // (fs.pipe-user-pages-soft), past which the kernel hands out one-page pipes. EPERM is fine.
    if (!pipe_grown_ && std::size_t(n) >= kDefaultPipeSize) {
      pipe_grown_ = true;
      (void)::fcntl(fd_.get(), F_SETPIPE_SZ, kPipeSize);
    }
    stamper_.feed({buf, std::size_t(n)}, wall_ms(), out_);
    write_out(out_);
  }
  return true;
}

// bytes is always a view of out_, which is emptied afterwards for the next batch.
void OutputCapture::write_out(std::string_view bytes) {
  if (bytes.empty()) return;
  if (Status s = file_.write(bytes); !s) {
    if (!write_failed_) log_warning("{}", s.error().message);
    write_failed_ = true;
  } else {
    write_failed_ = false;
  }
  if (sink_) sink_(bytes);
  out_.clear();
  if (out_.capacity() > kKeepOutCapacity) std::string().swap(out_);
}

}  // namespace tend
