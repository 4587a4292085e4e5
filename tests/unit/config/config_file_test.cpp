#include "config/config_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "config_test_support.h"

namespace tend {
namespace {

using testing::config_data;
using testing::error_lines;
using Lines = std::vector<std::string>;

ConfigResult<Config> parse(const std::string& text, const std::map<std::string, std::string>& env = {}) {
  return parse_config(text, "/etc/tend/tend.toml", env);
}

Lines errors(const std::string& text) {
  return error_lines(parse(text));
}

TEST(ConfigFileTest, LoadsEveryKey) {
  auto config = load_config(config_data("full.toml"), {{"HOME", "/home/u"}, {"SHARED", "from-base"}});
  ASSERT_TRUE(config.ok()) << ::testing::PrintToString(error_lines(config));
  EXPECT_EQ(config->path, config_data("full.toml"));
  ASSERT_EQ(config->programs.size(), 3u);
  EXPECT_EQ(config->programs[0].spec.name, "web");  // file order, not key order
  EXPECT_EQ(config->programs[1].spec.name, "migrate");
  EXPECT_EQ(config->programs[2].spec.name, "worker");

  const ProgramConfig& web = config->programs[0];
  EXPECT_EQ(web.spec.command, (std::vector<std::string>{"python3", "-m", "http.server", "8080"}));
  EXPECT_FALSE(web.spec.shell);
  EXPECT_EQ(web.spec.cwd, config_data("public"));
  EXPECT_EQ(web.spec.env, (std::map<std::string, std::string>{{"HOME", "/home/u"},
                                                              {"SHARED", "from-web"},
                                                              {"LOG_LEVEL", "info"},
                                                              {"DATABASE_URL", "postgres://localhost/app"},
                                                              {"QUOTED", "a \"b\"\nc"},
                                                              {"PORT", "8080"},
                                                              {"DEBUG", "false"}}));
  EXPECT_EQ(web.spec.instances, 2);
  EXPECT_EQ(web.spec.restart.mode, RestartMode::on_failure);
  EXPECT_EQ(web.spec.restart.max_restarts, 5);
  EXPECT_EQ(web.spec.restart.restart_window, Millis(120'000));
  EXPECT_EQ(web.spec.restart.min_uptime, Millis(3000));
  EXPECT_EQ(web.spec.restart.backoff_min, Millis(250));
  EXPECT_EQ(web.spec.restart.backoff_max, Millis(60'000));
  EXPECT_EQ(web.spec.stop_signal, 2);
  EXPECT_EQ(web.spec.kill_timeout, Millis(1500));
  EXPECT_EQ(web.spec.nice, 5);
  EXPECT_EQ(web.spec.log_max_size, 1024u * 1024);
  EXPECT_EQ(web.spec.log_keep, 7);
  EXPECT_FALSE(web.spec.log_time);
  EXPECT_EQ(web.spec.depends_on, (std::vector<std::string>{"migrate"}));
  EXPECT_TRUE(web.spec.autostart);
  EXPECT_FALSE(web.spec.port_base);

  const ProgramConfig& migrate = config->programs[1];
  EXPECT_TRUE(migrate.spec.shell);
  EXPECT_EQ(migrate.spec.argv(),
            (std::vector<std::string>{"/bin/sh", "-c", "./manage.py migrate && echo done"}));
  EXPECT_EQ(migrate.spec.restart.mode, RestartMode::never);
  EXPECT_EQ(migrate.spec.cwd, "/srv/app");
  EXPECT_EQ(migrate.spec.kill_timeout, Millis(5000));  // from [defaults]
  EXPECT_EQ(migrate.spec.log_keep, 3);
  EXPECT_EQ(migrate.spec.env, (std::map<std::string, std::string>{
                                  {"HOME", "/home/u"}, {"SHARED", "from-defaults"}, {"LOG_LEVEL", "info"}}));

  const ProgramConfig& worker = config->programs[2];
  EXPECT_FALSE(worker.spec.autostart);
  EXPECT_EQ(worker.spec.depends_on, (std::vector<std::string>{"migrate", "web"}));
  EXPECT_EQ(worker.spec.stop_signal, 3);
  EXPECT_EQ(worker.spec.log_max_size, 65536u);
  EXPECT_EQ(worker.spec.cwd, config_data());  // default: the file's directory
}

TEST(ConfigFileTest, DefaultsAreProgramSpecDefaults) {
  auto config = parse("[programs.a]\ncommand = [\"x\"]\n");
  ASSERT_TRUE(config.ok());
  ProgramSpec expected;
  expected.name = "a";
  expected.command = {"x"};
  expected.cwd = "/etc/tend";
  const ProgramSpec& got = config->programs[0].spec;
  EXPECT_EQ(got.instances, expected.instances);
  EXPECT_EQ(got.restart.mode, expected.restart.mode);
  EXPECT_EQ(got.restart.max_restarts, expected.restart.max_restarts);
  EXPECT_EQ(got.kill_timeout, expected.kill_timeout);
  EXPECT_EQ(got.log_max_size, expected.log_max_size);
  EXPECT_EQ(got.cwd, expected.cwd);
  EXPECT_TRUE(got.env.empty());
  EXPECT_TRUE(config->programs[0].spec.autostart);
}

TEST(ConfigFileTest, EnvIsExactlyBasePlusFile) {
  auto config = parse("[programs.a]\ncommand = [\"x\"]\nenv = { B = \"2\" }\n", {{"A", "1"}});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->programs[0].spec.env, (std::map<std::string, std::string>{{"A", "1"}, {"B", "2"}}));
}

TEST(ConfigFileTest, EmptyFileHasNoPrograms) {
  auto config = parse("");
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->programs.empty());
}

TEST(ConfigFileTest, UnknownKeySuggestsTheClosest) {
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\nkil_timeout = \"5s\"\n"),
            Lines{"/etc/tend/tend.toml:3:1: unknown key `kil_timeout`, did you mean `kill_timeout`?"});
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\n  colour = \"red\"\n"),
            Lines{"/etc/tend/tend.toml:3:3: unknown key `colour`"});
  EXPECT_EQ(errors("[program.web]\ncommand = [\"x\"]\n"),
            Lines{"/etc/tend/tend.toml:1:2: unknown key `program`, did you mean `programs`?"});
  EXPECT_EQ(errors("[defaults]\nrestarts = \"never\"\n"),
            Lines{"/etc/tend/tend.toml:2:1: unknown key `restarts`, did you mean `restart`?"});
}

TEST(ConfigFileTest, WrongTypes) {
  EXPECT_EQ(errors("[programs.web]\ncommand = \"python3 app.py\"\n"),
            Lines{"/etc/tend/tend.toml:2:11: `command` must be an array of strings, not a string"});
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\", 1]\n"),
            Lines{"/etc/tend/tend.toml:2:17: `command` must contain only strings, not an integer"});
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\ninstances = \"two\"\n"),
            Lines{"/etc/tend/tend.toml:3:13: `instances` must be an integer, not a string"});
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\nautostart = \"yes\"\n"),
            Lines{"/etc/tend/tend.toml:3:13: `autostart` must be a boolean (true or false), not a string"});
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\nenv = { A = 1.5 }\n"),
            Lines{"/etc/tend/tend.toml:3:13: `env.A` must be a string, not a float"});
  EXPECT_EQ(
      errors("[programs.web]\ncommand = [\"x\"]\nmin_uptime = true\n"),
      Lines{"/etc/tend/tend.toml:3:14: `min_uptime` must be a duration such as \"5s\" (or an integer of ms), "
            "not a boolean"});
  EXPECT_EQ(errors("programs = 3\n"), Lines{"/etc/tend/tend.toml:1:12: `programs` must be a table"});
  EXPECT_EQ(errors("[programs]\nweb = 3\n"),
            Lines{"/etc/tend/tend.toml:2:7: `programs.web` must be a table"});
}

TEST(ConfigFileTest, BadDurationAndSize) {
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\nkill_timeout = \"5x\"\n"),
            Lines{"/etc/tend/tend.toml:3:16: `kill_timeout`: invalid duration '5x': unknown unit 'x'"});
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\nbackoff_max = -1\n"),
            Lines{"/etc/tend/tend.toml:3:15: `backoff_max` must not be negative"});
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\nlog_max_size = \"10Q\"\n"),
            Lines{"/etc/tend/tend.toml:3:16: `log_max_size`: invalid size '10Q': unknown unit 'Q'"});
}

TEST(ConfigFileTest, UnknownSignalAndRestartMode) {
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\nstop_signal = \"SIGFOO\"\n"),
            Lines{"/etc/tend/tend.toml:3:15: `stop_signal`: invalid signal 'SIGFOO': unknown name"});
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\nrestart = \"sometimes\"\n"),
            Lines{"/etc/tend/tend.toml:3:11: `restart`: invalid restart mode 'sometimes': expected always, "
                  "on-failure or never"});
}

TEST(ConfigFileTest, DependencyCycleIsNamed) {
  EXPECT_EQ(errors("[programs.a]\ncommand = [\"x\"]\ndepends_on = [\"b\"]\n\n"
                   "[programs.b]\ncommand = [\"x\"]\ndepends_on = [\"c\"]\n\n"
                   "[programs.c]\ncommand = [\"x\"]\ndepends_on = [\"a\"]\n"),
            Lines{"/etc/tend/tend.toml:11:15: dependency cycle: a -> b -> c -> a"});
  EXPECT_EQ(errors("[programs.a]\ncommand = [\"x\"]\ndepends_on = [\"a\"]\n"),
            Lines{"/etc/tend/tend.toml:3:15: dependency cycle: a -> a"});
}

TEST(ConfigFileTest, UnknownDependency) {
  EXPECT_EQ(errors("[programs.db]\ncommand = [\"x\"]\n[programs.web]\ncommand = [\"x\"]\ndepends_on = "
                   "[\"db\", \"dbx\"]\n"),
            Lines{"/etc/tend/tend.toml:5:21: unknown dependency `dbx`, did you mean `db`?"});
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\ndepends_on = [\"redis\"]\n"),
            Lines{"/etc/tend/tend.toml:3:15: unknown dependency `redis`: no program of that name"});
}

TEST(ConfigFileTest, DependencyOnAProgramWithErrorsIsNotUnknown) {
  EXPECT_EQ(errors("[programs.db]\ncommand = [\"x\"]\nnice = \"high\"\n[programs.web]\ncommand = [\"x\"]\n"
                   "depends_on = [\"db\"]\n"),
            Lines{"/etc/tend/tend.toml:3:8: `nice` must be an integer, not a string"});
}

TEST(ConfigFileTest, DuplicateNameIsTomlsError) {
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\n\n[programs.web]\ncommand = [\"y\"]\n"),
            Lines{"/etc/tend/tend.toml:4:1: Error while parsing table header: cannot redefine existing table "
                  "'programs.web'"});
}

TEST(ConfigFileTest, InvalidProgramName) {
  EXPECT_EQ(
      errors("[programs.all]\ncommand = [\"x\"]\n"),
      Lines{
          "/etc/tend/tend.toml:1:11: invalid program name `all` (use 1-64 of A-Z a-z 0-9 _ . -, not 'all')"});
  EXPECT_EQ(
      errors("[programs.\"my app\"]\ncommand = [\"x\"]\n"),
      Lines{"/etc/tend/tend.toml:1:11: invalid program name `my app` (use 1-64 of A-Z a-z 0-9 _ . -, not "
            "'all')"});
}

TEST(ConfigFileTest, ProgramSpecValidationPointsAtTheValue) {
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\ninstances = 0\n"),
            Lines{"/etc/tend/tend.toml:3:13: invalid instances: 0 (1..1024)"});
  EXPECT_EQ(errors("[defaults]\nnice = 40\n[programs.web]\ncommand = [\"x\"]\n"),
            Lines{"/etc/tend/tend.toml:2:8: invalid nice: 40 (-20..19)"});
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\nbackoff_max = \"10ms\"\n"),
            Lines{"/etc/tend/tend.toml:3:15: invalid backoff-min: is larger than backoff-max"});
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\nlog_max_size = 100\n"),
            Lines{"/etc/tend/tend.toml:3:16: invalid log-max-size: must be at least 4K"});
  EXPECT_EQ(errors("[programs.web]\ncommand = []\n"),
            Lines{"/etc/tend/tend.toml:2:11: `command` must not be empty"});
  EXPECT_EQ(errors("[programs.web]\nshell = \"\"\n"),
            Lines{"/etc/tend/tend.toml:2:9: invalid command: it is empty"});
}

TEST(ConfigFileTest, MaxMemoryIsASize) {
  auto config = parse("[programs.web]\ncommand = [\"x\"]\nmax_memory = \"512M\"\n[programs.db]\ncommand = [\"y\"]\n");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->programs[0].spec.max_memory, 512ull << 20);
  EXPECT_FALSE(config->programs[1].spec.max_memory.has_value());
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\nmax_memory = \"100K\"\n"),
            Lines{"/etc/tend/tend.toml:3:14: invalid max-memory: 100.0K (at least 1.0M)"});
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\nmax_memory = true\n"),
            Lines{"/etc/tend/tend.toml:3:14: `max_memory` must be a size such as \"10M\" (or an integer of bytes), not a boolean"});
}

TEST(ConfigFileTest, CommandIsRequiredAndExclusive) {
  EXPECT_EQ(
      errors("[programs.web]\ninstances = 2\n"),
      Lines{"/etc/tend/tend.toml:1:1: program `web` has no command: set command = [...] or shell = \"...\""});
  EXPECT_EQ(errors("[programs.web]\nshell = \"a | b\"\ncommand = [\"x\"]\n"),
            Lines{"/etc/tend/tend.toml:3:1: set either `command` or `shell`, not both"});
}

TEST(ConfigFileTest, DependsOnIsRefusedInDefaults) {
  EXPECT_EQ(errors("[defaults]\ndepends_on = [\"db\"]\n"),
            Lines{"/etc/tend/tend.toml:2:1: `depends_on` cannot be set in [defaults]"});
}

TEST(ConfigFileTest, TomlSyntaxErrorHasItsPosition) {
  EXPECT_EQ(errors("[programs.web]\ncommand = \n"),
            Lines{"/etc/tend/tend.toml:2:11: Error while parsing key-value pair: expected value, saw '\\n'"});
}

TEST(ConfigFileTest, ReportsEveryError) {
  EXPECT_EQ(
      errors("[programs.a]\ncommand = [\"x\"]\nkill_timeout = \"soon\"\nnicee = 1\n\n"
             "[programs.b]\nrestart = \"maybe\"\ncommand = [\"x\"]\ndepends_on = [\"zzz\"]\n"),
      (Lines{
          "/etc/tend/tend.toml:3:16: `kill_timeout`: invalid duration 'soon': expected a whole number with a "
          "unit",
          "/etc/tend/tend.toml:4:1: unknown key `nicee`, did you mean `nice`?",
          "/etc/tend/tend.toml:7:11: `restart`: invalid restart mode 'maybe': expected always, on-failure or "
          "never",
          "/etc/tend/tend.toml:9:15: unknown dependency `zzz`: no program of that name"}));
}

TEST(ConfigFileTest, EnvFileProblemsNameTheirFile) {
  std::string broken = config_data("broken.env");
  std::string toml = config_data("bad_env_file.toml");
  EXPECT_EQ(error_lines(load_config(toml, {})),
            (Lines{broken + ":2:5: expected '=' after `not`", broken + ":3:5: unterminated single quote",
                   toml + ":7:12: `env_file`: unable to open " + config_data("missing.env") +
                       ": No such file or directory"}));
}

TEST(ConfigFileTest, UnreadableFile) {
  EXPECT_EQ(
      error_lines(load_config("/nonexistent/tend.toml", {})),
      Lines{"/nonexistent/tend.toml: unable to open /nonexistent/tend.toml: No such file or directory"});
}

TEST(ConfigFileTest, ExampleFileLoads) {
  std::string example = std::string(TEND_TEST_DATA_DIR) + "/../../examples/tend.toml";
  auto config = load_config(example, {});
  ASSERT_TRUE(config.ok()) << ::testing::PrintToString(error_lines(config));
  EXPECT_GE(config->programs.size(), 3u);
}

TEST(ConfigFileTest, IpcReadinessAndListenKeys) {
  auto config = parse(
      "[programs.web]\ncommand = [\"node\", \"app.js\"]\nipc = true\nipc_max_message = \"64K\"\n"
      "ready = \"http://127.0.0.1:8080/health\"\nready_timeout = \"10s\"\nwatchdog = \"5s\"\n"
      "listen = [\"tcp:127.0.0.1:8080\", \"admin=unix:/run/web.sock\"]\n\n"
      "[programs.one]\ncommand = [\"x\"]\nlisten = \"tcp:9000\"\n");
  ASSERT_TRUE(config.ok()) << ::testing::PrintToString(error_lines(config));
  const auto& web = config->programs[0].spec;
  EXPECT_TRUE(web.ipc);
  EXPECT_EQ(web.ipc_max_message, 64u * 1024);
  EXPECT_EQ(web.ready, "http://127.0.0.1:8080/health");
  EXPECT_EQ(web.ready_timeout, Millis(10000));
  EXPECT_EQ(web.watchdog, Millis(5000));
  EXPECT_EQ(web.listen, (std::vector<std::string>{"tcp:127.0.0.1:8080", "admin=unix:/run/web.sock"}));
  EXPECT_EQ(config->programs[1].spec.listen, std::vector<std::string>{"tcp:9000"})
      << "one string is one socket";
}

TEST(ConfigFileTest, BadReadyAndListenPointAtTheValue) {
  EXPECT_EQ(
      errors("[programs.web]\ncommand = [\"x\"]\nready = \"tcp:0\"\n"),
      Lines{"/etc/tend/tend.toml:3:9: `ready`: invalid ready 'tcp:0': port 0 is out of range (1..65535)"});
  EXPECT_EQ(
      errors("[programs.web]\ncommand = [\"x\"]\nlisten = [\"udp:53\"]\n"),
      Lines{
          "/etc/tend/tend.toml:3:10: `listen`: invalid listen 'udp:53': expected tcp:HOST:PORT, tcp:PORT or "
          "unix:PATH (optionally NAME= first)"});
  EXPECT_EQ(errors("[programs.web]\ncommand = [\"x\"]\nipc = \"yes\"\n"),
            Lines{"/etc/tend/tend.toml:3:7: `ipc` must be a boolean (true or false), not a string"});
}

}  // namespace
}  // namespace tend
