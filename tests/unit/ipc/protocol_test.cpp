#include "ipc/protocol.h"

#include <gtest/gtest.h>

#include "ipc/line_buffer.h"

namespace tend {
namespace {

TEST(ProtocolCodecTest, ParsesAWellFormedRequest) {
  nlohmann::json id;
  auto req = parse_request(R"({"v":1,"id":7,"cmd":"stop","args":{"targets":["web:1"]}})", id);
  ASSERT_TRUE(req.ok()) << req.error().message;
  EXPECT_EQ(req->cmd, "stop");
  EXPECT_EQ(req->id, 7);
  EXPECT_EQ(req->args["targets"][0], "web:1");
}

TEST(ProtocolCodecTest, RejectsMalformedRequestsWithReasons) {
  nlohmann::json id;
  EXPECT_EQ(parse_request("{nope", id).error().message, "malformed JSON");
  EXPECT_TRUE(id.is_null());
  EXPECT_EQ(parse_request("[1,2]", id).error().message, "a request must be a JSON object");
  EXPECT_EQ(parse_request(R"({"id":3,"cmd":"ls"})", id).error().message, "missing integer field 'v'");
  EXPECT_EQ(id, 3) << "the id is kept so the error can carry it";
  EXPECT_EQ(parse_request(R"({"v":2,"cmd":"ls"})", id).error().message,
            "unsupported protocol version 2 (this daemon speaks 1)");
  EXPECT_EQ(parse_request(R"({"v":1,"cmd":5})", id).error().message, "missing string field 'cmd'");
  EXPECT_EQ(parse_request(R"({"v":1,"cmd":"ls","args":[]})", id).error().message, "field 'args' must be an object");
}

TEST(ProtocolCodecTest, ResponsesCarryCodesAndIds) {
  auto err = make_error("x", ErrorCode::not_found, "no program named web");
  EXPECT_EQ(err["error"]["code"], "not_found");
  EXPECT_EQ(err["id"], "x");
  EXPECT_FALSE(err["ok"].get<bool>());
  auto ok = make_ok(1, {{"a", 1}});
  EXPECT_TRUE(ok["ok"].get<bool>());
  EXPECT_EQ(make_stream_message(2, "log", {})["event"], "log");
}

TEST(ProtocolCodecTest, ArgumentReadersNameTheKey) {
  nlohmann::json args{{"targets", 17}, {"lines", "x"}, {"follow", 1}};
  EXPECT_EQ(arg_strings(args, "targets").error().message, "argument 'targets' must be an array of strings");
  EXPECT_EQ(arg_int(args, "lines", 0).error().message, "argument 'lines' must be an integer");
  EXPECT_FALSE(arg_bool(args, "follow", false).ok());
  EXPECT_EQ(*arg_int(args, "absent", 20), 20);
}

TEST(LineBufferTest, SplitsLinesAcrossAppends) {
  LineBuffer buf(100);
  buf.append("ab");
  EXPECT_FALSE(buf.next_line());
  buf.append("c\nde\n\nf");
  EXPECT_EQ(buf.next_line(), "abc");
  EXPECT_EQ(buf.next_line(), "de");
  EXPECT_EQ(buf.next_line(), "");
  EXPECT_FALSE(buf.next_line());
  EXPECT_TRUE(buf.has_partial());
}

TEST(LineBufferTest, OverflowsPastTheLimit) {
  LineBuffer buf(8);
  buf.append("123456789");
  EXPECT_FALSE(buf.next_line());
  EXPECT_TRUE(buf.overflowed());
}

}  // namespace
}  // namespace tend
