#include "core/program_spec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tend {
namespace {

ProgramSpec valid() {
  ProgramSpec s;
  s.name = "web";
  s.command = {"python3", "-m", "http.server"};
  return s;
}

TEST(ProgramSpecTest, JsonRoundTrip) {
  ProgramSpec s = valid();
  s.env = {{"A", "1"}};
  s.nice = 5;
  s.stop_signal = 10;
  s.restart.mode = RestartMode::on_failure;
  s.kill_timeout = Millis(2500);
  auto back = program_spec_from_json(nlohmann::json(s));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(nlohmann::json(*back), nlohmann::json(s));
  EXPECT_EQ(nlohmann::json(s)["stop_signal"], "SIGUSR1");
}

TEST(ProgramSpecTest, ValidationNamesTheField) {
  auto s = valid();
  s.name = "all";
  EXPECT_NE(s.validate().error().message.find("invalid name"), std::string::npos);
  s = valid();
  s.command.clear();
  EXPECT_EQ(s.validate().error().message, "invalid command: it is empty");
  s = valid();
  s.instances = 0;
  EXPECT_EQ(s.validate().error().message, "invalid instances: 0 (1..1024)");
  s = valid();
  s.nice = 40;
  EXPECT_EQ(s.validate().error().message, "invalid nice: 40 (-20..19)");
  s = valid();
  s.shell = true;
  EXPECT_EQ(s.validate().error().message, "invalid command: --shell takes the command as one string");
}

TEST(ProgramSpecTest, MaxMemoryRoundTripsAndHasAFloor) {
  ProgramSpec s = valid();
  EXPECT_TRUE(nlohmann::json(s)["max_memory"].is_null());
  s.max_memory = 64ull << 20;
  auto back = program_spec_from_json(nlohmann::json(s));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->max_memory, 64ull << 20);
  s.max_memory = 4096;
  EXPECT_EQ(s.validate().error().message, "invalid max-memory: 4.0K (at least 1.0M)");
}

TEST(ProgramSpecTest, ShellWrapsTheCommand) {
  ProgramSpec s = valid();
  s.shell = true;
  s.command = {"echo hi | tr a-z A-Z"};
  EXPECT_EQ(s.argv(), (std::vector<std::string>{"/bin/sh", "-c", "echo hi | tr a-z A-Z"}));
}

TEST(ProgramSpecTest, RejectsWrongTypes) {
  auto j = nlohmann::json(valid());
  j["instances"] = "two";
  EXPECT_FALSE(program_spec_from_json(j).ok());
  j = nlohmann::json(valid());
  j["restart"] = "sometimes";
  EXPECT_EQ(program_spec_from_json(j).error().message,
            "invalid restart mode 'sometimes': expected always, on-failure or never");
  EXPECT_FALSE(program_spec_from_json(nlohmann::json::array()).ok());
}

TEST(ProgramSpecTest, NamesAreChecked) {
  EXPECT_TRUE(valid_program_name("web-1.api_v2"));
  EXPECT_FALSE(valid_program_name(""));
  EXPECT_FALSE(valid_program_name("a b"));
  EXPECT_FALSE(valid_program_name("a:b"));
  EXPECT_FALSE(valid_program_name("-x"));
  EXPECT_FALSE(valid_program_name(std::string(65, 'a')));
}

}  // namespace
}  // namespace tend
