#pragma once
#include <sys/types.h>
#include <systemd/sd-event.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"
#include "util/unique_fd.h"

namespace tend {

/// KEY=VALUE assignments of one sd_notify message, in order.
using NotifyFields = std::vector<std::pair<std::string, std::string>>;

/// Parses "READY=1\nSTATUS=Serving\n": one assignment per line; lines without '=' are ignored, as systemd
/// ignores them.
NotifyFields parse_notify_fields(std::string_view datagram);

/// The daemon's NOTIFY_SOCKET: a unix datagram socket receiving sd_notify(3) messages. SO_PASSCRED makes the
/// kernel attach each sender's credentials (SCM_CREDENTIALS), so the sender is known by pid, not by what it
/// claims. Each dispatch reads a bounded number of datagrams; oversized ones (over 4 KiB, systemd's limit)
/// and any fds passed along are dropped.
class NotifySocket {
 public:
  using Handler = std::function<void(pid_t sender, NotifyFields fields)>;

  /// Binds path (replacing a stale socket file) and watches it on the loop.
  static Result<std::unique_ptr<NotifySocket>> bind(sd_event* loop, const std::string& path,
                                                    std::int64_t priority, Handler handler);
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  const std::string& path() const { return path_; }
  /// Handles what has arrived by now (bounded), as a dispatch would: called before a deadline is declared
  /// missed, so that a ping that came in time is never judged late because the loop was busy.
  void drain() { read_some(); }

 private:
  NotifySocket(std::string path, UniqueFd fd, Handler handler)
      : path_(std::move(path)), fd_(std::move(fd)), handler_(std::move(handler)) {}
  static int on_readable(sd_event_source* s, int fd, uint32_t revents, void* self);
  void read_some();

  std::string path_;
  UniqueFd fd_;
  Handler handler_;
  sd_event_source* source_ = nullptr;
  std::chrono::steady_clock::time_point last_warning_{};
};

}  // namespace tend
