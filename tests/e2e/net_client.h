#pragma once
// Loopback clients for the IPC and cluster tests: an HTTP GET, a unix-socket GET, a port nobody uses.
#include <optional>
#include <string>

#include "harness.h"

namespace tend::e2e {

/// GET / over a fresh connection to 127.0.0.1:port (HTTP/1.0, so the server closes it); the body of a
/// 200 response, or nullopt for anything else (refused, reset, timed out, another status).
std::optional<std::string> http_get(int port, Ms timeout = Ms(10000));
/// The same over a unix stream socket.
std::optional<std::string> http_get_unix(const std::string& path, Ms timeout = Ms(10000));
/// A TCP port on 127.0.0.1 free right now (bound to 0 and released): other test runs share the machine.
int free_port();
/// The port of a "tcp:HOST:PORT" address.
int port_of(const std::string& address);

}  // namespace tend::e2e
