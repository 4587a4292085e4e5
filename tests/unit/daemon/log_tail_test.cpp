#include "daemon/log_tail.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>

namespace tend {
namespace {

class LogTailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tend-tail-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/f.log";
  }
  void TearDown() override {
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
  }
  void write(const std::string& text) { std::ofstream(path_, std::ios::binary) << text; }
  std::string dir_, path_;
};

TEST_F(LogTailTest, LastCompleteLines) {
  write("a\nb\nc\nd\npartial");
  EXPECT_EQ(tail_lines(path_, 2), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(tail_lines(path_, 10), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_TRUE(tail_lines(path_, 0).empty());
  EXPECT_TRUE(tail_lines(dir_ + "/missing", 5).empty());
}

TEST_F(LogTailTest, ReadsBackwardsThroughLargeFiles) {
  std::string text;
  for (int i = 0; i < 50000; ++i) text += "line " + std::to_string(i) + "\n";
  write(text);
  EXPECT_EQ(tail_lines(path_, 3), (std::vector<std::string>{"line 49997", "line 49998", "line 49999"}));
}

TEST(MergeByStampTest, InterleavesStreamsInTimeOrder) {
  std::vector<std::string> out{"2026-11-22T02:00:00.001Z o1", "2026-11-22T02:00:00.003Z o2"};
  std::vector<std::string> err{"2026-11-22T02:00:00.002Z e1"};
  EXPECT_EQ(merge_by_stamp({out, err}, 10),
            (std::vector<std::string>{out[0], err[0], out[1]}));
  EXPECT_EQ(merge_by_stamp({out, err}, 1), (std::vector<std::string>{out[1]}));
}

}  // namespace
}  // namespace tend
