#include "log/output_capture.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <thread>

#include "../proc/proc_test_support.h"
#include "temp_dir.h"

namespace tend {
namespace {

using testing::slurp;
using testing::TempDir;

constexpr std::size_t kStampPrefix = 25;  // "2026-11-22T02:16:29.123Z "

struct LoopDeleter {
  void operator()(sd_event* e) const { sd_event_unref(e); }
};
using Loop = std::unique_ptr<sd_event, LoopDeleter>;

Loop new_loop() {
  sd_event* e = nullptr;
  EXPECT_GE(sd_event_new(&e), 0);
  return Loop(e);
}

using proc_testing::Pipe;

Pipe new_pipe() {
  Pipe p = proc_testing::make_pipe();
  EXPECT_TRUE(p.read && p.write);
  return p;
}

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    ASSERT_GT(n, 0);
    data.remove_prefix(std::size_t(n));
  }
}

/// Runs the loop until done() holds; false if the deadline passed first.
bool run_until(sd_event* loop, const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    if (sd_event_run(loop, 100 * 1000) < 0) return false;
  }
  return true;
}

/// Strips and checks the stamp of every line; returns the bare lines joined again.
std::string unstamp(const std::string& log) {
  std::string bare;
  std::size_t pos = 0;
  while (pos < log.size()) {
    std::size_t nl = log.find('\n', pos);
    EXPECT_NE(nl, std::string::npos);
    if (nl == std::string::npos) break;
    EXPECT_GE(nl - pos, kStampPrefix);
    EXPECT_EQ(log.substr(pos + 23, 2), "Z ");
    EXPECT_EQ(log[pos + 10], 'T');
    bare.append(log, pos + kStampPrefix, nl + 1 - pos - kStampPrefix);
    pos = nl + 1;
  }
  return bare;
}

TEST(OutputCaptureTest, WritesLinesInOrderUntilTheWriterCloses) {
  TempDir dir;
  auto loop = new_loop();
  Pipe p = new_pipe();
  LogFile file(dir.file("out.log"), 0, 0);
  ASSERT_TRUE(file.open().ok());
  std::string streamed;
  OutputCapture capture(loop.get(), std::move(p.read), file, true, 0,
                        [&](std::string_view bytes) { streamed.append(bytes); });

  std::string expected;
  for (int i = 0; i < 50000; ++i) {
    char line[32];
    expected.append(line, std::size_t(std::snprintf(line, sizeof line, "line %06d\n", i)));
  }
  // Several writes of odd sizes, more than a pipe buffer in all, so lines straddle reads.
  std::thread writer([&expected, fd = std::move(p.write)] {
    for (std::size_t pos = 0; pos < expected.size(); pos += 4093) {
      write_all(fd.get(), std::string_view(expected).substr(pos, 4093));
    }
  });
  bool done = run_until(loop.get(), [&] { return capture.at_eof(); });
  writer.join();
  ASSERT_TRUE(done);

  std::string log = slurp(file.path());
  EXPECT_EQ(unstamp(log), expected);
  EXPECT_EQ(streamed, log);
}

TEST(OutputCaptureTest, EofFlushesTheLastPartialLineAndDisablesTheSource) {
  TempDir dir;
  auto loop = new_loop();
  Pipe p = new_pipe();
  LogFile file(dir.file("out.log"), 0, 0);
  OutputCapture capture(loop.get(), std::move(p.read), file, true, 0, nullptr);

  write_all(p.write.get(), "first\nno newline");
  p.write.reset();
  ASSERT_TRUE(run_until(loop.get(), [&] { return capture.at_eof(); }));
  EXPECT_EQ(unstamp(slurp(file.path())), "first\nno newline\n");
  // A hung-up pipe is always readable: only a disabled source lets the loop go idle.
  EXPECT_EQ(sd_event_run(loop.get(), 0), 0);
}

TEST(OutputCaptureTest, DrainFinalWritesThePartialLineAfterTheWriterCloses) {
  TempDir dir;
  auto loop = new_loop();
  Pipe p = new_pipe();
  LogFile file(dir.file("out.log"), 0, 0);
  OutputCapture capture(loop.get(), std::move(p.read), file, true, 0, nullptr);

  write_all(p.write.get(), "a\nb");
  p.write.reset();
  capture.drain(true);
  EXPECT_TRUE(capture.at_eof());
  EXPECT_EQ(unstamp(slurp(file.path())), "a\nb\n");
  EXPECT_EQ(sd_event_run(loop.get(), 0), 0);
}

TEST(OutputCaptureTest, DrainHoldsPartialLineUntilFinalWhileTheWriterIsOpen) {
  TempDir dir;
  auto loop = new_loop();
  Pipe p = new_pipe();
  LogFile file(dir.file("out.log"), 0, 0);
  std::string streamed;
  OutputCapture capture(loop.get(), std::move(p.read), file, true, 0,
                        [&](std::string_view bytes) { streamed.append(bytes); });

  write_all(p.write.get(), "done\npart");
  capture.drain(false);
  EXPECT_FALSE(capture.at_eof());
  EXPECT_EQ(unstamp(slurp(file.path())), "done\n");
  capture.drain(true);
  EXPECT_FALSE(capture.at_eof());
  EXPECT_EQ(unstamp(slurp(file.path())), "done\npart\n");
  EXPECT_EQ(streamed, slurp(file.path()));
}

TEST(OutputCaptureTest, PassesBytesThroughWhenNotStamping) {
  TempDir dir;
  auto loop = new_loop();
  Pipe p = new_pipe();
  LogFile file(dir.file("out.log"), 0, 0);
  OutputCapture capture(loop.get(), std::move(p.read), file, false, 0, nullptr);

  write_all(p.write.get(), "raw\r\nbytes without newline");
  p.write.reset();
  ASSERT_TRUE(run_until(loop.get(), [&] { return capture.at_eof(); }));
  EXPECT_EQ(slurp(file.path()), "raw\r\nbytes without newline");
}

}  // namespace
}  // namespace tend
