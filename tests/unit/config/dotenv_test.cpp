#include "config/dotenv.h"

#include <gtest/gtest.h>

#include "config_test_support.h"

namespace tend {
namespace {

using testing::error_lines;
using Lines = std::vector<std::string>;

EnvMap parse_ok(std::string_view text) {
  auto env = parse_dotenv(text, ".env");
  EXPECT_TRUE(env.ok()) << ::testing::PrintToString(error_lines(env));
  return env.ok() ? *env : EnvMap{};
}

TEST(DotenvTest, PlainLinesCommentsAndBlanks) {
  EXPECT_EQ(parse_ok("# comment\n\nA=1\n  B = two words  \nC=\nD=x # trailing comment\nE=a#b\r\n"),
            (EnvMap{{"A", "1"}, {"B", "two words"}, {"C", ""}, {"D", "x"}, {"E", "a#b"}}));
}

TEST(DotenvTest, Export) {
  EXPECT_EQ(parse_ok("export A=1\nexport  B='x'\nexported=2\n"),
            (EnvMap{{"A", "1"}, {"B", "x"}, {"exported", "2"}}));
}

TEST(DotenvTest, SingleQuotesAreLiteral) {
  EXPECT_EQ(parse_ok("A='a \\n \"b\" # not a comment'\n"), (EnvMap{{"A", "a \\n \"b\" # not a comment"}}));
}

TEST(DotenvTest, DoubleQuotesUnderstandEscapes) {
  EXPECT_EQ(parse_ok(R"(A="line1\nline2\t\"q\" \\ \$x")"
                     "\n"),
            (EnvMap{{"A", "line1\nline2\t\"q\" \\ \\$x"}}));
}

TEST(DotenvTest, QuotedValuesMaySpanLines) {
  EXPECT_EQ(parse_ok("KEY=\"-----BEGIN-----\nabc\n-----END-----\"\nNEXT=1\n"),
            (EnvMap{{"KEY", "-----BEGIN-----\nabc\n-----END-----"}, {"NEXT", "1"}}));
}

TEST(DotenvTest, LaterKeysWin) {
  EXPECT_EQ(parse_ok("A=1\nA=2\n"), (EnvMap{{"A", "2"}}));
}

TEST(DotenvTest, ReportsEveryMalformedLine) {
  EXPECT_EQ(
      error_lines(parse_dotenv("GOOD=1\nno equals here\n1BAD=x\n  A=\"x\" y\nB=\"open\n", ".env")),
      (Lines{".env:2:4: expected '=' after `no`",
             ".env:3:1: expected KEY=VALUE with KEY made of A-Z a-z 0-9 _ . (not starting with a digit)",
             ".env:4:9: unexpected text after the closing quote", ".env:5:3: unterminated double quote"}));
}

TEST(DotenvTest, MissingFile) {
  EXPECT_EQ(error_lines(load_dotenv("/nonexistent/.env")),
            Lines{"/nonexistent/.env: unable to open /nonexistent/.env: No such file or directory"});
}

}  // namespace
}  // namespace tend
