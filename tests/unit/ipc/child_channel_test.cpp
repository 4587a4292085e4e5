#include "ipc/child_channel.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <vector>

namespace tend {
namespace {

int count_open_fds() {
  int count = 0;
  for (int fd = 0; fd < 4096; ++fd) count += ::fcntl(fd, F_GETFD) != -1;
  return count;
}

class ChildChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sd_event_new(&loop_), 0);
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    child_.reset(sv[1]);
    ChildChannel::Handlers h;
    h.line = [this](std::string_view line) { lines_.emplace_back(line); };
    h.dropped = [this](const std::string& reason, std::size_t bytes) {
      dropped_.push_back({reason, bytes});
    };
    h.closed = [this] { closed_ = true; };
    channel_ = std::make_unique<ChildChannel>(loop_, UniqueFd(sv[0]), 1024, 0, std::move(h));
  }
  void TearDown() override {
    channel_.reset();
    sd_event_unref(loop_);
  }
  /// Runs the loop until cond holds (true) or 5 s pass.
  bool run_until(const std::function<bool()>& cond) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!cond() && std::chrono::steady_clock::now() < deadline) sd_event_run(loop_, 10'000);
    return cond();
  }
  void child_writes(std::string_view data) {
    ASSERT_EQ(::write(child_.get(), data.data(), data.size()), ssize_t(data.size()));
  }

  sd_event* loop_ = nullptr;
  UniqueFd child_;
  std::unique_ptr<ChildChannel> channel_;
  std::vector<std::string> lines_;
  std::vector<std::pair<std::string, std::size_t>> dropped_;
  bool closed_ = false;
};

TEST_F(ChildChannelTest, FramesLinesAcrossWrites) {
  child_writes("{\"a\":1}\n{\"b\"");
  child_writes(":2}\n\n");
  ASSERT_TRUE(run_until([&] { return lines_.size() == 3; }));
  EXPECT_EQ(lines_, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", ""}));
  EXPECT_TRUE(dropped_.empty());
}

TEST_F(ChildChannelTest, OversizedLineIsDroppedOnceAndTheNextOneArrives) {
  std::string big(5000, 'x');
  child_writes(big.substr(0, 3000));
  child_writes(big.substr(3000));
  child_writes("\n{\"after\":true}\n");
  ASSERT_TRUE(run_until([&] { return lines_.size() == 1; }));
  EXPECT_EQ(lines_[0], "{\"after\":true}");
  ASSERT_EQ(dropped_.size(), 1u);
  EXPECT_EQ(dropped_[0].second, 5000u);
  EXPECT_EQ(dropped_[0].first, "message of 5000 bytes exceeds the limit of 1024 bytes");
}

TEST_F(ChildChannelTest, PassedFdsAreClosed) {
  int before = count_open_fds();
  int fds[8];
  for (int& fd : fds) fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::string text = "{\"x\":1}\n";
  iovec iov{text.data(), text.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof fds);
  std::memcpy(CMSG_DATA(c), fds, sizeof fds);
  ASSERT_GT(::sendmsg(child_.get(), &msg, 0), 0);
  for (int fd : fds) ::close(fd);
  ASSERT_TRUE(run_until([&] { return lines_.size() == 1; }));
  EXPECT_EQ(count_open_fds(), before) << "the 8 fds that came with the message were closed";
}

TEST_F(ChildChannelTest, SendQueuesThenRefusesWhenTheChildDoesNotRead) {
  std::string line(1000, 'y');
  int accepted = 0;
  Status last;
  for (int i = 0; i < 100000 && last.ok(); ++i) {
    last = channel_->send(line);
    accepted += last.ok();
  }
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.error().code, ENOBUFS);
  EXPECT_LE(channel_->queued(), std::size_t(4u << 20));
  EXPECT_GT(accepted, 4000) << "4 MiB are queued besides the socket buffer";
  EXPECT_EQ(channel_->send(std::string(2000, 'z')).error().code, EMSGSIZE);
  // Once the child reads, everything queued arrives, in order and whole.
  std::string received;
  ::fcntl(child_.get(), F_SETFL, O_NONBLOCK);
  ASSERT_TRUE(run_until([&] {
    char buf[65536];
    ssize_t n;
    while ((n = ::read(child_.get(), buf, sizeof buf)) > 0) received.append(buf, size_t(n));
    return received.size() == std::size_t(accepted) * 1001;
  }));
  EXPECT_EQ(channel_->queued(), 0u);
  EXPECT_TRUE(channel_->send("{}").ok());
}

TEST_F(ChildChannelTest, EndOfFileClosesIt) {
  child_writes("{\"last\":1}\n");
  child_.reset();
  ASSERT_TRUE(run_until([&] { return closed_; }));
  EXPECT_EQ(lines_, std::vector<std::string>{"{\"last\":1}"});
  EXPECT_FALSE(channel_->open());
  EXPECT_EQ(channel_->send("{}").error().code, EPIPE);
}

}  // namespace
}  // namespace tend
