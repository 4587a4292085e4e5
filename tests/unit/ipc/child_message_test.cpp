#include "ipc/child_message.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

using Kind = ChildMessage::Kind;

TEST(ChildMessageTest, ClassifiesWhatChildrenSay) {
  EXPECT_EQ(classify_child_message("").kind, Kind::empty);
  EXPECT_EQ(classify_child_message(" \r").kind, Kind::empty);
  EXPECT_EQ(classify_child_message(R"("ready")").kind, Kind::pm2_ready);
  EXPECT_EQ(classify_child_message(R"({"tend":"ready"})").kind, Kind::ready);
  EXPECT_EQ(classify_child_message(R"({"tend":"watchdog"})").kind, Kind::watchdog);
  auto status = classify_child_message(R"({"tend":"status","status":"42 jobs"})");
  EXPECT_EQ(status.kind, Kind::status);
  EXPECT_EQ(status.text, "42 jobs");
  auto route = classify_child_message(R"({"tend":"send","to":"b:1","data":{"x":[1]}})");
  EXPECT_EQ(route.kind, Kind::route);
  EXPECT_EQ(route.to, "b:1");
  EXPECT_EQ(route.value, nlohmann::json::parse(R"({"x":[1]})"));
  auto handle = classify_child_message(R"({"cmd":"NODE_HANDLE","type":"net.Socket","msg":{}})");
  EXPECT_EQ(handle.kind, Kind::node_handle);
  EXPECT_EQ(handle.text, "net.Socket");
  EXPECT_EQ(classify_child_message(R"({"cmd":"NODE_CLUSTER"})").kind, Kind::node_internal);
  EXPECT_EQ(classify_child_message(R"({"cmd":"NODE_"})").kind, Kind::user)
      << "Node's test is: longer than NODE_";
  auto user = classify_child_message(R"({"cmd":"stats","n":1})");
  EXPECT_EQ(user.kind, Kind::user);
  EXPECT_EQ(user.value["n"], 1);
  EXPECT_EQ(classify_child_message(R"("ready!")").kind, Kind::user);
}

TEST(ChildMessageTest, MalformedSaysWhy) {
  EXPECT_EQ(classify_child_message("{oops}").kind, Kind::malformed);
  EXPECT_EQ(classify_child_message("\"\xff\"").kind, Kind::malformed) << "invalid UTF-8";
  EXPECT_EQ(classify_child_message("1 2").kind, Kind::malformed) << "two documents on one line";
  EXPECT_EQ(classify_child_message(R"({"tend":5})").kind, Kind::malformed);
  EXPECT_EQ(classify_child_message(R"({"tend":"send","data":1})").kind, Kind::malformed);
  EXPECT_EQ(classify_child_message(R"({"tend":"send","to":"b"})").kind, Kind::malformed);
  EXPECT_EQ(classify_child_message(R"({"tend":"status"})").kind, Kind::malformed);
  auto unknown = classify_child_message(R"({"tend":"reboot"})");
  EXPECT_EQ(unknown.kind, Kind::unknown_tend);
  EXPECT_EQ(unknown.text, "reboot");
  std::string deep(600, '[');
  deep += std::string(600, ']');
  auto too_deep = classify_child_message(deep);
  EXPECT_EQ(too_deep.kind, Kind::malformed);
  EXPECT_EQ(too_deep.text, "nested deeper than 512 levels");
}

TEST(ChildMessageTest, DepthIgnoresBracketsInStrings) {
  EXPECT_TRUE(json_depth_within(R"(["[[[[", "\"[[[["])", 1));
  EXPECT_FALSE(json_depth_within("[[1]]", 1));
  EXPECT_TRUE(json_depth_within("[[1]]", 2));
  EXPECT_TRUE(json_depth_within(R"({"a":{"b":"}}}}"}})", 2));
}

}  // namespace
}  // namespace tend
