#include "log/log_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "temp_dir.h"

namespace tend {
namespace {

using testing::slurp;
using testing::TempDir;

TEST(LogFileTest, CreatesFileWithMode0600AndAppends) {
  TempDir dir;
  LogFile f(dir.file("out.log"), 1024, 3);
  ASSERT_TRUE(f.open().ok());
  ASSERT_TRUE(f.write("one\n").ok());
  ASSERT_TRUE(f.write("two\n").ok());
  EXPECT_EQ(slurp(f.path()), "one\ntwo\n");
  EXPECT_EQ(f.size(), 8u);
  struct stat st {};
  ASSERT_EQ(::stat(f.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(LogFileTest, LearnsSizeOfExistingFileAtOpen) {
  TempDir dir;
  std::ofstream(dir.file("out.log")) << "already here\n";
  LogFile f(dir.file("out.log"), 1024, 3);
  ASSERT_TRUE(f.open().ok());
  EXPECT_EQ(f.size(), 13u);
  ASSERT_TRUE(f.write("more\n").ok());
  EXPECT_EQ(slurp(f.path()), "already here\nmore\n");
}

TEST(LogFileTest, ReportsOpenFailure) {
  TempDir dir;
  LogFile f(dir.file("missing/out.log"), 1024, 3);
  Status s = f.open();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ENOENT);
  EXPECT_EQ(s.error().message, "unable to open log file " + f.path() + ": No such file or directory");
}

TEST(LogFileTest, RotationKeepsExactlyKeepOldFilesNewestFirst) {
  TempDir dir;
  LogFile f(dir.file("out.log"), 10, 2);
  ASSERT_TRUE(f.open().ok());
  for (std::string line : {"aaaaaaa\n", "bbbbbbb\n", "ccccccc\n", "ddddddd\n"})
    ASSERT_TRUE(f.write(line).ok());
  EXPECT_EQ(dir.names(), (std::set<std::string>{"out.log", "out.log.1", "out.log.2"}));
  EXPECT_EQ(slurp(f.path()), "ddddddd\n");
  EXPECT_EQ(slurp(f.path() + ".1"), "ccccccc\n");
  EXPECT_EQ(slurp(f.path() + ".2"), "bbbbbbb\n");
  EXPECT_EQ(f.size(), 8u);
}

TEST(LogFileTest, RotatesOnlyWhenTheWriteWouldPassMaxSize) {
  TempDir dir;
  LogFile f(dir.file("out.log"), 10, 1);
  ASSERT_TRUE(f.open().ok());
  ASSERT_TRUE(f.write("12345").ok());
  ASSERT_TRUE(f.write("67890").ok());  // exactly max_size: no rotation
  EXPECT_EQ(dir.names(), std::set<std::string>{"out.log"});
  ASSERT_TRUE(f.write("x").ok());
  EXPECT_EQ(slurp(f.path() + ".1"), "1234567890");
  EXPECT_EQ(slurp(f.path()), "x");
}

TEST(LogFileTest, WritesOversizedDataWholeIntoAnEmptyFile) {
  TempDir dir;
  LogFile f(dir.file("out.log"), 4, 1);
  ASSERT_TRUE(f.open().ok());
  ASSERT_TRUE(f.write("0123456789").ok());
  EXPECT_EQ(dir.names(), std::set<std::string>{"out.log"});
  EXPECT_EQ(slurp(f.path()), "0123456789");
}

TEST(LogFileTest, KeepZeroTruncatesInPlace) {
  TempDir dir;
  LogFile f(dir.file("out.log"), 10, 0);
  ASSERT_TRUE(f.open().ok());
  ASSERT_TRUE(f.write("aaaaaaa\n").ok());
  ASSERT_TRUE(f.write("bbbbbbb\n").ok());
  ASSERT_TRUE(f.write("c\n").ok());
  EXPECT_EQ(dir.names(), std::set<std::string>{"out.log"});
  EXPECT_EQ(slurp(f.path()), "bbbbbbb\nc\n");
  EXPECT_EQ(f.size(), 10u);
  ASSERT_TRUE(f.write("d\n").ok());
  EXPECT_EQ(slurp(f.path()), "d\n");
}

TEST(LogFileTest, RecreatesFileRemovedBySomeoneElse) {
  TempDir dir;
  LogFile f(dir.file("out.log"), 1024, 2);
  ASSERT_TRUE(f.open().ok());
  ASSERT_TRUE(f.write("before\n").ok());
  ASSERT_EQ(::unlink(f.path().c_str()), 0);
  ASSERT_TRUE(f.write("after\n").ok());
  EXPECT_EQ(slurp(f.path()), "after\n");
  EXPECT_EQ(f.size(), 6u);
  ASSERT_EQ(::unlink(f.path().c_str()), 0);
  ASSERT_TRUE(f.rotate().ok());
  EXPECT_EQ(dir.names(), std::set<std::string>{"out.log"});
}

TEST(LogFileTest, FollowsTruncationBySomeoneElse) {
  TempDir dir;
  LogFile f(dir.file("out.log"), 10, 1);
  ASSERT_TRUE(f.open().ok());
  ASSERT_TRUE(f.write("aaaaaaa\n").ok());
  ASSERT_EQ(::truncate(f.path().c_str(), 0), 0);
  ASSERT_TRUE(f.write("bbbbbbb\n").ok());  // no rotation: the file is empty again
  EXPECT_EQ(dir.names(), std::set<std::string>{"out.log"});
  EXPECT_EQ(slurp(f.path()), "bbbbbbb\n");
}

TEST(LogFileTest, WriteOpensWhenNotYetOpen) {
  TempDir dir;
  LogFile f(dir.file("out.log"), 1024, 1);
  ASSERT_TRUE(f.write("x\n").ok());
  EXPECT_EQ(slurp(f.path()), "x\n");
}

}  // namespace
}  // namespace tend
