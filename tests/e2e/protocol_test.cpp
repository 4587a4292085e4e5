// The control socket speaks newline-delimited JSON; bad clients get an error or are dropped, and the daemon
// goes on serving everyone else.
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

namespace tend::e2e {
namespace {

class ProtocolTest : public TendTest {
 protected:
  void SetUp() override {
    TendTest::SetUp();
    RunResult r = tend({"ls"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    daemon_ = daemon_pid();
    ASSERT_GT(daemon_, 0);
  }

  std::string sock() const { return home_ + "/tend.sock"; }

  Json parse(const std::optional<std::string>& line) {
    if (!line) {
      ADD_FAILURE() << "no response line";
      return Json();
    }
    try {
      return Json::parse(*line);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "response is not JSON: " << *line;
      return Json();
    }
  }

  // The same daemon still answers the CLI.
  void expect_still_serving() {
    RunResult r = tend({"ls", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(daemon_pid(), daemon_) << "the daemon died and was restarted";
    EXPECT_TRUE(pid_alive(daemon_));
  }

  static std::string request(int id, const std::string& cmd, const std::string& args = "{}") {
    return R"({"v":1,"id":)" + std::to_string(id) + R"(,"cmd":")" + cmd + R"(","args":)" + args + "}\n";
  }

  static std::string code_of(const Json& j) {
    if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return "<none>";
    return j["error"].value("code", "<none>");
  }

  pid_t daemon_ = 0;
};

TEST_F(ProtocolTest, LsRequestGetsAResult) {
  UnixClient c(sock());
  ASSERT_TRUE(c.connected());
  c.send_all(request(7, "ls"));
  Json j = parse(c.read_line(Ms(5000)));
  EXPECT_EQ(j["v"], 1) << j.dump();
  EXPECT_EQ(j["id"], 7) << j.dump();
  EXPECT_EQ(j["ok"], true) << j.dump();
  EXPECT_TRUE(j["result"].is_array()) << j.dump();
}

TEST_F(ProtocolTest, GarbageGetsBadRequestAndTheConnectionStaysOpen) {
  UnixClient c(sock());
  ASSERT_TRUE(c.connected());
  c.send_all("this is not json\n");
  Json j = parse(c.read_line(Ms(5000)));
  EXPECT_EQ(j["ok"], false) << j.dump();
  EXPECT_EQ(code_of(j), "bad_request") << j.dump();
  EXPECT_TRUE(j.contains("id") && j["id"].is_null()) << j.dump();
  EXPECT_TRUE(j["error"].is_object() && j["error"]["message"].is_string()) << j.dump();

  c.send_all(request(8, "ls"));
  Json ok = parse(c.read_line(Ms(5000)));
  EXPECT_EQ(ok["id"], 8) << ok.dump();
  EXPECT_EQ(ok["ok"], true) << ok.dump();
  expect_still_serving();
}

TEST_F(ProtocolTest, BinaryJunkDoesNotKillTheDaemon) {
  {
    UnixClient c(sock());
    ASSERT_TRUE(c.connected());
    std::string junk;
    for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 131 + 7) % 256));
    junk += "\n{\"v\":1,\n\n\n}}}]]\n\"\\u12\"\n";
    c.send_all(junk);
    c.read_line(Ms(1000));
  }
  expect_still_serving();
}

TEST_F(ProtocolTest, UnknownCommandAndWrongTypes) {
  UnixClient c(sock());
  ASSERT_TRUE(c.connected());
  c.send_all(request(1, "frobnicate"));
  Json j = parse(c.read_line(Ms(5000)));
  EXPECT_EQ(j["id"], 1) << j.dump();
  EXPECT_EQ(j["ok"], false) << j.dump();
  EXPECT_EQ(code_of(j), "unknown_command") << j.dump();

  for (const std::string bad :
       {R"({"v":1,"id":2,"cmd":"ls","args":"not an object"})", R"({"v":1,"id":2,"cmd":42,"args":{}})",
        R"({"v":1,"id":2})", R"([1,2,3])", R"({"v":1,"id":2,"cmd":"stop","args":{"targets":17}})"}) {
    c.send_all(bad + "\n");
    Json e = parse(c.read_line(Ms(5000)));
    EXPECT_EQ(e["ok"], false) << bad << " → " << e.dump();
    EXPECT_EQ(code_of(e), "bad_request") << bad << " → " << e.dump();
  }
  c.send_all(request(3, "ls"));
  EXPECT_EQ(parse(c.read_line(Ms(5000)))["ok"], true);
  expect_still_serving();
}

TEST_F(ProtocolTest, DeeplyNestedRequestsAreRefusedBeforeTheyReachACommand) {
  // Copying or serializing JSON recurses once per level: 100,000 levels would overflow the daemon's stack.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  UnixClient c(sock());
  ASSERT_TRUE(c.connected());
  int id = 1;
  for (const auto& [cmd, args] : std::vector<std::pair<std::string, std::string>>{
           {"send", R"({"targets":["nobody"],"message":)" + deep + "}"},
           {"start", R"({"spec":)" + deep + "}"},
           {"job-submit", R"({"jobs":)" + deep + "}"},
           {"ls", R"({"x":)" + deep + "}"}}) {
    c.send_all(request(id, cmd, args));
    Json e = parse(c.read_line(Ms(10000)));
    EXPECT_EQ(e["ok"], false) << cmd << " → " << e.dump();
    EXPECT_EQ(code_of(e), "bad_request") << cmd << " → " << e.dump();
    EXPECT_NE(e["error"].value("message", "").find("nests deeper than"), std::string::npos) << e.dump();
    ++id;
  }
  // Within the bound, a message reaches the command (which then finds no such program).
  const std::string nested = std::string(500, '[') + std::string(500, ']');
  c.send_all(request(id, "send", R"({"targets":["nobody"],"message":)" + nested + "}"));
  Json e = parse(c.read_line(Ms(10000)));
  EXPECT_EQ(code_of(e), "not_found") << e.dump();
  expect_still_serving();
}

TEST_F(ProtocolTest, PipelinedRequestsAreAnsweredInOrder) {
  UnixClient c(sock());
  ASSERT_TRUE(c.connected());
  c.send_all(request(11, "ls") + request(12, "ls") + request(13, "ls"));
  for (int id : {11, 12, 13}) {
    Json j = parse(c.read_line(Ms(5000)));
    EXPECT_EQ(j["id"], id) << j.dump();
    EXPECT_EQ(j["ok"], true) << j.dump();
  }
}

TEST_F(ProtocolTest, OversizedMessageGetsTooLargeThenClose) {
  UnixClient c(sock());
  ASSERT_TRUE(c.connected());
  std::string pad(1200 * 1024, 'a');
  std::string msg = R"({"v":1,"id":5,"cmd":"ls","args":{"pad":")" + pad + "\"}}\n";
  c.send_all(msg);  // may stop early when the daemon closes
  Json j = parse(c.read_line(Ms(5000)));
  EXPECT_EQ(j["ok"], false) << j.dump().substr(0, 300);
  EXPECT_EQ(code_of(j), "too_large") << j.dump().substr(0, 300);
  EXPECT_FALSE(c.read_line(Ms(5000)));
  EXPECT_TRUE(c.eof()) << "the daemon closes the connection after too_large";
  expect_still_serving();
}

TEST_F(ProtocolTest, OversizedMessageWithoutNewline) {
  UnixClient c(sock());
  ASSERT_TRUE(c.connected());
  c.send_all(std::string(2 * 1024 * 1024, '{'));
  Json j = parse(c.read_line(Ms(5000)));
  EXPECT_EQ(code_of(j), "too_large") << j.dump().substr(0, 300);
  EXPECT_FALSE(c.read_line(Ms(5000)));
  EXPECT_TRUE(c.eof());
  expect_still_serving();
}

TEST_F(ProtocolTest, SilentAndHalfFinishedClientsDoNotDisturbTheDaemon) {
  { UnixClient silent(sock()); }
  {
    UnixClient half(sock());
    half.send_all(R"({"v":1,"id":)");
  }
  expect_still_serving();

  // While one client sits idle and another is mid-message, others are served; the half message then
  // completes.
  UnixClient idle(sock());
  UnixClient partial(sock());
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(partial.connected());
  partial.send_all(R"({"v":1,"id":21,"cmd":)");
  expect_still_serving();
  partial.send_all(R"("ls","args":{}})"
                   "\n");
  Json j = parse(partial.read_line(Ms(5000)));
  EXPECT_EQ(j["id"], 21) << j.dump();
  EXPECT_EQ(j["ok"], true) << j.dump();
  expect_still_serving();
}

TEST_F(ProtocolTest, ManyConnectionsOpenAndClosed) {
  for (int i = 0; i < 200; ++i) {
    UnixClient c(sock());
    ASSERT_TRUE(c.connected()) << "connection " << i;
    if (i % 2) c.send_all(request(i, "ls"));
  }
  expect_still_serving();
}

TEST_F(ProtocolTest, PeerOfAnotherUidIsRefused) {
  struct stat st;
  ASSERT_EQ(stat(sock().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Let uid 65534 reach the socket at all, so that only SO_PEERCRED can stop it.
  ASSERT_EQ(chmod(home_.c_str(), 0755), 0);
  ASSERT_EQ(chmod(sock().c_str(), 0666), 0);

  int report[2];
  ASSERT_EQ(pipe(report), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(report[0]);
    std::string result;
    if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) {
      result = "setuid-failed";
    } else {
      UnixClient c(sock());
      if (!c.connected()) {
        result = "connect-failed";
      } else {
        c.send_all(request(9, "ls"));
        auto line = c.read_line(Ms(5000));
        result = line ? "LINE " + *line : (c.eof() ? "EOF" : "TIMEOUT");
      }
    }
    if (write(report[1], result.data(), result.size()) < 0) _exit(2);
    _exit(0);
  }
  close(report[1]);
  std::string result;
  char buf[4096];
  for (ssize_t n; (n = read(report[0], buf, sizeof buf)) > 0;) result.append(buf, static_cast<size_t>(n));
  close(report[0]);
  int status = 0;
  waitpid(child, &status, 0);
  chmod(home_.c_str(), 0700);
  chmod(sock().c_str(), 0600);

  ASSERT_NE(result, "setuid-failed");
  ASSERT_NE(result, "connect-failed") << "the test could not reach the socket as uid 65534";
  ASSERT_NE(result, "TIMEOUT") << "the daemon neither refused nor closed the foreign peer";
  if (result != "EOF") {
    Json j = parse(result.substr(5));
    EXPECT_EQ(j["ok"], false) << "a foreign uid was served: " << j.dump();
    EXPECT_EQ(code_of(j), "permission_denied") << j.dump();
  }
  expect_still_serving();
}

}  // namespace
}  // namespace tend::e2e
