// `tend events`: the durable history in events.db — it survives the daemon, and -f streams new events.
#include <signal.h>

#include <fstream>

#include "harness.h"

namespace tend::e2e {
namespace {

using EventsTest = TendTest;

std::vector<Json> json_lines(const std::string& text) {
  std::vector<Json> out;
  for (const auto& line : split_lines(text)) out.push_back(Json::parse(line));
  return out;
}

bool has_event(const std::vector<Json>& events, const std::string& kind, const std::string& field,
               const std::string& value) {
  for (const auto& e : events)
    if (e["kind"] == kind && e["data"].value(field, Json()) == value) return true;
  return false;
}

TEST_F(EventsTest, PastEventsSurviveADaemonRestart) {
  ASSERT_EQ(start("svc", "t_sleep", {}, {"--min-uptime", "0"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"svc"}, "running"));
  ASSERT_EQ(tend({"stop", "svc"}).exit_code, 0);
  pid_t first_daemon = daemon_pid();
  ASSERT_EQ(tend({"shutdown"}).exit_code, 0);
  ASSERT_TRUE(wait_until([&] { return !pid_alive(first_daemon); }, Ms(5000)));

  // No daemon now: the file is read directly, and no daemon is started for it.
  RunResult offline = tend({"events", "--json", "-n", "100"});
  ASSERT_EQ(offline.exit_code, 0) << offline.describe();
  EXPECT_FALSE(pid_alive(daemon_pid()));
  auto events = json_lines(offline.out);
  EXPECT_TRUE(has_event(events, "state", "to", "running")) << offline.out;
  EXPECT_TRUE(has_event(events, "state", "to", "stopped")) << offline.out;
  EXPECT_TRUE(has_event(events, "exit", "signal", "SIGTERM")) << offline.out;
  for (const auto& e : events) {
    EXPECT_TRUE(e["id"].is_number_integer());
    EXPECT_TRUE(e["time"].is_string());
    EXPECT_TRUE(e["message"].is_string());
  }

  // A new daemon has them all, and adds its own after them.
  ASSERT_EQ(tend({"start", "svc"}).exit_code, 0);
  EXPECT_NE(daemon_pid(), first_daemon);
  ASSERT_TRUE(wait_state({"svc"}, "running"));
  auto after = json_lines(tend({"events", "svc", "--json", "-n", "100"}).out);
  ASSERT_GT(after.size(), events.size());
  EXPECT_EQ(after[0]["id"], events[0]["id"]);
  EXPECT_GT(after.back()["id"].get<long long>(), events.back()["id"].get<long long>());
  EXPECT_EQ(after.back()["data"]["to"], "running");
}

TEST_F(EventsTest, FollowStreamsNewEvents) {
  ASSERT_EQ(start("live", "t_sleep", {}, {"--min-uptime", "0"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"live"}, "running"));
  Spawned follower = spawn_process({TEND_BINARY, "events", "-f", "--json", "-n", "1", "live"}, env());
  ASSERT_GT(follower.pid, 0);
  track_pid(follower.pid);
  std::string out;
  // The backlog first (the last event: running), then what happens from now on.
  ASSERT_TRUE(read_stdout_until(follower, out, "\"to\":\"running\"", Ms(10000))) << out;
  ASSERT_EQ(tend({"stop", "live"}).exit_code, 0);
  ASSERT_TRUE(read_stdout_until(follower, out, "\"to\":\"stopped\"", Ms(10000))) << out;
  EXPECT_NE(out.find("\"kind\":\"exit\""), std::string::npos) << out;
  kill(follower.pid, SIGTERM);
  finish_process(follower, Ms(5000));
  auto streamed = json_lines(out);
  for (size_t i = 1; i < streamed.size(); ++i)  // in order, none twice
    EXPECT_GT(streamed[i]["id"].get<long long>(), streamed[i - 1]["id"].get<long long>());
}

TEST_F(EventsTest, FiltersByProgramKindAndTime) {
  ASSERT_EQ(start("a", "t_sleep", {}, {"--min-uptime", "0"}).exit_code, 0);
  ASSERT_EQ(start("b", "t_exit", {"3"}, {"--restart", "on-failure", "--max-restarts", "0", "--min-uptime", "1s"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"b"}, "failed"));
  auto only_b = json_lines(tend({"events", "b", "--json"}).out);
  ASSERT_FALSE(only_b.empty());
  for (const auto& e : only_b) EXPECT_EQ(e["program"], "b");
  auto exits = json_lines(tend({"events", "--kind", "exit", "--json"}).out);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0]["data"]["exit_code"], 3);
  EXPECT_GE(exits[0]["data"]["run_ms"].get<long long>(), 0);
  EXPECT_EQ(tend({"events", "--since", "1h", "--json"}).out, tend({"events", "-n", "10000", "--json"}).out);
  EXPECT_EQ(tend({"events", "--since", "0ms"}).out, "");
  RunResult table = tend({"events", "b:0", "--kind", "exit"});
  EXPECT_NE(table.out.find("  b:0              exit         pid "), std::string::npos) << table.out;
  EXPECT_EQ(tend({"events", "--since", "soon"}).exit_code, 2);
  EXPECT_EQ(tend({"events", "bad name!"}).exit_code, 2);
}

TEST_F(EventsTest, RestartsWithTheirBackoffAndConfigAppliesAreRecorded) {
  ASSERT_EQ(start("flaky", "t_exit", {"1"},
                  {"--backoff-min", "50ms", "--backoff-max", "50ms", "--max-restarts", "2", "--min-uptime", "1s"})
                .exit_code,
            0);
  ASSERT_TRUE(wait_state({"flaky"}, "failed"));
  auto restarts = json_lines(tend({"events", "flaky", "--kind", "restart", "--json"}).out);
  ASSERT_EQ(restarts.size(), 2u);
  EXPECT_EQ(restarts[0]["data"]["delay_ms"], 50);
  EXPECT_EQ(restarts[1]["data"]["restarts"], 2);

  std::string file = home_ + "/tend.toml";
  std::ofstream(file) << "[programs.cfg]\ncommand = [\"" << helper_path("t_sleep") << "\"]\n";
  ASSERT_EQ(tend({"apply", "-f", file}).exit_code, 0);
  auto applies = json_lines(tend({"events", "--kind", "apply", "--json"}).out);
  ASSERT_EQ(applies.size(), 1u);
  EXPECT_EQ(applies[0]["data"]["path"], file);
  EXPECT_TRUE(applies[0]["program"].is_null());
  EXPECT_EQ(applies[0]["data"]["plan"][0], "+ cfg (1 instance)");
}

}  // namespace
}  // namespace tend::e2e
