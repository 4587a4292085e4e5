#include "config/import_supervisord.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/config_file.h"
#include "../log/temp_dir.h"
#include "config_test_support.h"

namespace tend {
namespace {

using testing::config_data;
using testing::error_lines;
using testing::slurp;

SupervisordContext context() {
  return {"/etc/supervisor", {{"PATH", "/usr/bin:/bin"}}, "box1"};
}

TEST(SupervisordImportTest, FixtureMatchesExpectedToml) {
  auto toml = import_supervisord(slurp(config_data("supervisord.conf")), context());
  ASSERT_TRUE(toml.ok()) << toml.error().message;
  EXPECT_EQ(*toml, slurp(config_data("supervisord.expected.toml")));
}

TEST(SupervisordImportTest, OutputLoadsAsConfig) {
  auto toml = import_supervisord(slurp(config_data("supervisord.conf")), context());
  ASSERT_TRUE(toml.ok());
  auto config = parse_config(*toml, "/srv/tend.toml", {});
  ASSERT_TRUE(config.ok()) << ::testing::PrintToString(error_lines(config));
  ASSERT_EQ(config->programs.size(), 3u);
  const ProgramConfig& web = config->programs[0];
  EXPECT_EQ(web.spec.command,
            (std::vector<std::string>{"/srv/app/venv/bin/gunicorn", "app.wsgi", "--bind", "127.0.0.1:8000",
                                      "--workers", "2", "--log-level", "info"}));
  EXPECT_EQ(web.spec.cwd, "/srv/app");
  EXPECT_EQ(web.spec.env, (std::map<std::string, std::string>{{"DJANGO_SETTINGS_MODULE", "app.settings.prod"},
                                                              {"HOME", "/home/app"},
                                                              {"PATH", "/srv/app/venv/bin:/usr/bin:/bin"}}));
  EXPECT_EQ(web.spec.restart.mode, RestartMode::on_failure);
  EXPECT_EQ(web.spec.restart.min_uptime, Millis(5000));
  EXPECT_EQ(web.spec.restart.max_restarts, 3);
  EXPECT_EQ(web.spec.stop_signal, 3);
  EXPECT_EQ(web.spec.kill_timeout, Millis(20'000));
  EXPECT_EQ(web.spec.log_max_size, 50u * 1024 * 1024);
  EXPECT_EQ(web.spec.log_keep, 10);
  EXPECT_TRUE(web.spec.autostart);
  const ProgramConfig& queue = config->programs[1];
  EXPECT_EQ(queue.spec.instances, 3);
  EXPECT_EQ(queue.spec.cwd, "/etc/supervisor/app");
  EXPECT_EQ(queue.spec.command.back(), "worker00@box1");
  EXPECT_EQ(queue.spec.restart.mode, RestartMode::always);
  const ProgramConfig& metrics = config->programs[2];
  EXPECT_TRUE(metrics.spec.shell);
  EXPECT_EQ(metrics.spec.restart.mode, RestartMode::never);
  EXPECT_FALSE(metrics.spec.autostart);
}

TEST(SupervisordImportTest, Errors) {
  EXPECT_EQ(import_supervisord("[program:a]\ncommand=x\nnonsense\n").error().message,
            "unable to import supervisord config: line 3: expected `key = value` or a [section]");
  EXPECT_EQ(import_supervisord("command=x\n").error().message,
            "unable to import supervisord config: line 1: key outside any [section]");
  EXPECT_EQ(import_supervisord("[program:a]\nautostart=true\n").error().message,
            "unable to import [program:a]: it has no command");
  EXPECT_EQ(import_supervisord("[program:a]\ncommand=echo 'x\n").error().message,
            "unable to import [program:a]: command: no closing quotation");
}

TEST(SupervisordImportTest, UnknownExpansionIsLeftAndNoted) {
  auto toml = import_supervisord("[program:a]\ncommand=run %(ENV_NOPE)s\n", {"/x", {}, "h"});
  ASSERT_TRUE(toml.ok()) << toml.error().message;
  EXPECT_NE(toml->find("command = [\"run\", \"%(ENV_NOPE)s\"]\n"), std::string::npos);
  EXPECT_NE(toml->find("# 'command' uses %(ENV_NOPE)s, which tend cannot expand; left as written\n"),
            std::string::npos);
}

}  // namespace
}  // namespace tend
