#include "config/procfile.h"

#include <gtest/gtest.h>

#include "config_test_support.h"

namespace tend {
namespace {

using testing::config_data;
using testing::error_lines;
using Lines = std::vector<std::string>;

TEST(ProcfileTest, LoadsLikeForeman) {
  auto config = load_procfile(config_data("procfile/Procfile"), {{"HOME", "/home/u"}});
  ASSERT_TRUE(config.ok()) << ::testing::PrintToString(error_lines(config));
  EXPECT_EQ(config->path, config_data("procfile/Procfile"));
  ASSERT_EQ(config->programs.size(), 3u);
  const auto& web = config->programs[0];
  EXPECT_EQ(web.spec.name, "web");
  EXPECT_EQ(web.spec.argv(), (std::vector<std::string>{"/bin/sh", "-c", "bundle exec puma -p $PORT"}));
  EXPECT_EQ(web.spec.cwd, config_data("procfile"));
  EXPECT_EQ(web.spec.env,
            (std::map<std::string, std::string>{{"HOME", "/home/u"}, {"RAILS_ENV", "production"}}));
  EXPECT_EQ(web.spec.port_base, 5000);
  EXPECT_EQ(config->programs[1].spec.name, "worker");
  EXPECT_EQ(config->programs[1].spec.command, std::vector<std::string>{"bundle exec sidekiq -q default"});
  EXPECT_EQ(config->programs[1].spec.port_base, 5100);
  EXPECT_EQ(config->programs[2].spec.name, "release");
  EXPECT_EQ(config->programs[2].spec.port_base, 5200);
}

TEST(ProcfileTest, PortFromDotenvIsTheBase) {
  auto config = load_procfile(config_data("procfile_port/Procfile"), {});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->programs[0].spec.port_base, 3000);
  EXPECT_EQ(config->programs[1].spec.port_base, 3100);
}

TEST(ProcfileTest, PortFromTheEnvironmentIsTheBase) {
  auto config = parse_procfile("web: ./server\n", "/nonexistent/Procfile", {{"PORT", "8000"}});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->programs[0].spec.port_base, 8000);
}

TEST(ProcfileTest, MalformedLinesAndDuplicates) {
  EXPECT_EQ(
      error_lines(parse_procfile("web: ./a\n  just words\nbad name: ./b\nweb: ./c\nempty:   \n",
                                 "/nonexistent/Procfile", {})),
      (Lines{"/nonexistent/Procfile:2:3: expected `name: command`",
             "/nonexistent/Procfile:3:1: invalid process name `bad name` (use 1-64 of A-Z a-z 0-9 _ . -, not "
             "'all')",
             "/nonexistent/Procfile:4:1: duplicate process name `web`",
             "/nonexistent/Procfile:5:7: process `empty` has no command"}));
}

}  // namespace
}  // namespace tend
