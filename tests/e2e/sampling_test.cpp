// Live figures: CPU% in ls, `tend metrics`, and a sampler that runs only while something needs it.
#include "harness.h"

namespace tend::e2e {
namespace {

using SamplingTest = TendTest;

std::string metric_line(const std::string& text, const std::string& prefix) {
  for (const auto& line : split_lines(text))
    if (line.rfind(prefix, 0) == 0) return line;
  return "";
}

TEST_F(SamplingTest, LsShowsCpuPercentOverTheLastInterval) {
  ASSERT_EQ(start("spin", "t_spin").exit_code, 0);
  ASSERT_EQ(start("idle", "t_sleep").exit_code, 0);
  ASSERT_TRUE(wait_log_contains("spin", 0, "ready", Ms(10000)));
  // The first ls covers the time since start; later ones the time since the previous ls.
  ASSERT_TRUE(wait_until([&] {
    auto spin = find_instance("spin");
    return spin && (*spin)["cpu_percent"].is_number() && (*spin)["cpu_percent"].get<double>() > 5;
  }, Ms(15000), Ms(300)));
  auto idle = find_instance("idle");
  ASSERT_TRUE(idle);
  ASSERT_TRUE((*idle)["cpu_percent"].is_number());
  EXPECT_LT((*idle)["cpu_percent"].get<double>(), 5);
  ASSERT_EQ(tend({"stop", "idle"}).exit_code, 0);
  EXPECT_TRUE((*find_instance("idle"))["cpu_percent"].is_null());
  RunResult table = tend({"ls"});
  EXPECT_NE(table.out.find(" CPU% "), std::string::npos) << table.out;
}

TEST_F(SamplingTest, MetricsInThePrometheusTextFormat) {
  ASSERT_EQ(start("web", "t_threads", {"2"}, {"--instances", "2", "--max-memory", "256M"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("web", 1, "ready", Ms(10000)));
  RunResult r = tend({"metrics"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  pid_t pid = pid_of("web", 1);
  EXPECT_EQ(metric_line(r.out, "tend_instance_threads{program=\"web\",instance=\"1\"}"),
            "tend_instance_threads{program=\"web\",instance=\"1\"} 3");
  EXPECT_NE(metric_line(r.out, "tend_instance_up{program=\"web\",instance=\"0\"}"), "");
  EXPECT_EQ(metric_line(r.out, "tend_instance_memory_limit_bytes{program=\"web\",instance=\"0\"}"),
            "tend_instance_memory_limit_bytes{program=\"web\",instance=\"0\"} 268435456");
  EXPECT_EQ(metric_line(r.out, "tend_instance_open_fds{program=\"web\",instance=\"1\"}"),
            "tend_instance_open_fds{program=\"web\",instance=\"1\"} 3");
  EXPECT_NE(metric_line(r.out, "tend_instance_context_switches_total{program=\"web\",instance=\"1\",kind=\"voluntary\"}"), "");
  EXPECT_NE(metric_line(r.out, "tend_instance_cpu_seconds_total{program=\"web\",instance=\"1\",mode=\"user\"}"), "");
  EXPECT_NE(metric_line(r.out, "tend_instance_state{program=\"web\",instance=\"1\",state=\""), "");
  EXPECT_NE(r.out.find("# TYPE tend_instance_restarts_total counter\n"), std::string::npos);
  // Every line is a comment or "name{labels} value".
  for (const auto& line : split_lines(r.out)) {
    if (line.rfind("# ", 0) == 0) continue;
    auto space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    EXPECT_NO_THROW((void)std::stod(line.substr(space + 1))) << line;
  }
  (void)pid;
}

TEST_F(SamplingTest, NoConsumerNoSampling) {
  ASSERT_EQ(start("quiet", "t_sleep").exit_code, 0);
  ASSERT_TRUE(wait_state({"quiet"}, "running"));
  ASSERT_EQ(tend({"ls"}).exit_code, 0);
  ASSERT_EQ(tend({"inspect", "quiet"}).exit_code, 0);
  RunResult r = tend({"metrics"});
  EXPECT_EQ(metric_line(r.out, "tend_sampler_active"), "tend_sampler_active 0");
  EXPECT_EQ(metric_line(r.out, "tend_sampler_sweeps_total"), "tend_sampler_sweeps_total 0");
  // A top in batch mode is a consumer while it runs.
  ASSERT_EQ(tend({"top", "--batch", "-n", "3", "--interval", "100ms"}).exit_code, 0);
  r = tend({"metrics"});
  EXPECT_NE(metric_line(r.out, "tend_sampler_sweeps_total"), "tend_sampler_sweeps_total 0");
  EXPECT_TRUE(wait_until([&] { return metric_line(tend({"metrics"}).out, "tend_sampler_active") == "tend_sampler_active 0"; },
                         Ms(5000), Ms(50)));
}

}  // namespace
}  // namespace tend::e2e
