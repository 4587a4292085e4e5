#include "daemon/fd_holder.h"

#include <fmt/format.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "util/daemon_log.h"

namespace tend {

namespace {

constexpr size_t kMaxMessage = 4096;

sockaddr_un address_of(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, std::min(path.size(), sizeof addr.sun_path - 1));
  return addr;
}

Status send_with_fd(int sock, const std::string& text, int fd) {
  iovec iov{const_cast<char*>(text.data()), text.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  }
  while (::sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) return errno_error("unable to talk to the fd holder");
  }
  return {};
}

/// Receives one message and the fd it carries (if any). Empty text with ok result means EOF.
Result<std::string> receive_with_fd(int sock, UniqueFd& fd_out) {
  char buf[kMaxMessage];
  iovec iov{buf, sizeof buf};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  while ((n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
    if (errno != EINTR) return errno_error("unable to read from the fd holder");
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
      fd_out.reset(fd);
    }
  }
  return std::string(buf, size_t(n));
}

/// Serves one daemon connection until it closes. Returns false on QUIT.
bool serve_daemon(int conn, std::map<std::string, UniqueFd>& held) {
  for (;;) {
    UniqueFd fd;
    auto text = receive_with_fd(conn, fd);
    if (!text || text->empty()) return true;
    std::string_view msg = *text;
    if (msg.starts_with("PUT ") && fd) {
      held[std::string(msg.substr(4))] = std::move(fd);
    } else if (msg.starts_with("DEL ")) {
      held.erase(std::string(msg.substr(4)));
    } else if (msg == "GET") {
      for (auto& [key, held_fd] : held) (void)send_with_fd(conn, "FD " + key, held_fd.get());
      (void)send_with_fd(conn, "END", -1);
    } else if (msg == "QUIT") {
      return false;
    }
  }
}

/// Listening sockets (keys "listen:...") are kept only for instances still running: alone they do not keep
/// the holder alive, or a port would stay bound forever after a crash nobody recovers from.
bool holds_an_instance_fd(const std::map<std::string, UniqueFd>& held) {
  for (const auto& [key, fd] : held)
    if (!key.starts_with("listen:")) return true;
  return false;
}

/// Without a daemon: wait for one, dropping pipes whose writers have all exited and channels whose child
/// end is closed (POLLHUP is reported even with no events requested, so unread data does not make this spin).
bool wait_for_daemon(int listen_fd, std::map<std::string, UniqueFd>& held) {
  while (holds_an_instance_fd(held)) {
    std::vector<pollfd> fds{{listen_fd, POLLIN, 0}};
    std::vector<std::string> keys;
    for (auto& [key, fd] : held) {
      fds.push_back({fd.get(), 0, 0});
      keys.push_back(key);
    }
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return false;
    if (fds[0].revents & POLLIN) return true;
    for (size_t i = 1; i < fds.size(); ++i)
      if (fds[i].revents & (POLLHUP | POLLERR)) held.erase(keys[i - 1]);
  }
  return false;
}

}  // namespace

std::string FdHolder::key(const std::string& program, int index, std::string_view stream, pid_t pid) {
  return fmt::format("{}:{}:{}:{}", program, index, stream, pid);
}

[[noreturn]] void run_fd_holder(UniqueFd listen_fd) {
  ::prctl(PR_SET_NAME, "tend-fdholder");
  ::signal(SIGPIPE, SIG_IGN);
  std::map<std::string, UniqueFd> held;
  bool first = true;
  for (;;) {
    // The first daemon connects right after forking us; later ones only after a crash.
    if (!first && !wait_for_daemon(listen_fd.get(), held)) _exit(0);
    first = false;
    UniqueFd conn(::accept4(listen_fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn) continue;
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(conn.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != ::getuid()) continue;
    if (!serve_daemon(conn.get(), held)) _exit(0);
  }
}

Result<FdHolder> FdHolder::connect_or_spawn(const std::string& socket_path) {
  if (socket_path.size() >= sizeof(sockaddr_un::sun_path))
    return Error{ENAMETOOLONG, fmt::format("unable to use {}: the path is too long for a unix socket", socket_path)};
  auto addr = address_of(socket_path);
  UniqueFd conn(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!conn) return errno_error("unable to create a socket");
  if (::connect(conn.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return FdHolder(std::move(conn));

  UniqueFd listen_fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!listen_fd) return errno_error("unable to create a socket");
  ::unlink(socket_path.c_str());
  if (::bind(listen_fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd.get(), 4) != 0)
    return errno_error("unable to listen on " + socket_path);
  pid_t pid = ::fork();
  if (pid < 0) return errno_error("unable to start the fd holder");
  if (pid == 0) {
    ::setsid();  // Ctrl-C on a foreground daemon must not reach the holder
    int keep = listen_fd.get();
    ::close_range(0, keep - 1, 0);
    ::close_range(keep + 1, ~0U, 0);
    // Re-exec so `ps` shows what it is ("tend fd-holder"), not a second "tend daemon".
    ::fcntl(keep, F_SETFD, 0);
    std::string fd_text = std::to_string(keep);
    const char* argv[] = {"tend", "fd-holder", "--listen-fd", fd_text.c_str(), nullptr};
    ::execv("/proc/self/exe", const_cast<char* const*>(argv));
    ::fcntl(keep, F_SETFD, FD_CLOEXEC);
    run_fd_holder(std::move(listen_fd));
  }
  // Connecting to the already-listening socket cannot race the child: the backlog holds us until it accepts.
  if (::connect(conn.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return errno_error("unable to connect to the fd holder");
  log_info("started the fd holder (pid {})", pid);
  return FdHolder(std::move(conn));
}

Result<std::map<std::string, UniqueFd>> FdHolder::take_all() {
  std::map<std::string, UniqueFd> out;
  if (auto st = send_message("GET"); !st) return st.error();
  for (;;) {
    UniqueFd fd;
    auto text = receive_with_fd(conn_.get(), fd);
    if (!text) return text.error();
    if (text->empty()) return Error{EPIPE, "the fd holder closed the connection"};
    if (*text == "END") return out;
    if (text->starts_with("FD ") && fd) out[text->substr(3)] = std::move(fd);
  }
}

Status FdHolder::send_message(const std::string& text, int fd) { return send_with_fd(conn_.get(), text, fd); }

void FdHolder::put(const std::string& key, int fd) {
  if (auto st = send_message("PUT " + key, fd); !st) log_warning("{}", st.error().message);
}

void FdHolder::remove(const std::string& key) {
  if (auto st = send_message("DEL " + key); !st) log_warning("{}", st.error().message);
}

void FdHolder::quit() { (void)send_message("QUIT"); }

}  // namespace tend
