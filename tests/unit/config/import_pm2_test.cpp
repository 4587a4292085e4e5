#include "config/import_pm2.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "config/config_file.h"
#include "../log/temp_dir.h"
#include "config_test_support.h"

namespace tend {
namespace {

using testing::config_data;
using testing::error_lines;
using testing::slurp;

TEST(Pm2ImportTest, EcosystemFixtureMatchesExpectedToml) {
  auto ecosystem = nlohmann::json::parse(slurp(config_data("ecosystem.config.json")));
  auto toml = import_pm2(ecosystem, 4);
  ASSERT_TRUE(toml.ok()) << toml.error().message;
  EXPECT_EQ(*toml, slurp(config_data("ecosystem.expected.toml")));
}

TEST(Pm2ImportTest, OutputLoadsAsConfig) {
  auto toml = import_pm2(nlohmann::json::parse(slurp(config_data("ecosystem.config.json"))), 4);
  ASSERT_TRUE(toml.ok());
  auto config = parse_config(*toml, "/srv/tend.toml", {});
  ASSERT_TRUE(config.ok()) << ::testing::PrintToString(error_lines(config));
  ASSERT_EQ(config->programs.size(), 5u);
  const ProgramSpec& api = config->programs[0].spec;
  EXPECT_EQ(api.name, "api");
  EXPECT_EQ(api.command, (std::vector<std::string>{"node", "--max-old-space-size=512", "./dist/server.js",
                                                   "--port", "3000"}));
  EXPECT_EQ(api.instances, 4);
  EXPECT_EQ(api.env.at("PORT"), "3000");
  EXPECT_EQ(api.restart.min_uptime, Millis(10'000));
  EXPECT_EQ(api.restart.max_restarts, 15);
  EXPECT_EQ(api.kill_timeout, Millis(5000));
  EXPECT_EQ(api.restart.backoff_min, Millis(100));
  EXPECT_EQ(api.restart.backoff_max, Millis(15'000));
  EXPECT_TRUE(api.log_time);
  const ProgramConfig& report = config->programs[2];
  EXPECT_EQ(report.spec.command, std::vector<std::string>{"bin/report"});
  EXPECT_EQ(report.spec.restart.mode, RestartMode::never);
  EXPECT_FALSE(report.spec.autostart);
  EXPECT_EQ(config->programs[3].spec.name, "cleanup");
  EXPECT_EQ(config->programs[3].spec.restart.backoff_max, Millis(60'000));
  EXPECT_TRUE(config->programs[4].spec.shell);
  EXPECT_EQ(config->programs[4].spec.instances, 3);
}

TEST(Pm2ImportTest, BareArrayOfApps) {
  auto toml = import_pm2(nlohmann::json::parse(R"([{"name": "a", "script": "app.js"}])"), 2);
  ASSERT_TRUE(toml.ok());
  EXPECT_NE(toml->find("[programs.a]\ncommand = [\"node\", \"app.js\"]\n"), std::string::npos);
}

TEST(Pm2ImportTest, UnknownKeysBecomeComments) {
  auto toml = import_pm2(nlohmann::json::parse(R"([{"name": "a", "script": "./a", "vizion": true}])"), 2);
  ASSERT_TRUE(toml.ok());
  EXPECT_NE(toml->find("# pm2 key 'vizion' not mapped: pm2-specific; tend has no equivalent\n"),
            std::string::npos);
}

TEST(Pm2ImportTest, Errors) {
  EXPECT_EQ(import_pm2(nlohmann::json::parse(R"({"apps": 3})")).error().message,
            "unable to import pm2 ecosystem: expected {\"apps\": [...]} or an array of apps");
  EXPECT_EQ(import_pm2(nlohmann::json::parse(R"([{"name": "a"}])")).error().message,
            "unable to import pm2 app #1: it has no script");
  EXPECT_EQ(
      import_pm2(nlohmann::json::parse(R"([{"script": "a.js"}, {"script": "lib/a.js"}])")).error().message,
      "unable to import pm2 ecosystem: two apps are named 'a'");
  EXPECT_EQ(
      import_pm2(nlohmann::json::parse(R"([{"name": "a", "script": "a.js", "instances": 5000}])"))
          .error()
          .message,
      "unable to import pm2 ecosystem: the result does not validate: imported.toml:6:13: invalid instances: "
      "5000 (1..1024)");
}

TEST(Pm2ImportTest, WaitReadyBecomesIpcReadiness) {
  auto toml =
      import_pm2(nlohmann::json::parse(R"({"apps":[{"name":"api","script":"server.js","wait_ready":true,
      "listen_timeout":8000,"shutdown_with_message":true}]})"),
                 4);
  ASSERT_TRUE(toml.ok()) << toml.error().message;
  auto config = parse_config(*toml, "/srv/tend.toml", {});
  ASSERT_TRUE(config.ok()) << ::testing::PrintToString(error_lines(config)) << *toml;
  EXPECT_EQ(config->programs[0].spec.ready, "ipc") << "process.send('ready') makes it running";
  EXPECT_EQ(config->programs[0].spec.ready_timeout, Millis(8000));
  EXPECT_NE(toml->find("'shutdown_with_message' not mapped"), std::string::npos) << *toml;
}

}  // namespace
}  // namespace tend
