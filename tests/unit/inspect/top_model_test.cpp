#include "inspect/top_model.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

InstanceSnapshot row(std::string program, int instance, double cpu, std::uint64_t rss, long threads, int restarts) {
  InstanceSnapshot s;
  s.program = std::move(program);
  s.instance = instance;
  s.state = "running";
  s.pid = 1000 + instance;
  s.cpu_percent = cpu;
  s.rss_bytes = rss;
  s.threads = threads;
  s.fds = 3;
  s.voluntary_per_s = 10;
  s.nonvoluntary_per_s = 2;
  s.restarts = restarts;
  return s;
}

std::vector<std::string> order(const TopModel& m) {
  std::vector<std::string> out;
  for (const auto* r : m.visible()) out.push_back(r->label());
  return out;
}

TopModel sample() {
  TopModel m;
  InstanceSnapshot stopped;
  stopped.program = "db";
  stopped.state = "stopped";
  m.set_rows({row("web", 0, 5, 300, 1, 0), row("web", 1, 50, 100, 4, 3), row("api", 0, 20, 200, 2, 1), stopped});
  return m;
}

TEST(TopModelTest, SortsByCpuFirstThenByAnyColumnAndReverses) {
  TopModel m = sample();
  EXPECT_EQ(order(m), (std::vector<std::string>{"web:1", "api:0", "web:0", "db:0"}));  // unknown CPU last
  m.sort_by(TopColumn::rss);
  EXPECT_EQ(order(m), (std::vector<std::string>{"web:0", "api:0", "web:1", "db:0"}));
  m.sort_by(TopColumn::rss);
  EXPECT_FALSE(m.descending());
  EXPECT_EQ(order(m).front(), "db:0");
  m.sort_by(TopColumn::name);  // names A-Z first
  EXPECT_EQ(order(m), (std::vector<std::string>{"api:0", "db:0", "web:0", "web:1"}));
  m.sort_by(TopColumn::restarts);
  EXPECT_EQ(order(m).front(), "web:1");
}

TEST(TopModelTest, KeysChooseColumns) {
  EXPECT_EQ(column_for_key('c'), TopColumn::cpu);
  EXPECT_EQ(column_for_key('m'), TopColumn::rss);
  EXPECT_EQ(column_for_key('w'), TopColumn::ctxt);
  EXPECT_EQ(column_for_key('x'), std::nullopt);
}

TEST(TopModelTest, FilterAndSelectionFollowTheInstance) {
  TopModel m = sample();
  EXPECT_EQ(m.selected()->label(), "web:1");
  m.move_selection(1);
  EXPECT_EQ(m.selected()->label(), "api:0");
  m.move_selection(10);
  EXPECT_EQ(m.selected()->label(), "db:0");
  m.move_selection(-1);
  EXPECT_EQ(m.selected()->label(), "web:0");
  // A new sample reorders the rows; the selection stays on web:0.
  m.set_rows({row("web", 0, 90, 300, 1, 0), row("web", 1, 50, 100, 4, 3)});
  EXPECT_EQ(m.selected()->label(), "web:0");
  EXPECT_EQ(m.selected_index(), 0);
  m.set_filter("web:1");
  EXPECT_EQ(order(m), (std::vector<std::string>{"web:1"}));
  EXPECT_EQ(m.selected()->label(), "web:1");  // the selected one is filtered out: the first shown instead
  m.set_filter("nothing");
  EXPECT_EQ(m.selected(), nullptr);
}

TEST(TopModelTest, LinesFitEightyColumns) {
  std::string header = top_header(80, TopColumn::cpu, true);
  EXPECT_EQ(header, "NAME:I                  PID STATE     CPU%v     RSS  THR   FDS   CSW/S  RESTARTS");
  EXPECT_EQ(header.size(), 80u);
  InstanceSnapshot s = row("web", 1, 12.345, 20 << 20, 4, 3);
  EXPECT_EQ(top_row(s, 80), "web:1                  1001 running    12.3   20.0M    4     3      12         3");
  InstanceSnapshot stopped;
  stopped.program = "a-very-long-program-name-indeed";
  stopped.state = "stopped";
  std::string line = top_row(stopped, 80);
  EXPECT_EQ(line, "a-very-long-program       - stopped       -       -    -     -       -         0");
  EXPECT_LE(top_row(s, 40).size(), 40u);
  EXPECT_LE(top_help(80).size(), 80u);
  TopModel m = sample();
  EXPECT_EQ(top_title(m, 1000, 80), "tend top  4 instances, 3 up  every 1s  sort cpu v");
  m.set_filter("we");
  EXPECT_EQ(top_title(m, 250, 80), "tend top  4 instances, 3 up  every 250ms  sort cpu v  filter \"we\"");
  EXPECT_EQ(top_header(100, TopColumn::name, false).find("NAME:I^"), 0u);
}

}  // namespace
}  // namespace tend
