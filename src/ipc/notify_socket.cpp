#include "ipc/notify_socket.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "ipc/socket_util.h"
#include "util/daemon_log.h"

namespace tend {

namespace {

constexpr std::size_t kMaxDatagram = 4096;  // systemd's NOTIFY_BUFFER_MAX (PIPE_BUF)
constexpr int kDatagramsPerDispatch = 64;
constexpr std::uint64_t kNotifyRateIntervalUsec = 100 * 1000;
constexpr unsigned kNotifyRateBurst = 200;

}  // namespace

NotifyFields parse_notify_fields(std::string_view datagram) {
  NotifyFields out;
  while (!datagram.empty()) {
    auto nl = datagram.find('\n');
    std::string_view line = datagram.substr(0, nl);
    datagram.remove_prefix(nl == std::string_view::npos ? datagram.size() : nl + 1);
    auto eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    out.emplace_back(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
  }
  return out;
}

Result<std::unique_ptr<NotifySocket>> NotifySocket::bind(sd_event* loop, const std::string& path,
                                                         std::int64_t priority, Handler handler) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path)
    return Error{ENAMETOOLONG,
                 fmt::format("unable to bind {}: the path is too long for a unix socket", path)};
  path.copy(addr.sun_path, path.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return errno_error("unable to create the notify socket");
  int one = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_PASSCRED, &one, sizeof one) != 0)
    return errno_error("unable to enable SO_PASSCRED on the notify socket");
  ::unlink(path.c_str());  // a previous daemon's; ours serves this home alone (pid-file lock)
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return errno_error("unable to bind " + path);
  std::unique_ptr<NotifySocket> socket(new NotifySocket(path, std::move(fd), std::move(handler)));
  int r = sd_event_add_io(loop, &socket->source_, socket->fd_.get(), EPOLLIN, &NotifySocket::on_readable,
                          socket.get());
  if (r < 0) return errno_error("unable to watch the notify socket", -r);
  sd_event_source_set_priority(socket->source_, priority);
  sd_event_source_set_ratelimit(socket->source_, kNotifyRateIntervalUsec, kNotifyRateBurst);
  return socket;
}

NotifySocket::~NotifySocket() {
  sd_event_source_disable_unref(source_);
  ::unlink(path_.c_str());
}

int NotifySocket::on_readable(sd_event_source*, int, uint32_t, void* self) {
  static_cast<NotifySocket*>(self)->read_some();
  return 0;
}

void NotifySocket::read_some() {
  for (int i = 0; i < kDatagramsPerDispatch; ++i) {
    char buf[kMaxDatagram + 1];
    iovec iov{buf, sizeof buf};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(16 * sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(fd_.get(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;  // EAGAIN: nothing more now
    close_passed_fds(msg);
    pid_t sender = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
        ucred cred;
        std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
        sender = cred.pid;
      }
    if (std::size_t(n) > kMaxDatagram || (msg.msg_flags & MSG_TRUNC)) {
      // At most one line per 10 s however fast someone sends them.
      auto now = std::chrono::steady_clock::now();
      if (now - last_warning_ >= std::chrono::seconds(10)) {
        last_warning_ = now;
        log_warning("dropped a notify message of {} bytes from pid {} (the limit is {})", n, sender,
                    kMaxDatagram);
      }
      continue;
    }
    if (sender <= 0) continue;  // no credentials: cannot tell who sent it
    handler_(sender, parse_notify_fields(std::string_view(buf, std::size_t(n))));
  }
}

}  // namespace tend
