#include "util/utf8.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

TEST(Utf8Test, KeepsValidTextAndReplacesTheRest) {
  EXPECT_EQ(printable_utf8("café ☕ 😀"), "café ☕ 😀");
  EXPECT_EQ(printable_utf8("a\xff"
                           "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(printable_utf8("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd") << "a truncated sequence";
  EXPECT_EQ(printable_utf8("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd") << "overlong";
  EXPECT_EQ(printable_utf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd") << "a surrogate";
  EXPECT_EQ(printable_utf8("tab\there\x1b[31m"), "tab here [31m");
}

}  // namespace
}  // namespace tend
