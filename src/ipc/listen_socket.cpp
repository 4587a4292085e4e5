#include "ipc/listen_socket.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "core/host_port.h"
#include "ipc/socket_util.h"

namespace tend {

namespace {

Error listen_error(const ListenAddress& addr, int err = errno) {
  return errno_error("unable to listen on " + addr.text, err);
}

/// True when something accepts connections on the unix socket at path.
bool unix_socket_live(const sockaddr_un& sa) {
  UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  return probe && ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0;
}

Result<UniqueFd> bind_tcp(const ListenAddress& addr) {
  sockaddr_storage ss{};
  socklen_t len = make_socket_address(addr.host, addr.port, ss);
  int family = ss.ss_family;
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return listen_error(addr);
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd.get(), SOMAXCONN) != 0)
    return listen_error(addr);
  return fd;
}

Result<UniqueFd> bind_unix(const ListenAddress& addr) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  addr.path.copy(sa.sun_path, sizeof sa.sun_path - 1);
  struct stat st {};
  if (::lstat(addr.path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) return listen_error(addr, EEXIST);
    if (unix_socket_live(sa)) return listen_error(addr, EADDRINUSE);
    ::unlink(addr.path.c_str());
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return listen_error(addr);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return listen_error(addr);
  ::chmod(addr.path.c_str(), 0666);
  if (::listen(fd.get(), SOMAXCONN) != 0) {
    int err = errno;
    ::unlink(addr.path.c_str());
    return listen_error(addr, err);
  }
  return fd;
}

}  // namespace

Result<UniqueFd> bind_listen_socket(const ListenAddress& addr) {
  return addr.kind == ListenAddress::Kind::tcp ? bind_tcp(addr) : bind_unix(addr);
}

std::string bound_address(int fd, const ListenAddress& addr) {
  if (addr.kind != ListenAddress::Kind::tcp) return addr.text;
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return addr.text;
  char host[INET6_ADDRSTRLEN] = {};
  int port = 0;
  if (ss.ss_family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    ::inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
    port = ntohs(sin->sin_port);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    ::inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host);
    port = ntohs(sin6->sin6_port);
  }
  return "tcp:" + format_host_port(host, port);
}

unsigned long socket_file_inode(const ListenAddress& addr) {
  struct stat st {};
  if (addr.kind != ListenAddress::Kind::unix_path || ::lstat(addr.path.c_str(), &st) != 0) return 0;
  return st.st_ino;
}

void unlink_listen_socket(const ListenAddress& addr, unsigned long inode) {
  if (inode != 0 && socket_file_inode(addr) == inode) ::unlink(addr.path.c_str());
}

}  // namespace tend
