// The job, queue and schedule requests refuse malformed arguments with bad_request (or not_found) and the
// daemon goes on serving.
#include "harness.h"

namespace tend::e2e {
namespace {

class JobsProtocolTest : public TendTest {
 protected:
  void SetUp() override {
    TendTest::SetUp();
    RunResult r = tend({"job", "ls"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }
  /// Sends one request line and returns the response's error code ("" when ok).
  std::string code(const std::string& cmd, const std::string& args) {
    UnixClient c(home_ + "/tend.sock");
    EXPECT_TRUE(c.connected());
    c.send_all(R"({"v":1,"id":1,"cmd":")" + cmd + R"(","args":)" + args + "}\n");
    auto line = c.read_line(Ms(10000));
    if (!line) return "<no response>";
    Json j = Json::parse(*line, nullptr, false);
    if (j.is_discarded()) return "<bad json>";
    if (j.value("ok", false)) return "";
    return j["error"].value("code", "<none>");
  }
};

TEST_F(JobsProtocolTest, MalformedRequestsAreRefused) {
  EXPECT_EQ(code("job-submit", "{}"), "bad_request");
  EXPECT_EQ(code("job-submit", R"({"spec":[]})"), "bad_request");
  EXPECT_EQ(code("job-submit", R"({"spec":{"command":["true"],"colour":"red"}})"), "bad_request");
  EXPECT_EQ(code("job-submit", R"({"spec":{"command":"true"}})"), "bad_request");
  EXPECT_EQ(code("job-submit", R"({"spec":{"command":[]}})"), "bad_request");
  EXPECT_EQ(code("job-submit", R"({"spec":{"command":["true"],"env":{"A":1}}})"), "bad_request");
  EXPECT_EQ(code("job-submit", R"({"spec":{"command":["true"],"queue":"no spaces"}})"), "bad_request");
  EXPECT_EQ(code("job-submit", R"({"spec":{"command":["true"]},"commands":[1,2]})"), "bad_request");
  EXPECT_EQ(code("job-submit", R"({"spec":{"command":["true"],"after":[42]}})"), "not_found");
  EXPECT_EQ(code("job-submit", R"({"spec":{"command":["true"],"priority":"high"}})"), "bad_request");
  EXPECT_EQ(code("job-show", "{}"), "bad_request");
  EXPECT_EQ(code("job-show", R"({"id":7})"), "not_found");
  EXPECT_EQ(code("job-cancel", R"({"ids":"all"})"), "bad_request");
  EXPECT_EQ(code("job-wait", R"({"queue":"nope"})"), "not_found");
  EXPECT_EQ(code("job-prune", "{}"), "bad_request");
  EXPECT_EQ(code("queue-set", R"({"name":"q","slots":"many"})"), "bad_request");
  EXPECT_EQ(code("queue-set", R"({"name":"q","levels":99})"), "bad_request");
  EXPECT_EQ(code("schedule-add", R"({"name":"s","spec":{"command":["true"]}})"), "bad_request");
  EXPECT_EQ(code("schedule-run", R"({"name":"nope"})"), "not_found");
  EXPECT_EQ(code("job-frobnicate", "{}"), "unknown_command");
  // Nothing was queued by any of them, and the daemon still answers.
  RunResult ls = tend({"job", "ls", "--json"});
  ASSERT_EQ(ls.exit_code, 0) << ls.describe();
  EXPECT_EQ(Json::parse(ls.out).size(), 0u);
  EXPECT_EQ(code("job-submit", R"({"spec":{"command":["/bin/true"]},"commands":[["/bin/true"],["/bin/true","x"]]})"), "");
}

}  // namespace
}  // namespace tend::e2e
