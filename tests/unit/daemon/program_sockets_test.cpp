#include "daemon/program_sockets.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

namespace tend {
namespace {

TEST(ProgramSocketsTest, BindsOnceNamesThemAndHandsBackHeldCopies) {
  ProgramSockets sockets("web", {"tcp:127.0.0.1:0", "admin=tcp:127.0.0.1:0"}, nullptr);
  EXPECT_TRUE(sockets.bound().empty()) << "nothing is bound before the first start";
  ASSERT_TRUE(sockets.ensure_bound().ok());
  auto fds = sockets.fds();
  ASSERT_EQ(fds.size(), 2u);
  EXPECT_EQ(sockets.fd_names(), "web:admin");
  auto bound = sockets.bound();
  ASSERT_EQ(bound.size(), 2u);
  ASSERT_TRUE(sockets.ensure_bound().ok());
  EXPECT_EQ(sockets.fds(), fds) << "bound once";
  EXPECT_TRUE(sockets.same_as({"tcp:127.0.0.1:0", "admin=tcp:127.0.0.1:0"}));
  EXPECT_FALSE(sockets.same_as({"tcp:127.0.0.1:0"}));

  // A new daemon takes what the fd holder kept instead of binding again.
  std::map<std::string, UniqueFd> held;
  held["listen:web:0:tcp:127.0.0.1:0"] = UniqueFd(::dup(fds[0]));
  held["listen:web:1:tcp:127.0.0.1:0"] = UniqueFd(::dup(fds[1]));
  held["listen:other:0:tcp:127.0.0.1:0"] = UniqueFd(::dup(fds[0]));
  sockets.close();
  EXPECT_TRUE(sockets.bound().empty());
  ProgramSockets adopted("web", {"tcp:127.0.0.1:0", "admin=tcp:127.0.0.1:0"}, nullptr);
  adopted.adopt(held);
  EXPECT_EQ(adopted.bound(), bound) << "the very same sockets (same kernel-chosen ports)";
  EXPECT_EQ(held.size(), 1u) << "another program's copy is left for it";
}

}  // namespace
}  // namespace tend
