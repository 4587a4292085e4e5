#pragma once
#include <string>

#include "core/listen_address.h"
#include "util/result.h"
#include "util/unique_fd.h"

namespace tend {

/// Binds and listens on addr: SOCK_STREAM, close-on-exec, *blocking* (the flag is shared with every process
/// the socket is passed to, and servers expect systemd's default), SO_REUSEADDR for TCP, backlog SOMAXCONN.
/// A unix path that holds a stale socket (nobody accepting) is replaced; a live one is EADDRINUSE; the file
/// gets mode 0666, as systemd's SocketMode default (the directory decides who may reach it).
/// Errors read "unable to listen on tcp:127.0.0.1:8080: Address already in use".
Result<UniqueFd> bind_listen_socket(const ListenAddress& addr);

/// The address fd is bound to, in --listen syntax: "tcp:127.0.0.1:41234" (the kernel's choice for port 0).
std::string bound_address(int fd, const ListenAddress& addr);

/// The inode of a unix socket's file right after binding it (0 for TCP or when unknown), to recognise it
/// later.
unsigned long socket_file_inode(const ListenAddress& addr);
/// Removes a unix socket file if it is still the one bound (same inode); TCP: nothing.
void unlink_listen_socket(const ListenAddress& addr, unsigned long inode);

}  // namespace tend
