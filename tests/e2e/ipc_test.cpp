// The message channel: Node's process.send both ways, a Python child on TEND_IPC_FD, routing between
// siblings, `tend send` errors, and children that abuse the channel.
#include <dirent.h>
#include <signal.h>

#include "harness.h"

namespace tend::e2e {
namespace {

using IpcTest = TendTest;

int count_fds(pid_t pid) {
  int n = 0;
  DIR* dir = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (!dir) return -1;
  while (dirent* e = readdir(dir)) n += e->d_name[0] != '.';
  closedir(dir);
  return n;
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class IpcNodeTest : public IpcTest {
 protected:
  void SetUp() override {
    IpcTest::SetUp();
    RunResult r = tend(
        {"start", "--name", "node", "--ipc", "--ready", "ipc", "--", "node", script_path("node_echo.js")});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    ASSERT_TRUE(wait_state({"node"}, "running", Ms(30000))) << "process.send('ready') makes it running";
  }
  /// `tend send node MESSAGE --wait-reply`, the reply parsed.
  Json ask(const std::string& message) {
    RunResult r = tend({"send", "node", message, "--wait-reply", "20s"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    auto reply = Json::parse(r.out, nullptr, false);
    EXPECT_FALSE(reply.is_discarded()) << r.out;
    return reply;
  }
};

TEST_F(IpcNodeTest, ProcessSendWorksBothWays) {
  auto inst = find_instance("node");
  ASSERT_TRUE(inst);
  EXPECT_EQ((*inst)["ipc"], true) << inst->dump();
  EXPECT_NE((*inst)["reason"].get<std::string>().find("ready (ipc)"), std::string::npos) << inst->dump();
  Json reply = ask(R"({"hello":[1,2,{"x":null}]})");
  EXPECT_EQ(reply["echo"], Json::parse(R"({"hello":[1,2,{"x":null}]})")) << reply.dump();
  EXPECT_EQ(reply["pid"], pid_of("node"));
  EXPECT_TRUE(wait_until([&] { return log_and_events().find("event message node:0") != std::string::npos; },
                         Ms(5000)))
      << "messages a child sends are recorded";
}

TEST_F(IpcNodeTest, PayloadsNodeWouldChokeOnArriveIntact) {
  // Newlines inside strings, U+2028, non-BMP characters, big numbers, a bare string: every one is sent as
  // one valid line, or the Node child would die of a SyntaxError.
  for (const char* message :
       {R"("line\nbreak")",
        "\"sep\xe2\x80\xa8"
        "arator\"",
        "\"\xf0\x9f\x98\x80\"", "9007199254740991", R"({"nested":{"deep":[[[[1]]]]}})", "[]", "null"}) {
    Json reply = ask(message);
    EXPECT_EQ(reply["echo"], Json::parse(message)) << message;
  }
  EXPECT_TRUE(pid_alive(pid_of("node")));
}

TEST_F(IpcNodeTest, HandlesAreAcknowledgedSoLaterMessagesFlow) {
  // Node passes a net.Server as NODE_HANDLE and holds back every later message until it is acknowledged.
  Json reply = ask(R"("handle")");
  EXPECT_EQ(reply, Json::parse(R"({"after":"handle"})"));
  EXPECT_EQ(ask(R"({"again":1})")["echo"], Json::parse(R"({"again":1})"));
  EXPECT_NE(log_and_events().find("cannot be passed through tend"), std::string::npos);
}

TEST_F(IpcNodeTest, NodeInternalMessagesAreNeverSent) {
  RunResult r = tend({"send", "node", R"({"cmd":"NODE_HANDLE","type":"net.Socket"})"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("Node's internal protocol"), std::string::npos) << r.err;
  EXPECT_EQ(ask(R"({"still":"alive"})")["echo"], Json::parse(R"({"still":"alive"})"));
}

TEST_F(IpcNodeTest, ChannelSurvivesADaemonCrash) {
  // A Node child exits when its channel closes: the fd holder keeps the daemon's end open meanwhile.
  pid_t node = pid_of("node");
  pid_t daemon = daemon_pid();
  ASSERT_EQ(kill(daemon, SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return !pid_alive(daemon); }, Ms(5000)));
  EXPECT_TRUE(pid_alive(node));
  Json reply = ask(R"({"after":"crash"})");
  EXPECT_EQ(reply["echo"], Json::parse(R"({"after":"crash"})"));
  EXPECT_EQ(reply["pid"], node) << "the same process, adopted, on the same channel";
}

TEST_F(IpcTest, PythonChildOnTendIpcFd) {
  RunResult r =
      tend({"start", "--name", "py", "--ready", "ipc", "--", "python3", script_path("py_ipc_echo.py")});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(wait_state({"py"}, "running", Ms(30000)));
  r = tend({"send", "py", R"({"n":42,"s":"caf\u00e9"})", "--wait-reply", "20s"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  Json reply = Json::parse(r.out);
  EXPECT_EQ(reply["echo"], Json::parse(R"({"n":42,"s":"café"})"));
  EXPECT_EQ(reply["pid"], pid_of("py"));
  auto env = proc_environ(pid_of("py"));
  EXPECT_NE(env.find("\nNODE_CHANNEL_SERIALIZATION_MODE=json\n"), std::string::npos) << env;
  EXPECT_NE(env.find("\nTEND_IPC_FD=3\n"), std::string::npos) << env;
  EXPECT_NE(env.find("\nNODE_CHANNEL_FD=3\n"), std::string::npos) << env;
}

TEST_F(IpcTest, TheClientsOfTheDocsWork) {
  // examples/ipc/echo.py and echo.cpp are the clients docs/ipc.md shows.
  RunResult r = tend({"start", "--name", "py", "--ready", "ipc", "--", "python3",
                      std::string(TEND_EXAMPLES_DIR) + "/ipc/echo.py"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  r = tend({"start", "--name", "cpp", "--ready", "ipc", "--",
            std::string(TEND_EXAMPLES_BUILD_DIR) + "/ipc_echo_example"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(wait_state({"py", "cpp"}, "running", Ms(30000)));
  for (const char* name : {"py", "cpp"}) {
    r = tend({"send", name, R"({"hello":[1,"x"]})", "--wait-reply", "20s"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(Json::parse(r.out), Json::parse(R"({"echo":{"hello":[1,"x"]}})")) << name;
  }
}

TEST_F(IpcTest, SiblingsReachEachOtherThroughTend) {
  ASSERT_EQ(start("b", "t_ipc_echo", {}, {"--ipc", "--instances", "2"}).exit_code, 0);
  ASSERT_EQ(start("a", "t_ipc_echo", {"--forward", "b"}, {"--ipc"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("b", 1, "listening", Ms(10000)));
  ASSERT_TRUE(wait_log_contains("a", 0, "listening", Ms(10000)));
  // a forwards what it gets to program b: every instance of b receives it.
  RunResult r = tend({"send", "a", R"({"n":1})"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "sent to a:0\n");
  EXPECT_TRUE(wait_log_contains("b", 0, R"(got {"n":1})", Ms(10000)));
  EXPECT_TRUE(wait_log_contains("b", 1, R"(got {"n":1})", Ms(10000)));

  // Point to point: a Python child routes to b:1 only.
  r = tend({"start", "--name", "py", "--ready", "ipc", "--", "python3", script_path("py_ipc_echo.py")});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(wait_state({"py"}, "running", Ms(30000)));
  ASSERT_EQ(tend({"send", "py", R"({"to":"b:1","say":"hi"})"}).exit_code, 0);
  EXPECT_TRUE(wait_log_contains("b", 1, R"(got {"from":"python","said":"hi"})", Ms(10000)));
  // b:1 answers tend, and b:0 heard nothing: its log has only the first message.
  EXPECT_TRUE(
      wait_until([&] { return log_and_events().find("bytes to b:1") != std::string::npos; }, Ms(5000)));
  EXPECT_EQ(log_text("b", 0).find("python"), std::string::npos);
}

TEST_F(IpcTest, SendExplainsWhatItCannotDo) {
  ASSERT_EQ(start("plain", "t_sleep").exit_code, 0);
  ASSERT_EQ(start("chat", "t_ipc_echo", {}, {"--ipc"}).exit_code, 0);
  RunResult r = tend({"send", "plain", "{}"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("no instance of plain has an open message channel"), std::string::npos) << r.err;
  r = tend({"send", "plain:0", "{}"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("start it with --ipc"), std::string::npos) << r.err;
  r = tend({"send", "chat", "not json"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("not JSON"), std::string::npos) << r.err;
  r = tend({"send", "nosuch", "{}"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no program named nosuch"), std::string::npos) << r.err;
  r = tend({"send", "chat"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  // `all` reaches whoever has a channel.
  ASSERT_TRUE(wait_log_contains("chat", 0, "listening", Ms(10000)));
  r = tend({"send", "all", R"({"to":"everyone"})"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "sent to chat:0\n");
}

TEST_F(IpcTest, WaitReplyGivesUpAtItsDeadline) {
  ASSERT_EQ(start("mute", "t_ipc_hostile", {"noread"}, {"--ipc"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("mute", 0, "not reading", Ms(10000)));
  RunResult r = tend({"send", "mute", "{}", "--wait-reply", "300ms"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("no reply from mute:0 within 300ms"), std::string::npos) << r.err;
  EXPECT_GE(r.elapsed.count(), 300);
}

TEST_F(IpcTest, MessagesOverTheLimitAreRefused) {
  ASSERT_EQ(start("small", "t_ipc_echo", {}, {"--ipc", "--ipc-max-message", "1K"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("small", 0, "listening", Ms(10000)));
  RunResult r = tend({"send", "small", "\"" + std::string(2000, 'x') + "\""});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("exceeds the limit of 1024 bytes"), std::string::npos) << r.err;
  // Its echo of a 1012-byte message is over the limit too: dropped, with an event.
  r = tend({"send", "small", "\"" + std::string(1010, 'y') + "\""});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(wait_until(
      [&] { return log_and_events().find("exceeds the limit of 1024 bytes") != std::string::npos; },
      Ms(10000)));
}

TEST_F(IpcTest, HostileChildIsContained) {
  ASSERT_EQ(start("bystander", "t_ipc_echo", {}, {"--ipc"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("bystander", 0, "listening", Ms(10000)));
  pid_t daemon = daemon_pid();
  int fds_before = count_fds(daemon);
  ASSERT_EQ(start("hostile", "t_ipc_hostile", {"barrage"}, {"--ipc"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("hostile", 0, "sent", Ms(20000)));
  EXPECT_TRUE(wait_log_contains("hostile", 0, "acked", Ms(10000))) << "NODE_HANDLE is acknowledged";
  ASSERT_TRUE(wait_until([&] { return log_and_events().find(R"({"hostile":"done"})") != std::string::npos; },
                         Ms(20000)))
      << "the valid message after the garbage is received";
  std::string log = log_and_events();
  for (const char* why :
       {"not a JSON document", "nested deeper than 512 levels", "exceeds the limit of 1048576 bytes",
        "cannot be passed through tend", "unknown tend message 'explode'", "no such program",
        "Node's internal protocol", "needs \"to\""})
    EXPECT_NE(log.find(why), std::string::npos) << why << "\n" << log;
  EXPECT_GE(count(log, "event message_dropped hostile:0"), 6u);
  EXPECT_EQ(count(log, R"(bytes: {"with":"fds"})"), 16u)
      << "messages that carried fds are read like any other";
  EXPECT_TRUE(pid_alive(daemon));
  EXPECT_LE(count_fds(daemon), fds_before + 12) << "fds passed with SCM_RIGHTS are closed, not kept";
  // Everyone else is served as before, and so is the hostile child.
  RunResult r = tend({"send", "bystander", R"({"ok":1})", "--wait-reply", "20s"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_EQ(tend({"send", "hostile", R"({"still":"talking"})"}).exit_code, 0);
  EXPECT_TRUE(wait_log_contains("hostile", 0, R"(got {"still":"talking"})", Ms(10000)));
}

TEST_F(IpcTest, FloodDoesNotStarveTheDaemon) {
  ASSERT_EQ(start("flood", "t_ipc_hostile", {"flood", "300000"}, {"--ipc"}).exit_code, 0);
  // While (and after) it floods, the daemon answers at once and records a bounded number of events.
  RunResult r = tend({"ls"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_LT(r.elapsed.count(), 5000);
  ASSERT_TRUE(wait_log_contains("flood", 0, "flooded", Ms(60000)));
  ASSERT_TRUE(wait_until([&] { return tend({"ls"}).exit_code == 0; }, Ms(5000)));
  EXPECT_LT(count(log_and_events(), "event message_dropped flood:0"), 3000u)
      << "300000 malformed lines, rate-limited";
  EXPECT_TRUE(pid_alive(daemon_pid()));
}

TEST_F(IpcTest, ChildThatDoesNotReadGetsErrorsNotUnboundedBuffers) {
  ASSERT_EQ(start("mute", "t_ipc_hostile", {"noread"}, {"--ipc"}).exit_code, 0);
  ASSERT_EQ(start("bystander", "t_ipc_echo", {}, {"--ipc"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("mute", 0, "not reading", Ms(10000)));
  // Over the protocol: a 900 KiB message is more than a command line can carry.
  UnixClient client(home_ + "/tend.sock");
  ASSERT_TRUE(client.connected());
  Json request{{"v", 1},
               {"cmd", "send"},
               {"args", {{"targets", {"mute"}}, {"message", std::string(900 * 1024, 'z')}}}};
  int refused_at = -1;
  for (int i = 0; i < 20 && refused_at < 0; ++i) {
    request["id"] = i;
    ASSERT_GT(client.send_all(request.dump() + "\n"), 0u);
    auto line = client.read_line(Ms(20000));
    ASSERT_TRUE(line);
    Json response = Json::parse(*line);
    ASSERT_EQ(response["ok"], true) << *line;
    if (!response["result"]["failed"].empty()) {
      EXPECT_NE(response["result"]["failed"][0]["error"].get<std::string>().find("not reading its channel"),
                std::string::npos)
          << *line;
      refused_at = i;
    }
  }
  EXPECT_GT(refused_at, 0) << "the first messages are queued, then the child must read";
  EXPECT_LT(refused_at, 12) << "queued: at most 4 MiB besides the socket buffer";
  RunResult r = tend({"send", "bystander", R"({"ok":1})", "--wait-reply", "20s"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
}

}  // namespace
}  // namespace tend::e2e
