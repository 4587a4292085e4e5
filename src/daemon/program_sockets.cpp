#include "daemon/program_sockets.h"

#include <fmt/format.h>

#include "ipc/listen_socket.h"
#include "util/daemon_log.h"

namespace tend {

ProgramSockets::ProgramSockets(std::string program, const std::vector<std::string>& listen, FdHolder* holder)
    : program_(std::move(program)), listen_(listen), holder_(holder) {
  for (size_t i = 0; i < listen.size(); ++i) {
    auto addr = parse_listen_address(listen[i], program_);
    if (!addr) continue;  // validated with the spec; a bad one simply gets no fd
    sockets_.push_back({*addr, UniqueFd(), 0, fmt::format("listen:{}:{}:{}", program_, i, addr->text)});
  }
}

ProgramSockets::~ProgramSockets() {
  close();
}

Status ProgramSockets::ensure_bound() {
  for (auto& s : sockets_) {
    if (s.fd) continue;
    auto fd = bind_listen_socket(s.address);
    if (!fd) return fd.error();
    s.fd = std::move(*fd);
    s.inode = socket_file_inode(s.address);
    if (holder_) holder_->put(s.key, s.fd.get());
    log_info("{}: listening on {}", program_, bound_address(s.fd.get(), s.address));
  }
  return {};
}

void ProgramSockets::adopt(std::map<std::string, UniqueFd>& held) {
  for (auto& s : sockets_) {
    if (s.fd) continue;
    auto node = held.extract(s.key);
    if (node.empty()) continue;
    s.fd = std::move(node.mapped());
    s.inode = socket_file_inode(s.address);
    log_info("{}: took back the socket listening on {}", program_, bound_address(s.fd.get(), s.address));
  }
}

void ProgramSockets::close() {
  for (auto& s : sockets_) {
    if (!s.fd) continue;
    if (holder_) holder_->remove(s.key);
    unlink_listen_socket(s.address, s.inode);
    s.fd.reset();
  }
}

std::vector<int> ProgramSockets::fds() const {
  std::vector<int> out;
  for (const auto& s : sockets_) out.push_back(s.fd.get());
  return out;
}

std::string ProgramSockets::fd_names() const {
  std::string out;
  for (const auto& s : sockets_) out += (out.empty() ? "" : ":") + s.address.name;
  return out;
}

std::vector<std::string> ProgramSockets::bound() const {
  std::vector<std::string> out;
  for (const auto& s : sockets_)
    if (s.fd) out.push_back(bound_address(s.fd.get(), s.address));
  return out;
}

bool ProgramSockets::same_as(const std::vector<std::string>& listen) const {
  return listen == listen_;
}

}  // namespace tend
