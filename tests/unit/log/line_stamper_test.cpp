#include "log/line_stamper.h"

#include <gtest/gtest.h>

#include <string>

namespace tend {
namespace {

constexpr std::int64_t kT1 = 1795313789123;  // 2026-11-22T02:16:29.123Z
constexpr std::int64_t kT2 = kT1 + 1005;     // 2026-11-22T02:16:30.128Z
const std::string kS1 = "2026-11-22T02:16:29.123Z ";
const std::string kS2 = "2026-11-22T02:16:30.128Z ";

TEST(LineStamperTest, StampsEachLineInExactFormat) {
  LineStamper s(true);
  std::string out;
  s.feed("hello\nworld\n", kT1, out);
  EXPECT_EQ(out, kS1 + "hello\n" + kS1 + "world\n");
  EXPECT_FALSE(s.has_partial());
}

TEST(LineStamperTest, StampsZeroPaddedFields) {
  LineStamper s(true);
  std::string out;
  s.feed("x\n", 86400000 + 7, out);  // 1970-01-02 00:00:00.007
  EXPECT_EQ(out, "1970-01-02T00:00:00.007Z x\n");
}

TEST(LineStamperTest, StampsEmptyLinesAndLeavesCarriageReturns) {
  LineStamper s(true);
  std::string out;
  s.feed("\na\r\n", kT1, out);
  EXPECT_EQ(out, kS1 + "\n" + kS1 + "a\r\n");
}

TEST(LineStamperTest, PartialLineKeepsStampOfItsFirstFeed) {
  LineStamper s(true);
  std::string out;
  s.feed("hel", kT1, out);
  EXPECT_EQ(out, "");
  EXPECT_TRUE(s.has_partial());
  s.feed("l", kT2, out);
  s.feed("o\nnext", kT2, out);
  EXPECT_EQ(out, kS1 + "hello\n");
  out.clear();
  s.feed("\n", kT2 + 5000, out);
  EXPECT_EQ(out, kS2 + "next\n");
}

TEST(LineStamperTest, FlushEndsPartialLineWithNewline) {
  LineStamper s(true);
  std::string out;
  s.flush(kT1, out);
  EXPECT_EQ(out, "");
  s.feed("a\nlast", kT1, out);
  s.flush(kT2, out);
  EXPECT_EQ(out, kS1 + "a\n" + kS1 + "last\n");
  EXPECT_FALSE(s.has_partial());
  out.clear();
  s.flush(kT2, out);
  EXPECT_EQ(out, "");
}

TEST(LineStamperTest, SplitsLinesLongerThanMaxLine) {
  const std::size_t max = 64 * 1024;
  LineStamper s(true);
  std::string out;
  std::string line(2 * max + 10, 'x');
  s.feed(line + "\n", kT1, out);
  std::string x(max, 'x');
  EXPECT_EQ(out, kS1 + x + "\n" + kS1 + x + "\n" + kS1 + std::string(10, 'x') + "\n");
}

TEST(LineStamperTest, KeepsLineOfExactlyMaxLineWhole) {
  const std::size_t max = 64 * 1024;
  LineStamper s(true);
  std::string out;
  std::string x(max, 'x');
  s.feed(x + "\n", kT1, out);
  EXPECT_EQ(out, kS1 + x + "\n");
  out.clear();
  // The same when the newline arrives in a later feed.
  s.feed(x, kT1, out);
  EXPECT_EQ(out, "");
  s.feed("\n", kT2, out);
  EXPECT_EQ(out, kS1 + x + "\n");
}

TEST(LineStamperTest, SplitsLongPartialAcrossFeedsAndStampsTheRestWithItsFeed) {
  LineStamper s(true, 4);
  std::string out;
  s.feed("abc", kT1, out);
  EXPECT_EQ(out, "");
  s.feed("defghij", kT2, out);
  EXPECT_EQ(out, kS1 + "abcd\n" + kS2 + "efgh\n");
  s.flush(kT2, out);
  EXPECT_EQ(out, kS1 + "abcd\n" + kS2 + "efgh\n" + kS2 + "ij\n");
}

TEST(LineStamperTest, PassesBytesThroughWhenNotStamping) {
  LineStamper s(false);
  std::string out;
  std::string bytes("a\nb\r\n\0c", 7);
  s.feed(bytes, kT1, out);
  s.feed("partial", kT2, out);
  EXPECT_FALSE(s.has_partial());
  s.flush(kT2, out);
  EXPECT_EQ(out, bytes + "partial");
}

}  // namespace
}  // namespace tend
