#include "core/listen_address.h"

#include <fmt/format.h>
#include <sys/un.h>

#include "core/host_port.h"

namespace tend {

namespace {

/// LISTEN_FDNAMES joins names with ':'; systemd also refuses control characters and spaces.
bool valid_fd_name(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  for (char c : name)
    if (c == ':' || static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  return true;
}

}  // namespace

Result<ListenAddress> parse_listen_address(std::string_view text, std::string_view default_name) {
  auto bad = [&](const std::string& why) {
    return Error{EINVAL, fmt::format("invalid listen '{}': {}", text, why)};
  };
  ListenAddress addr;
  std::string_view rest = text;
  auto eq = text.find('=');
  auto first_colon = text.find(':');
  if (eq != std::string_view::npos && (first_colon == std::string_view::npos || eq < first_colon)) {
    addr.name = std::string(text.substr(0, eq));
    rest = text.substr(eq + 1);
    if (!valid_fd_name(addr.name)) return bad("a name has no ':', spaces or control characters");
  } else {
    addr.name = std::string(default_name);
  }
  addr.text = std::string(rest);
  if (rest.starts_with("tcp:")) {
    auto hp = parse_host_port(rest.substr(4), "0.0.0.0", 0);
    if (!hp) return bad(hp.error().message);
    addr.kind = ListenAddress::Kind::tcp;
    addr.host = hp->host;
    addr.port = hp->port;
    addr.text = "tcp:" + format_host_port(addr.host, addr.port);
    return addr;
  }
  if (rest.starts_with("unix:")) {
    addr.kind = ListenAddress::Kind::unix_path;
    addr.path = std::string(rest.substr(5));
    if (addr.path.empty() || addr.path[0] != '/') return bad("a unix socket path must be absolute");
    if (addr.path.size() >= sizeof(sockaddr_un::sun_path))
      return bad(fmt::format("the path is longer than {} bytes", sizeof(sockaddr_un::sun_path) - 1));
    return addr;
  }
  return bad("expected tcp:HOST:PORT, tcp:PORT or unix:PATH (optionally NAME= first)");
}

}  // namespace tend
