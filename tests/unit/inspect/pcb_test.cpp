#include "inspect/pcb.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "../proc/proc_fixtures.h"

namespace tend {
namespace {

using nlohmann::json;
using proc_testing::fixture;

/// The daemon's half, as its `inspect` reply carries it.
json facts() {
  return json::parse(R"({
    "name":"web","instance":0,"state":"running","state_ms":120000,"reason":"","wanted":true,"adopted":false,
    "restarts":2,"pid":5221,"pgid":5218,"start_ticks":49978,"started_ms":1000,"uptime_ms":5000,
    "cgroup":"/sys/fs/cgroup/tend-0-1/web-0","max_memory":16777216,"command":["cat"],"daemon_pid":5218,
    "live":{"cpu_percent":12.5,"cpu_interval_ms":1000,"voluntary_per_s":3.0,"nonvoluntary_per_s":0.5,
            "ctxt_interval_ms":1000,"periodic":true},
    "transitions":[{"id":1,"time":"2026-11-22T02:14:26.120Z","time_ms":1,"kind":"state","program":"web",
                    "instance":0,"message":"new -> starting: pid 5221",
                    "data":{"from":"new","to":"starting","reason":"pid 5221"}}],
    "exits":[{"id":2,"time":"2026-11-22T02:10:01.000Z","time_ms":2,"kind":"exit","program":"web","instance":0,
              "message":"m","data":{"pid":5100,"exit_code":null,"signal":"SIGKILL","run_ms":3200}}]
  })");
}

/// The view of `cat` from the captured fixtures; the parts no fixture covers stay unread.
ProcessView cat_view() {
  ProcessView v;
  v.pid = 5221;
  v.stat = parse_proc_stat(fixture("cat.stat"));
  v.status = parse_proc_status(fixture("cat.status"));
  v.io = parse_proc_io(fixture("cat.io"));
  v.limits = parse_proc_limits(fixture("cat.limits"));
  v.smaps = parse_smaps_rollup(fixture("cat.smaps_rollup"));
  v.cmdline = std::vector<std::string>{"cat"};
  v.exe = std::string("/usr/bin/cat");
  v.cwd = Error{EACCES, "unable to read /proc/5221/cwd: Permission denied"};
  v.ctxt = ContextSwitches{0, 1};
  v.wchan = "do_sys_poll";
  v.syscall = parse_proc_syscall("7 0x1 0x2 0x3 0x4 0x5 0x6 0x7ffc1000 0x7f5e0535eaec");
  v.fds = std::vector<ProcFd>{{0, "/dev/null", FdKind::file, FdInfo{0, 02000000}},
                             {1, "pipe:[12]", FdKind::pipe, std::nullopt},
                             {2, "socket:[13]", FdKind::socket, std::nullopt}};
  v.start_wall_ms = 1764556800123;
  v.user = "root";
  v.group = "root";
  return v;
}

TEST(PcbTest, TopLevelKeysAndGroupsFromTheFixtures) {
  ProcessView v = cat_view();
  json doc = pcb_document(facts(), &v, {}, 1764556900000);
  EXPECT_EQ(doc["pid"], 5221);
  EXPECT_EQ(doc["ppid"], 5218);
  EXPECT_EQ(doc["state"], "running");
  EXPECT_EQ(doc["kernel_state"], "R");
  EXPECT_EQ(doc["nice"], 0);
  EXPECT_EQ(doc["rss_bytes"], 1772 * 1024);
  ASSERT_EQ(doc["fds"].size(), 3u);
  EXPECT_EQ(doc["fds"][0]["flags"], "r,cloexec");
  EXPECT_EQ(doc["fds"][2]["kind"], "socket");
  EXPECT_EQ(doc["voluntary_ctxt_switches"], 0);
  EXPECT_EQ(doc["nonvoluntary_ctxt_switches"], 1);
  EXPECT_FALSE(doc.contains("threads"));
  EXPECT_FALSE(doc.contains("environment"));

  EXPECT_EQ(doc["identification"]["pgid"], 5218);
  EXPECT_EQ(doc["identification"]["user"], "root");
  EXPECT_EQ(doc["identification"]["start_time"], "2025-12-01T02:40:00.123Z");
  EXPECT_TRUE(doc["identification"]["cwd"].is_null());
  EXPECT_EQ(doc["unreadable"]["cwd"], "unable to read /proc/5221/cwd: Permission denied");
  EXPECT_EQ(doc["status"]["kernel_state_meaning"], "running");
  EXPECT_EQ(doc["status"]["wchan"], "do_sys_poll");
  EXPECT_EQ(doc["status"]["syscall"]["number"], 7);
  EXPECT_EQ(doc["status"]["syscall"]["program_counter"], "0x7f5e0535eaec");
  EXPECT_EQ(doc["status"]["since"], "2025-12-01T02:39:40.000Z");  // now - 2 minutes
  EXPECT_EQ(doc["status"]["transitions"][0]["to"], "starting");
  EXPECT_EQ(doc["scheduling"]["policy"], "other");
  EXPECT_EQ(doc["scheduling"]["last_cpu"], 1);
  EXPECT_DOUBLE_EQ(doc["scheduling"]["voluntary_per_s"].get<double>(), 3.0);
  EXPECT_EQ(doc["memory"]["max_memory"], 16777216);
  EXPECT_TRUE(doc["memory"]["pss_bytes"].is_number());
  EXPECT_DOUBLE_EQ(doc["accounting"]["user_cpu_seconds"].get<double>(), 0.07);
  EXPECT_DOUBLE_EQ(doc["accounting"]["cpu_percent"].get<double>(), 12.5);
  EXPECT_TRUE(doc["accounting"]["read_bytes"].is_number());
  EXPECT_EQ(doc["io"]["fd_count"], 3);
  EXPECT_EQ(doc["io"]["by_kind"]["pipe"], 1);
  EXPECT_FALSE(doc["limits"].empty());
  EXPECT_EQ(doc["cgroup"]["path"], "/sys/fs/cgroup/tend-0-1/web-0");
  EXPECT_EQ(doc["history"]["restarts"], 2);
  EXPECT_EQ(doc["history"]["exits"][0]["signal"], "SIGKILL");
  EXPECT_EQ(doc["history"]["exits"][0]["run_ms"], 3200);
}

TEST(PcbTest, WithoutAProcessOnlyTendsSide) {
  json f = facts();
  f["state"] = "stopped";
  f["pid"] = nullptr;
  json doc = pcb_document(f, nullptr, {true, true, false}, 0);
  EXPECT_TRUE(doc["pid"].is_null());
  EXPECT_TRUE(doc["identification"].is_null());
  EXPECT_TRUE(doc["memory"].is_null());
  EXPECT_EQ(doc["fds"], json::array());
  EXPECT_EQ(doc["threads"], json::array());
  EXPECT_TRUE(doc["environment"].is_null());
  EXPECT_EQ(doc["history"]["exits"].size(), 1u);
  std::string text = format_pcb_text(doc);
  EXPECT_NE(text.find("web:0  no process (stopped)"), std::string::npos) << text;
  EXPECT_NE(text.find("SIGKILL        after 3.2s"), std::string::npos) << text;
}

TEST(PcbTest, ThreadsAndEnvironmentOnRequest) {
  ProcessView v = cat_view();
  ProcTask main_thread = make_task(*v.stat, *v.status);
  ThreadView t{main_thread, std::string("do_sys_poll"), parse_proc_syscall("running")};
  v.threads = std::vector<ThreadView>{t, t};
  v.environ = std::vector<std::string>{"PATH=/bin", "DB_PASSWORD=hunter2"};
  json doc = pcb_document(facts(), &v, {true, true, false}, 0);
  ASSERT_EQ(doc["threads"].size(), 2u);
  EXPECT_EQ(doc["threads"][0]["tid"], 5221);
  EXPECT_EQ(doc["threads"][0]["name"], "cat");
  EXPECT_EQ(doc["threads"][0]["state"], "R");
  EXPECT_EQ(doc["threads"][0]["syscall"]["running"], true);
  EXPECT_EQ(doc["environment"][1]["value"], "<masked: 7 bytes>");
  json revealed = pcb_document(facts(), &v, {true, true, true}, 0);
  EXPECT_EQ(revealed["environment"][1]["value"], "hunter2");
}

TEST(PcbTest, TextHasEverySectionAndNoControlCharacters) {
  ProcessView v = cat_view();
  v.cmdline = std::vector<std::string>{"cat", "evil\x1b[2Jname"};
  v.threads = std::vector<ThreadView>{};
  json doc = pcb_document(facts(), &v, {true, false, false}, 0);
  std::string text = format_pcb_text(doc);
  for (const char* part : {"web:0  pid 5221  running  kernel R (running)", "Identification", "State", "Scheduling",
                           "Memory", "Accounting", "Files: 3 open (1 file, 1 pipe, 1 socket)", "Limits", "Cgroup",
                           "Exits (last 10; 2 restarts in all)", "Threads: 0", "Not readable",
                           "system call 7, pc 0x7f5e0535eaec", "12.5% over the last 1.0s"})
    EXPECT_NE(text.find(part), std::string::npos) << part << " missing in\n" << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("evil?[2Jname"), std::string::npos);
}

TEST(PcbTest, ReadsALiveProcess) {
  ProcessView v = read_process_view(::getpid(), "", {true, true, false});
  ASSERT_TRUE(v.stat) << v.stat.error().message;
  EXPECT_EQ(v.stat->pid, ::getpid());
  ASSERT_TRUE(v.status);
  ASSERT_TRUE(v.fds);
  ASSERT_TRUE(v.threads);
  EXPECT_GE(v.threads->size(), 1u);
  ASSERT_TRUE(v.environ);
  ASSERT_TRUE(v.ctxt);
  EXPECT_TRUE(v.start_wall_ms.has_value());
  json doc = pcb_document(facts(), &v, {true, true, false}, 0);
  EXPECT_EQ(doc["pid"], ::getpid());
  EXPECT_EQ(doc["threads"][0]["tid"], ::getpid());
}

}  // namespace
}  // namespace tend
