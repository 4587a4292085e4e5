#include "core/host_port.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>

namespace tend {

namespace {

bool numeric_address(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

Result<int> parse_port(std::string_view text, int min_port) {
  int port = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return Error{EINVAL, fmt::format("'{}' is not a port number", text)};
  if (port < min_port || port > 65535)
    return Error{EINVAL, fmt::format("port {} is out of range ({}..65535)", port, min_port)};
  return port;
}

}  // namespace

Result<HostPort> parse_host_port(std::string_view text, std::string_view default_host, int min_port) {
  HostPort out;
  std::string_view port_text = text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return Error{EINVAL, "expected [IPV6]:PORT"};
    out.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    out.host = std::string(text.substr(0, colon));
    if (out.host.find(':') != std::string::npos)
      return Error{EINVAL, "write an IPv6 address in brackets: [::1]:PORT"};
    port_text = text.substr(colon + 1);
  } else {
    out.host = std::string(default_host);
  }
  if (out.host == "localhost") out.host = "127.0.0.1";
  if (!numeric_address(out.host))
    return Error{
        EINVAL,
        fmt::format("'{}' is not a numeric address (or localhost); tend does not look names up", out.host)};
  auto port = parse_port(port_text, min_port);
  if (!port) return port.error();
  out.port = *port;
  return out;
}

std::string format_host_port(const std::string& host, int port) {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

}  // namespace tend
