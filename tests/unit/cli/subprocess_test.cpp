#include "cli/subprocess.h"

#include <gtest/gtest.h>

#include <string>

namespace tend::cli {
namespace {

std::string helper(const std::string& name) {
  return std::string(TEND_HELPERS_DIR) + "/" + name;
}

TEST(RunProgramTest, CapturesStdoutAndStderrApart) {
  auto out = run_program({helper("t_lines"), "3"});
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_TRUE(out->succeeded());
  EXPECT_EQ(out->out, "line 1\nline 2\nline 3\n");
  EXPECT_EQ(out->err, "");

  auto err = run_program({helper("t_lines"), "2", "--err"});
  ASSERT_TRUE(err.ok()) << err.error().message;
  EXPECT_EQ(err->out, "");
  EXPECT_EQ(err->err, "line 1\nline 2\n");
}

TEST(RunProgramTest, ReadsAPipefulOfStderrWhileStdoutStaysOpen) {
  // 20000 lines is far beyond a 64 KiB pipe: reading one stream to its end first would deadlock.
  auto r = run_program({helper("t_lines"), "20000", "--err"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::string expected;
  for (int i = 1; i <= 20000; ++i) expected += "line " + std::to_string(i) + "\n";
  EXPECT_EQ(r->err, expected);
}

TEST(RunProgramTest, ReportsTheExitStatus) {
  auto r = run_program({helper("t_exit"), "3"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->succeeded());
  EXPECT_EQ(r->describe_status(), "exit status 3");
}

TEST(RunProgramTest, ReportsADeathBySignal) {
  auto r = run_program({helper("t_lines"), "1", "--abort"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->succeeded());
  EXPECT_EQ(r->describe_status(), "killed by SIGABRT");
  EXPECT_EQ(r->out, "line 1\n");
}

TEST(RunProgramTest, AMissingProgramIsAnError) {
  auto r = run_program({"tend-no-such-program"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_EQ(r.error().message, "exec tend-no-such-program: No such file or directory");
}

}  // namespace
}  // namespace tend::cli
