// --max-memory: an instance whose RSS stays above the limit for two samples has its run ended as failed (stop
// signal, then SIGKILL after the kill timeout); the restart policy decides what follows, backoff included.
#include "harness.h"

namespace tend::e2e {
namespace {

class MemoryLimitTest : public TendTest {
 protected:
  void SetUp() override {
    extra_env_.push_back("TEND_SAMPLE_INTERVAL=200ms");  // the daemon's sampling interval
    TendTest::SetUp();
  }

  Json events_of(const std::string& target, const std::string& kind) {
    RunResult r = tend({"events", target, "--kind", kind, "--json", "-n", "100"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    Json out = Json::array();
    for (const auto& line : split_lines(r.out)) out.push_back(Json::parse(line));
    return out;
  }

  long long sweeps() {
    RunResult r = tend({"metrics"});
    for (const auto& line : split_lines(r.out))
      if (line.rfind("tend_sampler_sweeps_total ", 0) == 0) return std::stoll(line.substr(26));
    return -1;
  }
};

TEST_F(MemoryLimitTest, AnInstanceAllocatingPastItIsStoppedThenRestartedAfterABackoff) {
  ASSERT_EQ(start("hog", "t_alloc", {"48"}, {"--max-memory", "16M", "--kill-timeout", "5s"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("hog", 0, "allocated 48", Ms(10000)));
  pid_t first = pid_of("hog");
  ASSERT_TRUE(wait_until(
      [&] {
        auto i = find_instance("hog");
        return i && (*i)["restarts"].get<int>() >= 1 && (*i)["pid"].is_number() && (*i)["pid"] != first;
      },
      Ms(20000), Ms(50)));
  Json limits = events_of("hog:0", "memory_limit");
  ASSERT_FALSE(limits.empty());
  EXPECT_EQ(limits[0]["data"]["pid"], first);
  EXPECT_GT(limits[0]["data"]["rss_bytes"].get<long long>(), 16ll << 20);
  EXPECT_EQ(limits[0]["data"]["max_memory"], 16ll << 20);
  // Graceful: its stop signal, not a kill, then a start.
  Json exits = events_of("hog:0", "exit");
  ASSERT_FALSE(exits.empty());
  EXPECT_EQ(exits[0]["data"]["pid"], first);
  EXPECT_EQ(exits[0]["data"]["signal"], "SIGTERM");
  EXPECT_GT(exits[0]["id"].get<long long>(), limits[0]["id"].get<long long>());
  // A failed run, as a crash is: the restart went through the policy, after a backoff.
  Json restarts = events_of("hog:0", "restart");
  ASSERT_FALSE(restarts.empty());
  EXPECT_EQ(restarts[0]["data"]["cause"], "failure");
  EXPECT_GT(restarts[0]["id"].get<long long>(), exits[0]["id"].get<long long>());
  Json states = events_of("hog:0", "state");
  bool backed_off = false;
  for (const auto& s : states)
    backed_off = backed_off || (s["data"]["to"] == "backoff" &&
                                s["data"]["reason"].get<std::string>().starts_with("RSS above max_memory; "));
  EXPECT_TRUE(backed_off) << states.dump();
}

TEST_F(MemoryLimitTest, RepeatedMemoryFailuresCountTowardsMaxRestarts) {
  // Each run balloons at once: unstable runs (shorter than min_uptime), so the policy gives up.
  ASSERT_EQ(start("balloon", "t_alloc", {"48"},
                  {"--max-memory", "16M", "--min-uptime", "1m", "--max-restarts", "2", "--backoff-min", "10ms"})
                .exit_code,
            0);
  ASSERT_TRUE(wait_until(
      [&] {
        auto i = find_instance("balloon");
        return i && (*i)["state"] == "failed";
      },
      Ms(30000), Ms(50)))
      << tend({"ls", "--json"}).out;
  auto i = find_instance("balloon");
  EXPECT_EQ((*i)["restarts"], 2);
  EXPECT_NE((*i)["reason"].get<std::string>().find("gave up"), std::string::npos) << i->dump();
  EXPECT_EQ(events_of("balloon:0", "memory_limit").size(), 3u);
}

TEST_F(MemoryLimitTest, WithRestartNeverTheInstanceStaysDown) {
  ASSERT_EQ(start("once", "t_alloc", {"48"}, {"--max-memory", "16M", "--restart", "never"}).exit_code, 0);
  ASSERT_TRUE(wait_until(
      [&] {
        auto i = find_instance("once");
        return i && (*i)["state"] == "exited";
      },
      Ms(20000), Ms(50)))
      << tend({"ls", "--json"}).out;
  auto i = find_instance("once");
  EXPECT_EQ((*i)["restarts"], 0);
  EXPECT_TRUE((*i)["reason"].get<std::string>().starts_with("RSS above max_memory; ")) << i->dump();
}

TEST_F(MemoryLimitTest, AnInstanceUnderItIsLeftAlone) {
  ASSERT_EQ(start("small", "t_alloc", {"2"}, {"--max-memory", "64M"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("small", 0, "allocated 2", Ms(10000)));
  long long before = sweeps();
  ASSERT_TRUE(wait_until([&] { return sweeps() >= before + 3; }, Ms(10000), Ms(100)));
  EXPECT_EQ((*find_instance("small"))["restarts"], 0);
  EXPECT_TRUE(events_of("small:0", "memory_limit").empty());
}

TEST_F(MemoryLimitTest, SamplingStopsWhenNoInstanceHasALimit) {
  ASSERT_EQ(start("limited", "t_sleep", {}, {"--max-memory", "64M", "--min-uptime", "0"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"limited"}, "running"));
  ASSERT_TRUE(wait_until([&] { return tend({"metrics"}).out.find("tend_sampler_active 1\n") != std::string::npos; },
                         Ms(5000), Ms(50)));
  ASSERT_EQ(tend({"stop", "limited"}).exit_code, 0);
  RunResult metrics = tend({"metrics"});
  EXPECT_NE(metrics.out.find("tend_sampler_active 0\n"), std::string::npos) << metrics.out;
}

TEST_F(MemoryLimitTest, TheLimitIsValidatedAndKeptInStateJson) {
  RunResult tiny = start("tiny", "t_sleep", {}, {"--max-memory", "10K"});
  EXPECT_EQ(tiny.exit_code, 2);
  EXPECT_NE(tiny.err.find("invalid max-memory"), std::string::npos) << tiny.err;
  EXPECT_EQ(start("junk", "t_sleep", {}, {"--max-memory", "lots"}).exit_code, 2);
  ASSERT_EQ(start("kept", "t_sleep", {}, {"--max-memory", "32M"}).exit_code, 0);
  EXPECT_TRUE(wait_until([&] { return read_file(home_ + "/state.json").find("\"max_memory\":33554432") != std::string::npos; },
                         Ms(5000)));
}

}  // namespace
}  // namespace tend::e2e
