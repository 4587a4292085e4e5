#include "core/ready_check.h"

#include <fmt/format.h>

#include <array>

#include "config/shell_words.h"
#include "core/host_port.h"

namespace tend {

namespace {

constexpr std::array<std::string_view, 6> kKindNames{"none", "ipc", "notify", "tcp", "http", "exec"};

/// Replaces $PORT and ${PORT} by value.
std::string substitute_port(std::string_view text, std::string_view value) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text.substr(i).starts_with("${PORT}")) {
      out += value;
      i += 7;
    } else if (text.substr(i).starts_with("$PORT")) {
      out += value;
      i += 5;
    } else {
      out += text[i++];
    }
  }
  return out;
}

/// "HOST[:PORT][/PATH]" of an http URL (the scheme already removed).
Status parse_http_target(std::string_view rest, ReadyCheck& check) {
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) check.path = std::string(rest.substr(slash));
  // A port is required inside brackets only when a colon follows them; otherwise 80.
  bool has_port = authority.starts_with('[') ? authority.find("]:") != std::string_view::npos
                                             : authority.find(':') != std::string_view::npos;
  std::string with_port = has_port ? std::string(authority) : std::string(authority) + ":80";
  auto hp = parse_host_port(with_port, "127.0.0.1", 1);
  if (!hp) return hp.error();
  check.host = hp->host;
  check.port = hp->port;
  return {};
}

}  // namespace

std::string_view ready_kind_name(ReadyKind kind) {
  return kKindNames[static_cast<int>(kind)];
}

Result<ReadyCheck> parse_ready_check(std::string_view text, std::string_view port_value) {
  auto bad = [&](const std::string& why) {
    return Error{EINVAL, fmt::format("invalid ready '{}': {}", text, why)};
  };
  ReadyCheck check;
  check.text = std::string(text);
  auto colon = text.find(':');
  std::string_view kind = text.substr(0, colon);
  std::string_view rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  if (kind == "none" || kind == "ipc" || kind == "notify") {
    if (colon != std::string_view::npos) return bad(fmt::format("{} takes no argument", kind));
    check.kind = kind == "none" ? ReadyKind::none : kind == "ipc" ? ReadyKind::ipc : ReadyKind::notify;
    return check;
  }
  std::string target = substitute_port(rest, port_value.empty() ? std::string_view("1") : port_value);
  if (kind == "tcp") {
    check.kind = ReadyKind::tcp;
    auto hp = parse_host_port(target, "127.0.0.1", 1);
    if (!hp) return bad(hp.error().message);
    check.host = hp->host;
    check.port = hp->port;
    return check;
  }
  if (kind == "http") {
    check.kind = ReadyKind::http;
    std::string_view url = target;
    if (url.starts_with("https:"))
      return bad("https is not supported; probe a plain-HTTP address, or use exec: with a client");
    if (url.starts_with("http://"))
      url.remove_prefix(7);
    else if (url.starts_with("//"))
      url.remove_prefix(2);  // `--ready http://host/...`: "http:" then "//host"
    if (url.empty()) return bad("expected http:URL, e.g. http:http://127.0.0.1:8080/health");
    if (auto st = parse_http_target(url, check); !st) return bad(st.error().message);
    return check;
  }
  if (kind == "exec") {
    check.kind = ReadyKind::exec;
    auto words = split_shell_words(rest);
    if (!words) return bad(words.error().message);
    if (words->words.empty()) return bad("expected exec:CMD [ARGS...]");
    check.argv = std::move(words->words);
    return check;
  }
  if (kind == "https")
    return bad("https is not supported; probe a plain-HTTP address, or use exec: with a client");
  return bad("expected none, ipc, notify, tcp:PORT, http:URL or exec:CMD");
}

}  // namespace tend
