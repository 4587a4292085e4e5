#include "ipc/client.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <fmt/format.h>

#include "ipc/protocol.h"

namespace tend {

Result<Client> Client::connect(const std::string& socket_path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path)
    return Error{ENAMETOOLONG, fmt::format("unable to connect to {}: a unix socket path allows at most {} "
                                           "bytes; choose a shorter TEND_HOME",
                                           socket_path, sizeof addr.sun_path - 1)};
  socket_path.copy(addr.sun_path, socket_path.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return errno_error("unable to create a socket");
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return errno_error("unable to connect to " + socket_path);
  return Client(std::move(fd));
}

Result<std::int64_t> Client::send(std::string_view cmd, nlohmann::json args) {
  std::int64_t id = next_id_++;
  std::string line = make_request(id, cmd, std::move(args)).dump() + "\n";
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::send(fd_.get(), line.data() + done, line.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error("unable to send to the daemon");
    done += size_t(n);
  }
  return id;
}

Result<nlohmann::json> Client::read_message() {
  auto line = read_line();
  if (!line) return line.error();
  auto j = nlohmann::json::parse(*line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error{EPROTO, "unable to read the daemon's reply: bad JSON"};
  return j;
}

Result<std::string> Client::read_line() {
  size_t scanned = 0;
  for (;;) {
    auto nl = buf_.find('\n', scanned);
    if (nl != std::string::npos) {
      std::string line = buf_.substr(0, nl);
      buf_.erase(0, nl + 1);
      return line;
    }
    scanned = buf_.size();
    char chunk[65536];
    ssize_t n = ::recv(fd_.get(), chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error("unable to read from the daemon");
    if (n == 0) return Error{EPIPE, "the daemon closed the connection"};
    buf_.append(chunk, size_t(n));
  }
}

Result<nlohmann::json> Client::call(std::string_view cmd, nlohmann::json args) {
  auto id = send(cmd, std::move(args));
  if (!id) return id.error();
  for (;;) {
    auto msg = read_message();
    if (!msg) return msg;
    if (msg->value("id", nlohmann::json()) == *id && !msg->contains("event")) return msg;
  }
}

}  // namespace tend
