#include "ipc/notify_socket.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace tend {
namespace {

TEST(NotifySocketTest, ParsesAssignments) {
  auto fields = parse_notify_fields("READY=1\nSTATUS=Serving: 12 req/s\njunk\n=x\nWATCHDOG=1");
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0], (std::pair<std::string, std::string>{"READY", "1"}));
  EXPECT_EQ(fields[1].second, "Serving: 12 req/s");
  EXPECT_EQ(fields[2].first, "WATCHDOG");
}

TEST(NotifySocketTest, KnowsTheSenderByItsCredentials) {
  sd_event* loop = nullptr;
  ASSERT_GE(sd_event_new(&loop), 0);
  char dir[] = "/tmp/tend-notify-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/notify.sock";
  pid_t sender = 0;
  NotifyFields got;
  auto socket = NotifySocket::bind(loop, path, 0, [&](pid_t pid, NotifyFields fields) {
    sender = pid;
    got = std::move(fields);
  });
  ASSERT_TRUE(socket.ok()) << socket.error().message;
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  const char text[] = "READY=1\nSTATUS=up";
  ASSERT_GT(::sendto(fd, text, sizeof text - 1, 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::string big(8000, 'x');
  ASSERT_GT(::sendto(fd, big.data(), big.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (sender == 0 && std::chrono::steady_clock::now() < deadline) sd_event_run(loop, 10'000);
  EXPECT_EQ(sender, ::getpid());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].second, "up");
  socket->reset();
  EXPECT_NE(::access(path.c_str(), F_OK), 0) << "the socket file goes with it";
  ::rmdir(dir);
  sd_event_unref(loop);
}

}  // namespace
}  // namespace tend
