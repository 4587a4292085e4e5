// `tend inspect`: the PCB of an instance (and a TCB per thread) as the kernel reports it.
#include <unistd.h>

#include <set>

#include "harness.h"

namespace tend::e2e {
namespace {

class InspectFixture : public TendTest {
 protected:
  Json inspect(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"inspect"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--json");
    RunResult r = tend(argv);
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    Json j = Json::parse(r.out, nullptr, false);
    EXPECT_TRUE(j.is_object()) << r.out;
    return j;
  }
};

TEST_F(InspectFixture, FourThreadsMakeFiveTcbsWithTheRealPidAndPpid) {
  ASSERT_EQ(start("threads", "t_threads", {"4"}, {"--nice", "5"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"threads"}, "running"));
  ASSERT_TRUE(wait_log_contains("threads", 0, "ready", Ms(10000)));
  pid_t pid = pid_of("threads");
  ASSERT_GT(pid, 0);

  Json j = inspect({"threads:0", "--threads"});
  EXPECT_EQ(j["pid"], pid);
  EXPECT_EQ(j["ppid"], daemon_pid());
  EXPECT_EQ(j["ppid"], proc_stat(pid)->ppid);
  EXPECT_EQ(j["state"], "running");
  EXPECT_EQ(j["kernel_state"], "S");
  EXPECT_EQ(j["nice"], 5);
  EXPECT_GT(j["rss_bytes"].get<long long>(), 0);
  ASSERT_TRUE(j["fds"].is_array());
  EXPECT_EQ(j["fds"][0]["fd"], 0);
  EXPECT_EQ(j["fds"][0]["target"], "/dev/null");
  EXPECT_EQ(j["fds"][1]["kind"], "pipe");
  EXPECT_TRUE(j["voluntary_ctxt_switches"].is_number());
  EXPECT_TRUE(j["nonvoluntary_ctxt_switches"].is_number());

  ASSERT_EQ(j["threads"].size(), 5u) << j["threads"].dump();
  EXPECT_EQ(j["threads"][0]["tid"], pid);
  std::set<std::string> names;
  for (const auto& t : j["threads"]) {
    EXPECT_TRUE(t["tid"].is_number_integer());
    EXPECT_EQ(t["state"], "S") << t.dump();
    names.insert(t["name"].get<std::string>());
  }
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(names.count("worker-" + std::to_string(i))) << j["threads"].dump();

  // The groups carry the rest of the PCB.
  EXPECT_EQ(j["identification"]["pgid"], pid);
  EXPECT_EQ(j["identification"]["sid"], pid);
  EXPECT_EQ(j["identification"]["exe"], helper_path("t_threads"));
  EXPECT_EQ(j["identification"]["uid"], getuid());
  EXPECT_EQ(j["accounting"]["threads"], 5);
  EXPECT_EQ(j["status"]["state"], "running");
  EXPECT_EQ(j["status"]["kernel_state_meaning"], "sleeping");
  EXPECT_EQ(j["scheduling"]["policy"], "other");
  EXPECT_GE(j["scheduling"]["voluntary_ctxt_switches"].get<long long>(), 5);  // every thread blocked once
  EXPECT_FALSE(j["limits"].empty());
  EXPECT_GE(j["status"]["transitions"].size(), 2u);
}

TEST_F(InspectFixture, TheTextGroupsThePcbAsTheSeedsDo) {
  ASSERT_EQ(start("plain", "t_sleep").exit_code, 0);
  ASSERT_TRUE(wait_state({"plain"}, "running"));
  RunResult r = tend({"inspect", "plain", "--threads"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  for (const char* section : {"Identification", "State", "Scheduling", "Memory", "Accounting", "Files: 3 open",
                              "Limits", "Exits (last 10", "Threads: 1"})
    EXPECT_NE(r.out.find(section), std::string::npos) << section << " missing in\n" << r.out;
  EXPECT_NE(r.out.find("pid " + std::to_string(pid_of("plain"))), std::string::npos) << r.out;
}

TEST_F(InspectFixture, EnvironmentOnlyOnRequestWithSecretsMasked) {
  ASSERT_EQ(start("env", "t_sleep", {}, {"--env", "API_TOKEN=s3cr3t", "--env", "COLOR=blue"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"env"}, "running"));
  EXPECT_FALSE(inspect({"env:0"}).contains("environment"));
  auto value_of = [](const Json& j, const std::string& key) {
    for (const auto& e : j["environment"])
      if (e["key"] == key) return e["value"].get<std::string>();
    return std::string("(absent)");
  };
  Json masked = inspect({"env:0", "--env"});
  EXPECT_EQ(value_of(masked, "COLOR"), "blue");
  EXPECT_EQ(value_of(masked, "API_TOKEN"), "<masked: 6 bytes>");
  EXPECT_EQ(value_of(inspect({"env:0", "--env", "--reveal"}), "API_TOKEN"), "s3cr3t");
  EXPECT_EQ(tend({"inspect", "env:0", "--reveal"}).exit_code, 2);
}

TEST_F(InspectFixture, AStoppedInstanceShowsItsLastExits) {
  ASSERT_EQ(start("gone", "t_sleep").exit_code, 0);
  ASSERT_TRUE(wait_state({"gone"}, "running"));
  ASSERT_EQ(tend({"restart", "gone"}).exit_code, 0);
  ASSERT_EQ(tend({"stop", "gone"}).exit_code, 0);
  Json j = inspect({"gone"});
  EXPECT_TRUE(j["pid"].is_null());
  EXPECT_EQ(j["state"], "stopped");
  EXPECT_TRUE(j["identification"].is_null());
  ASSERT_EQ(j["history"]["exits"].size(), 2u) << j["history"].dump();
  for (const auto& e : j["history"]["exits"]) {
    EXPECT_EQ(e["signal"], "SIGTERM");
    EXPECT_GE(e["run_ms"].get<long long>(), 0);
    EXPECT_TRUE(e["pid"].is_number_integer());
  }
}

TEST_F(InspectFixture, OneInstanceMustBeNamed) {
  ASSERT_EQ(start("many", "t_sleep", {}, {"--instances", "2"}).exit_code, 0);
  RunResult r = tend({"inspect", "many"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("many names 2 instances"), std::string::npos) << r.err;
  EXPECT_EQ(tend({"inspect", "nosuch"}).exit_code, 1);
  EXPECT_EQ(tend({"inspect", "many:1", "--json"}).exit_code, 0);
}

}  // namespace
}  // namespace tend::e2e
