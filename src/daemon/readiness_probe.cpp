#include "daemon/readiness_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "core/host_port.h"
#include "daemon/instance.h"
#include "ipc/socket_util.h"
#include "proc/pidfd.h"
#include "proc/spawn.h"
#include "util/daemon_log.h"
#include "util/unique_fd.h"

namespace tend {

namespace {

constexpr Millis kFirstRetry{50};
constexpr Millis kMaxRetry{1000};
/// One connect, or one HTTP exchange, may take this long before it counts as failed.
constexpr Millis kAttemptTimeout{2000};
/// The part of an HTTP response read: the status line is all that matters.
constexpr std::size_t kMaxResponseHead = 1024;

/// tcp: a connect; http: a GET whose status must be 2xx. Hand-written rather than cpp-httplib: its client
/// blocks, and the daemon has one thread; only the status line is read.
class SocketProbe final : public ReadinessProbe {
 public:
  SocketProbe(sd_event* loop, const ReadyCheck& check, std::function<void()> on_ready)
      : ReadinessProbe(loop, std::move(on_ready)),
        check_(check),
        deadline_(loop, [this] { give_up("timed out"); }) {}
  ~SocketProbe() override { sd_event_source_disable_unref(source_); }

 protected:
  void attempt() override {
    reset();
    sockaddr_storage ss{};
    socklen_t len = make_socket_address(check_.host, check_.port, ss);
    int family = ss.ss_family;
    fd_.reset(::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd_) return give_up(fmt::format("socket: {}", std::strerror(errno)));
    if (::connect(fd_.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS)
      return give_up(fmt::format("connect {}: {}", where(), std::strerror(errno)));
    if (sd_event_add_io(loop(), &source_, fd_.get(), EPOLLOUT, on_io, this) < 0)
      return give_up("unable to watch the probe's socket");
    deadline_.arm(kAttemptTimeout);
  }

 private:
  std::string where() const { return format_host_port(check_.host, check_.port); }

  void reset() {
    source_ = sd_event_source_disable_unref(source_);
    fd_.reset();
    deadline_.cancel();
    response_.clear();
    sent_ = false;
  }

  void give_up(const std::string& why) {
    reset();
    failed(why);
  }

  static int on_io(sd_event_source*, int, uint32_t revents, void* self_ptr) {
    auto* self = static_cast<SocketProbe*>(self_ptr);
    if (!self->sent_)
      self->on_connected();
    else if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR))
      self->on_response();
    return 0;
  }

  void on_connected() {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return give_up(fmt::format("connect {}: {}", where(), std::strerror(err)));
    if (check_.kind == ReadyKind::tcp) {
      reset();
      return passed();
    }
    std::string request = fmt::format(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: tend\r\nConnection: close\r\n\r\n", check_.path, where());
    // A request this small fits any fresh socket buffer: a short send means something is wrong.
    if (::send(fd_.get(), request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size()))
      return give_up(fmt::format("GET {}: unable to send the request", check_.path));
    sent_ = true;
    sd_event_source_set_io_events(source_, EPOLLIN);
  }

  void on_response() {
    char buf[512];
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n > 0) response_.append(buf, std::size_t(n));
    auto eol = response_.find("\r\n");
    if (eol == std::string::npos) {
      if (n > 0 && response_.size() < kMaxResponseHead) return;
      return give_up(fmt::format("GET {}: no HTTP status line", check_.path));
    }
    // "HTTP/1.1 200 OK"
    std::string_view line(response_.data(), eol);
    auto space = line.find(' ');
    int status =
        space == std::string_view::npos ? 0 : std::atoi(std::string(line.substr(space + 1, 3)).c_str());
    if (!line.starts_with("HTTP/") || status < 100)
      return give_up(fmt::format("GET {}: not an HTTP response", check_.path));
    if (status < 200 || status > 299) return give_up(fmt::format("GET {}: status {}", check_.path, status));
    reset();
    passed();
  }

  ReadyCheck check_;
  UniqueFd fd_;
  sd_event_source* source_ = nullptr;
  Timer deadline_;
  std::string response_;
  bool sent_ = false;
};

/// exec: runs the command (argv, no shell) with the program's environment; exit 0 means ready.
class ExecProbe final : public ReadinessProbe {
 public:
  ExecProbe(const ReadyCheck& check, Context context, std::function<void()> on_ready)
      : ReadinessProbe(context.loop, std::move(on_ready)), check_(check), context_(std::move(context)) {}
  ~ExecProbe() override {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGKILL);  // its own process group (spawn() makes it a session leader)
    if (pidfd_) (void)pidfd_signal(pidfd_.get(), SIGKILL);
    context_.watch_pid(pid_, [](int) {});  // reaped later; nothing left to tell
  }

 protected:
  void attempt() override {
    UniqueFd null(::open("/dev/null", O_WRONLY | O_CLOEXEC));
    if (!null) return failed(fmt::format("open /dev/null: {}", std::strerror(errno)));
    SpawnRequest request;
    request.argv = check_.argv;
    request.env = context_.env;
    request.cwd = context_.cwd;
    request.nofile_soft = context_.nofile_soft;
    request.stdout_fd = null.get();
    request.stderr_fd = null.get();
    auto child = spawn(request);
    if (!child) return failed(child.error().message);
    pid_ = child->pid;
    pidfd_ = std::move(child->pidfd);
    context_.watch_pid(pid_, [this](int status) { on_exit(status); });
  }

 private:
  void on_exit(int status) {
    pid_ = -1;
    pidfd_.reset();
    ExitInfo exit = exit_info_from_status(status);
    if (exit.clean()) return passed();
    failed(fmt::format("exec:{} ended ({})", check_.argv[0], describe_exit(exit)));
  }

  ReadyCheck check_;
  Context context_;
  pid_t pid_ = -1;
  UniqueFd pidfd_;
};

}  // namespace

ReadinessProbe::ReadinessProbe(sd_event* loop, std::function<void()> on_ready)
    : loop_(loop), on_ready_(std::move(on_ready)), retry_timer_(loop, [this] { attempt(); }) {}

void ReadinessProbe::failed(std::string why) {
  last_failure_ = std::move(why);
  Millis delay = std::min(kMaxRetry, kFirstRetry * (1 << std::min(failures_, 5)));
  ++failures_;
  retry_timer_.arm(delay);
}

std::unique_ptr<ReadinessProbe> ReadinessProbe::start(const ReadyCheck& check, Context context,
                                                      std::function<void()> on_ready) {
  std::unique_ptr<ReadinessProbe> probe;
  if (check.kind == ReadyKind::tcp || check.kind == ReadyKind::http)
    probe = std::make_unique<SocketProbe>(context.loop, check, std::move(on_ready));
  else if (check.kind == ReadyKind::exec)
    probe = std::make_unique<ExecProbe>(check, std::move(context), std::move(on_ready));
  else
    return nullptr;
  probe->retry_timer_.arm(Millis(0));  // the first attempt from the loop, never inside the caller's call
  return probe;
}

}  // namespace tend
