#pragma once
#include <string>
#include <string_view>

#include "util/result.h"

namespace tend {

struct HostPort {
  std::string host;  // numeric: "127.0.0.1", "::1"
  int port = 0;
};

/// Parses "PORT", "HOST:PORT" or "[V6]:PORT". HOST must be a numeric IPv4/IPv6 address or "localhost"
/// (127.0.0.1); an omitted HOST is default_host. PORT is 0..65535 (min_port and up). The error says why,
/// without a prefix ("port 70000 is out of range").
Result<HostPort> parse_host_port(std::string_view text, std::string_view default_host, int min_port);

/// "127.0.0.1:80", "[::1]:80".
std::string format_host_port(const std::string& host, int port);

}  // namespace tend
