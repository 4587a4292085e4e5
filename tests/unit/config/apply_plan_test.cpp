#include "config/apply_plan.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

using Lines = std::vector<std::string>;

const std::string kFile = "/srv/app/tend.toml";

ProgramSpec spec(const std::string& name, int instances = 1) {
  ProgramSpec s;
  s.name = name;
  s.command = {"/usr/bin/" + name};
  s.instances = instances;
  return s;
}

Config config_of(std::vector<ProgramSpec> specs) {
  Config c;
  c.path = kFile;
  for (auto& s : specs) c.programs.push_back({std::move(s)});
  return c;
}

Lines lines(const std::vector<PlanEntry>& plan) {
  Lines out;
  for (const auto& e : plan) out.push_back(plan_line(e));
  return out;
}

TEST(ApplyPlanTest, NewProgramsAreAddedInFileOrder) {
  auto later = spec("later");
  later.autostart = false;
  auto desired = config_of({spec("web", 2), spec("db"), later});  // the plan points into it
  auto plan = make_plan({}, desired, false);
  EXPECT_EQ(lines(plan), (Lines{"+ web (2 instances)", "+ db (1 instance)",
                                "+ later (1 instance, not started: autostart = false)"}));
  EXPECT_FALSE(plan_is_empty(plan));
}

TEST(ApplyPlanTest, IdenticalSpecsAreKept) {
  auto desired = config_of({spec("web")});
  auto plan = make_plan({{spec("web"), kFile}}, desired, false);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].action, PlanAction::keep);
  EXPECT_EQ(lines(plan), Lines{"= web unchanged"});
  EXPECT_TRUE(plan_is_empty(plan));
}

TEST(ApplyPlanTest, EnvironmentChangesAreNamedPerVariableAndRestart) {
  auto before = spec("web");
  before.env = {{"A", "1"}, {"B", "2"}, {"C", "3"}};
  auto after = spec("web");
  after.env = {{"A", "1"}, {"B", "two"}, {"D", "4"}};
  auto desired = config_of({after});
  auto plan = make_plan({{before, kFile}}, desired, false);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].action, PlanAction::restart);
  EXPECT_EQ(plan[0].changes, (Lines{"env.B changed", "env.D added", "env.C removed"}));
  EXPECT_EQ(lines(plan), Lines{"~ web: env.B changed, env.D added, env.C removed (restart)"});
}

TEST(ApplyPlanTest, ScalarChangesShowBothValuesInTheFilesUnits) {
  auto before = spec("web");
  auto after = spec("web");
  after.kill_timeout = Millis(5000);
  after.log_max_size = 20ull * 1024 * 1024;
  after.command = {"/usr/bin/web", "--verbose"};
  EXPECT_EQ(spec_changes(before, after),
            (Lines{"command changed", "kill_timeout 10s -> 5s", "log_max_size 10.0M -> 20.0M"}));
}

TEST(ApplyPlanTest, OnlyTheInstanceCountChangingIsAScale) {
  auto desired = config_of({spec("web", 4)});
  auto plan = make_plan({{spec("web", 2), kFile}}, desired, false);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].action, PlanAction::scale);
  EXPECT_EQ(plan[0].instances_before, 2);
  EXPECT_EQ(lines(plan), Lines{"~ web: instances 2 -> 4"});
}

TEST(ApplyPlanTest, InstanceCountWithAnotherChangeIsARestart) {
  auto after = spec("web", 4);
  after.nice = 5;
  auto desired = config_of({after});
  auto plan = make_plan({{spec("web", 2), kFile}}, desired, false);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].action, PlanAction::restart);
}

TEST(ApplyPlanTest, DependencyAndAutostartChangesLeaveProcessesAlone) {
  auto after = spec("web");
  after.depends_on = {"db"};
  after.autostart = false;
  auto desired = config_of({spec("db"), after});
  auto plan = make_plan({{spec("web"), kFile}, {spec("db"), kFile}}, desired, false);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[1].action, PlanAction::update);
  EXPECT_EQ(lines(plan), (Lines{"= db unchanged", "~ web: depends_on changed, autostart true -> false"}));
}

TEST(ApplyPlanTest, ProgramsTheFileNoLongerNamesAreOrphansOrRemoved) {
  std::vector<ExistingProgram> have{{spec("web"), kFile}, {spec("old"), kFile}, {spec("manual"), ""},
                                    {spec("other"), "/srv/other/tend.toml"}};
  auto desired = config_of({spec("web")});  // plans point into it
  auto kept = make_plan(have, desired, false);
  EXPECT_EQ(lines(kept), (Lines{"= web unchanged", "! old: no longer in the file; kept (--prune deletes it)"}));
  EXPECT_TRUE(plan_is_empty(kept));

  auto pruned = make_plan(have, desired, true);
  EXPECT_EQ(lines(pruned), (Lines{"= web unchanged", "- old"}));
  EXPECT_FALSE(plan_is_empty(pruned));
  EXPECT_EQ(pruned[1].desired, nullptr);
}

TEST(ApplyPlanTest, AFileTakesOverAProgramOfTheSameName) {
  // A program defined by `tend start` (or another file) that this file names is compared like any other.
  auto after = spec("web");
  after.nice = 3;
  auto desired = config_of({after});
  auto plan = make_plan({{spec("web"), ""}}, desired, true);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(lines(plan), Lines{"~ web: nice unset -> 3 (restart)"});
}

}  // namespace
}  // namespace tend
