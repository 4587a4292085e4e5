#include "config/shell_words.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

using Words = std::vector<std::string>;

TEST(ConfigShellWordsTest, SplitsLikeShlex) {
  auto w = split_shell_words(R"(cmd  -a 'single $x' "double \"q\" \n" back\ slash)");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->words, (Words{"cmd", "-a", "single $x", "double \"q\" \\n", "back slash"}));
  EXPECT_FALSE(w->shell_syntax);
  EXPECT_EQ(split_shell_words("a'b'\"c\"")->words, Words{"abc"});
  EXPECT_EQ(split_shell_words("x ''")->words, (Words{"x", ""}));
}

TEST(ConfigShellWordsTest, DetectsShellSyntaxOutsideQuotes) {
  for (const char* line : {"a | b", "a && b", "a; b", "a > f", "a < f", "echo `date`", "echo $(date)"})
    EXPECT_TRUE(split_shell_words(line)->shell_syntax) << line;
  for (const char* line : {"a '|' b", "echo \"x > y\"", "echo $HOME"})
    EXPECT_FALSE(split_shell_words(line)->shell_syntax) << line;
}

TEST(ConfigShellWordsTest, Errors) {
  EXPECT_EQ(split_shell_words("a 'b").error().message, "no closing quotation");
  EXPECT_EQ(split_shell_words("a \"b").error().message, "no closing quotation");
  EXPECT_EQ(split_shell_words("a \\").error().message, "no escaped character after the final backslash");
}

}  // namespace
}  // namespace tend
