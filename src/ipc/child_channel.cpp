#include "ipc/child_channel.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "ipc/socket_util.h"
#include "util/daemon_log.h"

namespace tend {

namespace {

constexpr std::size_t kReadSize = 64 * 1024;
/// Work per dispatch: a flooding child yields the loop to everyone else after this much.
constexpr std::size_t kDispatchBudget = 256 * 1024;
/// drain() after the child's exit: what the socket buffer can hold, with margin.
constexpr std::size_t kDrainBudget = 8 * 1024 * 1024;
/// fds a child may attach to one read (Node attaches one per handle); more are closed by the kernel.
constexpr std::size_t kMaxFdsPerRead = 16;
/// As OutputCapture: a source ready at every iteration for a whole interval yields to lower priorities.
constexpr std::uint64_t kChannelRateIntervalUsec = 100 * 1000;
constexpr unsigned kChannelRateBurst = 2000;

char* read_buffer() {
  static thread_local std::unique_ptr<char[]> buf(new char[kReadSize]);
  return buf.get();
}

}  // namespace

ChildChannel::ChildChannel(sd_event* loop, UniqueFd fd, std::size_t max_message, std::int64_t priority,
                           Handlers handlers)
    : fd_(std::move(fd)),
      max_message_(max_message),
      max_queued_(std::max<std::size_t>(4u << 20, 2 * max_message)),
      handlers_(std::move(handlers)) {
  int flags = ::fcntl(fd_.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd_.get(), F_SETFL, flags | O_NONBLOCK);
  int r = sd_event_add_io(loop, &source_, fd_.get(), EPOLLIN, &ChildChannel::on_io, this);
  if (r < 0) {
    log_error("unable to watch a message channel: {}", std::strerror(-r));
    source_ = nullptr;
    return;
  }
  sd_event_source_set_priority(source_, priority);
  sd_event_source_set_ratelimit(source_, kChannelRateIntervalUsec, kChannelRateBurst);
}

ChildChannel::~ChildChannel() {
  *alive_ = false;
  sd_event_source_disable_unref(source_);
}

int ChildChannel::on_io(sd_event_source*, int, uint32_t revents, void* self_ptr) {
  auto* self = static_cast<ChildChannel*>(self_ptr);
  auto alive = self->alive_;
  if (revents & EPOLLOUT) {
    if (!self->flush() || !*alive) return 0;
  }
  if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) self->read_some(kDispatchBudget);
  return 0;
}

void ChildChannel::drain() {
  if (open()) read_some(kDrainBudget);
}

bool ChildChannel::read_some(std::size_t budget) {
  auto alive = alive_;
  char* buf = read_buffer();
  std::size_t total = 0;
  while (total < budget && open()) {
    iovec iov{buf, kReadSize};
    alignas(cmsghdr) char control[CMSG_SPACE(kMaxFdsPerRead * sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(fd_.get(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return false;
    if (n > 0) close_passed_fds(msg);
    if (n <= 0) {
      close_now();
      if (handlers_.closed) handlers_.closed();
      return false;
    }
    total += std::size_t(n);
    feed(std::string_view(buf, std::size_t(n)));
    if (!*alive) return false;
  }
  return true;
}

void ChildChannel::feed(std::string_view data) {
  auto alive = alive_;
  while (!data.empty()) {
    auto nl = data.find('\n');
    if (nl == std::string_view::npos) return append_partial(data);
    std::string_view piece = data.substr(0, nl);
    data.remove_prefix(nl + 1);
    if (discarding_) {
      discarded_ += piece.size();
      finish_discard();
    } else if (!in_.empty()) {
      if (in_.size() + piece.size() > max_message_) {
        discarded_ = in_.size() + piece.size();
        in_.clear();
        finish_discard();
      } else {
        in_.append(piece);
        std::string line = std::move(in_);
        in_.clear();
        handlers_.line(line);
      }
    } else if (piece.size() > max_message_) {
      discarded_ = piece.size();
      finish_discard();
    } else {
      handlers_.line(piece);
    }
    if (!*alive || !open()) return;
  }
}

void ChildChannel::append_partial(std::string_view data) {
  if (discarding_) {
    discarded_ += data.size();
    return;
  }
  if (in_.size() + data.size() <= max_message_) {
    in_.append(data);
    return;
  }
  // Too long to ever be delivered: forget it as it streams in instead of buffering it.
  discarding_ = true;
  discarded_ = in_.size() + data.size();
  std::string().swap(in_);
}

void ChildChannel::finish_discard() {
  discarding_ = false;
  std::size_t bytes = discarded_;
  discarded_ = 0;
  if (handlers_.dropped)
    handlers_.dropped(fmt::format("message of {} bytes exceeds the limit of {} bytes", bytes, max_message_),
                      bytes);
}

Status ChildChannel::send(std::string_view line) {
  if (!open()) return Error{EPIPE, "the channel is closed"};
  if (line.size() > max_message_)
    return Error{EMSGSIZE,
                 fmt::format("message of {} bytes exceeds the limit of {} bytes", line.size(), max_message_)};
  if (queued() + line.size() + 1 > max_queued_)
    return Error{ENOBUFS, fmt::format("the child is not reading its channel ({} bytes waiting)", queued())};
  if (out_sent_ == out_.size()) {
    out_.clear();
    out_sent_ = 0;
  }
  out_.append(line);
  out_ += '\n';
  if (!flush()) return Error{EPIPE, "the channel is closed"};
  return {};
}

bool ChildChannel::flush() {
  while (out_sent_ < out_.size()) {
    ssize_t n =
        ::send(fd_.get(), out_.data() + out_sent_, out_.size() - out_sent_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n < 0) {
      close_now();
      if (handlers_.closed) handlers_.closed();
      return false;
    }
    out_sent_ += std::size_t(n);
  }
  if (out_sent_ == out_.size()) {
    out_.clear();
    out_sent_ = 0;
    if (out_.capacity() > (1u << 20)) std::string().swap(out_);
  } else if (out_sent_ > (1u << 20)) {
    out_.erase(0, out_sent_);  // keep the queue from growing by what was already sent
    out_sent_ = 0;
  }
  update_events();
  return true;
}

void ChildChannel::update_events() {
  if (!source_ || closed_) return;
  sd_event_source_set_io_events(source_, EPOLLIN | (queued() ? uint32_t(EPOLLOUT) : 0u));
}

void ChildChannel::close_now() {
  if (closed_) return;
  closed_ = true;
  if (source_) sd_event_source_set_enabled(source_, SD_EVENT_OFF);
  std::string().swap(in_);
  std::string().swap(out_);
  out_sent_ = 0;
}

}  // namespace tend
