#pragma once
#include <string>
#include <string_view>

#include "util/result.h"

namespace tend {

/// One `--listen` socket: `[NAME=]tcp:[HOST:]PORT` or `[NAME=]unix:PATH`. Pure data; binding lives in
/// ipc/listen_socket.
struct ListenAddress {
  enum class Kind { tcp, unix_path } kind = Kind::tcp;
  std::string name;  // its LISTEN_FDNAMES entry; defaults to the program's name, as systemd uses the unit's
  std::string host;  // tcp: numeric IPv4/IPv6 (0.0.0.0 when omitted, 127.0.0.1 for localhost)
  int port = 0;      // tcp: 0 lets the kernel choose
  std::string path;  // unix: absolute
  std::string text;  // the address without the name ("tcp:127.0.0.1:8080")
};

/// Parses one --listen value. Errors read "invalid listen 'x': <why>".
Result<ListenAddress> parse_listen_address(std::string_view text, std::string_view default_name);

}  // namespace tend
