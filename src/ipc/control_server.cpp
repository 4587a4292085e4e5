#include "ipc/control_server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/daemon_log.h"

namespace tend {

Connection::Connection(ControlServer& server, UniqueFd fd, std::uint64_t id, uid_t peer_uid)
    : server_(server), fd_(std::move(fd)), id_(id), peer_uid_(peer_uid) {}

Connection::~Connection() { sd_event_source_disable_unref(source_); }

void Connection::send(const nlohmann::json& message) {
  send_raw(message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + '\n');
}

void Connection::send_raw(std::string line) {
  if (!alive()) return;
  if (out_.empty()) out_ = std::move(line);
  else out_ += line;
  if (out_.size() > kMaxPendingBytes) {
    log_warning("client {} is not reading its replies; closing it", id_);
    close();
    return;
  }
  flush();
}

void Connection::close_after_flush() {
  close_when_flushed_ = true;
  flush();
}

void Connection::close() {
  if (!alive()) return;
  source_ = sd_event_source_disable_unref(source_);
  fd_.reset();
  // forget() drops the server's reference; `self` keeps this object alive until we return.
  auto self = shared_from_this();
  server_.forget(*this);
}

bool Connection::flush() {
  while (!out_.empty()) {
    ssize_t n = ::send(fd_.get(), out_.data(), out_.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n < 0) {
      close();
      return false;
    }
    out_.erase(0, size_t(n));
  }
  if (out_.empty() && close_when_flushed_) {
    close();
    return false;
  }
  update_events();
  return true;
}

void Connection::update_events() {
  // After a final reply, stop reading: no more requests are served on this connection.
  uint32_t events = (close_when_flushed_ ? 0u : uint32_t(EPOLLIN)) | (out_.empty() ? 0u : uint32_t(EPOLLOUT));
  if (source_) sd_event_source_set_io_events(source_, events);
}

int Connection::on_io(sd_event_source*, int, uint32_t revents, void* self_ptr) {
  auto self = static_cast<Connection*>(self_ptr)->shared_from_this();
  if (revents & EPOLLOUT) {
    if (!self->flush()) return 0;
  }
  if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) self->on_readable();
  return 0;
}

void Connection::on_readable() {
  if (close_when_flushed_) return;
  char buf[65536];
  ssize_t n = ::recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    close();  // EOF (possibly mid-message) or error: nothing to answer
    return;
  }
  in_.append(std::string_view(buf, size_t(n)));
  auto self = shared_from_this();
  while (alive()) {
    auto line = in_.next_line();
    if (!line) break;
    if (line->empty()) continue;
    nlohmann::json id;
    auto req = parse_request(*line, id);
    if (!req) {
      send(make_error(id, ErrorCode::bad_request, req.error().message));
      continue;
    }
    server_.handler_(self, std::move(*req));
  }
  if (alive() && in_.overflowed()) {
    send(make_error(nullptr, ErrorCode::too_large, fmt::format("message exceeds {} bytes", kMaxMessageBytes)));
    close_after_flush();
  }
}

ControlServer::ControlServer(sd_event* loop, Handler handler, DisconnectHandler on_disconnect)
    : loop_(loop), handler_(std::move(handler)), on_disconnect_(std::move(on_disconnect)) {}

ControlServer::~ControlServer() {
  sd_event_source_disable_unref(accept_source_);
  // Connections hold a reference to us; drop them first.
  auto conns = std::move(connections_);
  for (auto& [id, conn] : conns) conn->source_ = sd_event_source_disable_unref(conn->source_);
}

Status ControlServer::listen(const std::string& path, int64_t priority) {
  priority_ = priority;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path)
    return Error{ENAMETOOLONG, fmt::format("unable to listen on {}: the path is {} bytes, a unix socket path "
                                           "allows at most {}; choose a shorter TEND_HOME",
                                           path, path.size(), sizeof addr.sun_path - 1)};
  path.copy(addr.sun_path, path.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return errno_error("unable to create the control socket");
  ::unlink(path.c_str());
  // umask makes the socket 0600 from the start: no window where others could connect.
  mode_t old = ::umask(0177);
  int rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old);
  if (rc != 0) return errno_error("unable to bind " + path);
  if (::listen(fd.get(), 128) != 0) return errno_error("unable to listen on " + path);
  listen_fd_ = std::move(fd);
  int r = sd_event_add_io(loop_, &accept_source_, listen_fd_.get(), EPOLLIN, on_accept, this);
  if (r < 0) return errno_error("unable to watch the control socket", -r);
  sd_event_source_set_priority(accept_source_, priority_);
  return {};
}

int ControlServer::on_accept(sd_event_source*, int fd, uint32_t, void* self_ptr) {
  auto* self = static_cast<ControlServer*>(self_ptr);
  for (;;) {
    UniqueFd client(::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!client) {
      if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
        log_warning("unable to accept a client: {}", strerror(errno));
      return 0;
    }
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(client.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) continue;
    auto id = self->next_id_++;
    auto conn = std::make_shared<Connection>(*self, std::move(client), id, cred.uid);
    int r = sd_event_add_io(self->loop_, &conn->source_, conn->fd_.get(), EPOLLIN, Connection::on_io,
                            conn.get());
    if (r < 0) continue;
    sd_event_source_set_priority(conn->source_, self->priority_);
    self->connections_.emplace(id, conn);
    if (cred.uid != ::getuid() && cred.uid != 0) {
      log_warning("refused a client of uid {} (pid {}): only uid {} and root may control this daemon",
                  cred.uid, cred.pid, ::getuid());
      conn->send(make_error(nullptr, ErrorCode::permission_denied,
                            fmt::format("uid {} may not control the tend daemon of uid {}", cred.uid, ::getuid())));
      conn->close_after_flush();
    }
  }
}

void ControlServer::forget(Connection& conn) {
  if (on_disconnect_) on_disconnect_(conn);
  connections_.erase(conn.id());
}

}  // namespace tend
