#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace tend {

/// How tend learns that a freshly spawned instance is ready (`--ready`); until then it stays `starting`.
enum class ReadyKind { none, ipc, notify, tcp, http, exec };

/// A parsed `--ready` value. Pure data; probing lives in daemon/readiness_probe.
struct ReadyCheck {
  ReadyKind kind = ReadyKind::none;
  std::string host;               // tcp, http: a numeric address (127.0.0.1 for `tcp:PORT` and localhost)
  int port = 0;                   // tcp, http
  std::string path = "/";         // http: path and query sent in the GET
  std::vector<std::string> argv;  // exec: the command, split like a shell would without running one
  std::string text;               // as written ("tcp:8080")
};

/// "none", "ipc", "notify", "tcp", "http", "exec".
std::string_view ready_kind_name(ReadyKind kind);

/// Parses `none | ipc | notify | tcp:[HOST:]PORT | http:[http://]HOST[:PORT][/PATH] | exec:CMD`. HOST is an
/// IPv4 or bracketed IPv6 literal or `localhost` (the daemon never waits on DNS). `$PORT` stands for the
/// instance's PORT variable; pass port_value to substitute it (empty: any valid port is assumed, for
/// checking a spec before its instances exist). Errors read "invalid ready 'x': <why>".
Result<ReadyCheck> parse_ready_check(std::string_view text, std::string_view port_value = {});

}  // namespace tend
