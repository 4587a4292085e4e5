#pragma once
// Small socket helpers shared by the child channel, the notify socket, listening sockets and probes.
#include <sys/socket.h>

#include <string>

namespace tend {

/// Closes every fd a received message carried (SCM_RIGHTS): tend takes no handles from children.
void close_passed_fds(msghdr& msg);

/// Fills ss with the IPv4 or IPv6 address host (numeric) and port; returns its length (0 when host is not
/// a numeric address).
socklen_t make_socket_address(const std::string& host, int port, sockaddr_storage& ss);

}  // namespace tend
