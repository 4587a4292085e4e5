#include "ipc/listen_socket.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace tend {
namespace {

ListenAddress parse(const std::string& text) {
  return *parse_listen_address(text, "web");
}

class UnixListenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/tend-listen-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/app.sock";
  }
  void TearDown() override {
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
  }
  std::string dir_, path_;
};

TEST(ListenSocketTest, TcpPortZeroGetsAKernelPortAndStaysBlocking) {
  auto fd = bind_listen_socket(parse("tcp:127.0.0.1:0"));
  ASSERT_TRUE(fd.ok()) << fd.error().message;
  std::string bound = bound_address(fd->get(), parse("tcp:127.0.0.1:0"));
  EXPECT_EQ(bound.rfind("tcp:127.0.0.1:", 0), 0u) << bound;
  EXPECT_NE(bound, "tcp:127.0.0.1:0");
  EXPECT_FALSE(::fcntl(fd->get(), F_GETFL) & O_NONBLOCK)
      << "instances share the flag; servers expect blocking";
  EXPECT_TRUE(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC);
  auto again = bind_listen_socket(parse(bound));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, "unable to listen on " + bound + ": Address already in use");
}

TEST_F(UnixListenTest, ReplacesAStaleSocketButNotALiveOne) {
  auto first = bind_listen_socket(parse("unix:" + path_));
  ASSERT_TRUE(first.ok()) << first.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0666u);
  auto live = bind_listen_socket(parse("unix:" + path_));
  ASSERT_FALSE(live.ok());
  EXPECT_NE(live.error().message.find("Address already in use"), std::string::npos);
  first->reset();  // its file stays behind, as after a crash
  auto second = bind_listen_socket(parse("unix:" + path_));
  EXPECT_TRUE(second.ok()) << second.error().message;
  unsigned long inode = socket_file_inode(parse("unix:" + path_));
  EXPECT_NE(inode, 0u);
  unlink_listen_socket(parse("unix:" + path_), inode + 1);
  EXPECT_EQ(::access(path_.c_str(), F_OK), 0) << "not ours: left alone";
  unlink_listen_socket(parse("unix:" + path_), inode);
  EXPECT_NE(::access(path_.c_str(), F_OK), 0);
}

TEST_F(UnixListenTest, RefusesToReplaceAFileThatIsNoSocket) {
  int fd = ::open(path_.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  ::close(fd);
  auto s = bind_listen_socket(parse("unix:" + path_));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("File exists"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace tend
