#include "inspect/snapshot.h"

#include <gtest/gtest.h>

#include "inspect/prometheus.h"

namespace tend {
namespace {

InstanceSnapshot running() {
  InstanceSnapshot s;
  s.program = "web";
  s.instance = 1;
  s.state = "running";
  s.pid = 4711;
  s.restarts = 2;
  s.uptime_ms = 61'500;
  s.max_memory = 512ull << 20;
  s.kernel_state = 'S';
  s.rss_bytes = 20ull << 20;
  s.vsz_bytes = 100ull << 20;
  s.user_seconds = 1.25;
  s.system_seconds = 0.5;
  s.threads = 5;
  s.minor_faults = 1000;
  s.major_faults = 3;
  s.voluntary_ctxt_switches = 150;
  s.nonvoluntary_ctxt_switches = 7;
  s.fds = 12;
  s.read_bytes = 4096;
  s.write_bytes = 8192;
  s.cpu_percent = 12.5;
  s.voluntary_per_s = 3;
  s.nonvoluntary_per_s = 0.5;
  return s;
}

InstanceSnapshot stopped() {
  InstanceSnapshot s;
  s.program = "db";
  s.instance = 0;
  s.state = "stopped";
  return s;
}

TEST(SnapshotTest, JsonRoundTripKeepsEveryFigureAndNulls) {
  std::string text;
  append_snapshot_json(text, running());
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["kernel_state"], "S");
  EXPECT_EQ(j["rss_bytes"], 20 << 20);
  auto back = snapshot_from_json(j);
  ASSERT_TRUE(back) << back.error().message;
  std::string again;
  append_snapshot_json(again, *back);
  EXPECT_EQ(again, text);
  EXPECT_DOUBLE_EQ(*back->ctxt_switches_per_s(), 3.5);

  std::string none;
  append_snapshot_json(none, stopped());
  auto n = nlohmann::json::parse(none);
  EXPECT_TRUE(n["pid"].is_null());
  EXPECT_TRUE(n["cpu_percent"].is_null());
  EXPECT_FALSE(snapshot_from_json(nlohmann::json::object()));
}

TEST(PrometheusTest, FamiliesOnceWithLabelsPerInstance) {
  DaemonFigures daemon;
  daemon.programs = 2;
  daemon.sampler_active = true;
  daemon.sampler_interval_seconds = 1;
  daemon.sampler_sweeps = 10;
  daemon.events_stored = 42;
  std::string text = prometheus_text({running(), stopped()}, daemon);
  auto has = [&](const std::string& line) { return text.find(line + "\n") != std::string::npos; };
  EXPECT_TRUE(has("# TYPE tend_instance_cpu_seconds_total counter"));
  EXPECT_TRUE(has("tend_instances 2"));
  EXPECT_TRUE(has("tend_events_stored 42"));
  EXPECT_TRUE(has("tend_instance_state{program=\"web\",instance=\"1\",state=\"running\"} 1"));
  EXPECT_TRUE(has("tend_instance_state{program=\"db\",instance=\"0\",state=\"stopped\"} 1"));
  EXPECT_TRUE(has("tend_instance_up{program=\"db\",instance=\"0\"} 0"));
  EXPECT_TRUE(has("tend_instance_cpu_seconds_total{program=\"web\",instance=\"1\",mode=\"user\"} 1.25"));
  EXPECT_TRUE(has("tend_instance_cpu_percent{program=\"web\",instance=\"1\"} 12.5"));
  EXPECT_TRUE(has("tend_instance_resident_memory_bytes{program=\"web\",instance=\"1\"} 20971520"));
  EXPECT_TRUE(has("tend_instance_context_switches_per_second{program=\"web\",instance=\"1\",kind=\"nonvoluntary\"} 0.5"));
  EXPECT_TRUE(has("tend_instance_uptime_seconds{program=\"web\",instance=\"1\"} 61.5"));
  // A stopped instance has no resident memory line at all, rather than a made-up 0.
  EXPECT_EQ(text.find("tend_instance_resident_memory_bytes{program=\"db\""), std::string::npos);
  // Each family's HELP and TYPE appear once.
  size_t first = text.find("# TYPE tend_instance_state gauge");
  EXPECT_NE(first, std::string::npos);
  EXPECT_EQ(text.find("# TYPE tend_instance_state gauge", first + 1), std::string::npos);
  EXPECT_EQ(text.back(), '\n');
}

TEST(PrometheusTest, NoEventStoreNoLine) {
  std::string text = prometheus_text({}, DaemonFigures{});
  EXPECT_EQ(text.find("tend_events_stored"), std::string::npos);
  EXPECT_EQ(text.find("tend_instance_"), std::string::npos);
}

TEST(PrometheusTest, EscapesLabelValues) {
  EXPECT_EQ(prometheus_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace tend
