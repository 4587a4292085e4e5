// --ready: an instance stays `starting` until it is ready, by each of the ways it can tell (or be probed);
// the readiness timeout; the watchdog; dependants waiting for readiness.
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "harness.h"
#include "net_client.h"

namespace tend::e2e {
namespace {

using ReadinessTest = TendTest;

struct Mode {
  std::string name;                                                     // test name
  std::string helper_mode;                                              // t_ready MODE
  std::function<std::string(const std::string& home, int port)> ready;  // the --ready value
  std::function<std::string(const std::string& home, int port)> arg;    // t_ready's ARG
  std::string via;                                                      // what the reason says: "ready (VIA)"
};

void PrintTo(const Mode& mode, std::ostream* os) {
  *os << mode.name;
}

class ReadyModeTest : public ReadinessTest, public ::testing::WithParamInterface<Mode> {};

// Each mode: `starting` (with a reason saying why) until the test sends SIGUSR1, then `running`.
TEST_P(ReadyModeTest, StartingUntilReady) {
  const Mode& m = GetParam();
  int port = free_port();
  ASSERT_GT(port, 0);
  RunResult r = start("r", "t_ready", {m.helper_mode, m.arg(home_, port)}, {"--ready", m.ready(home_, port)});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(wait_log_contains("r", 0, "armed", Ms(10000)));
  // Whatever the probes try meanwhile, it cannot be ready before SIGUSR1.
  auto inst = find_instance("r");
  ASSERT_TRUE(inst);
  EXPECT_EQ((*inst)["state"], "starting") << inst->dump();
  EXPECT_NE((*inst)["reason"].get<std::string>().find("waiting until ready"), std::string::npos)
      << inst->dump();
  RunResult w = tend({"wait", "r", "--for", "running", "--timeout", "300ms"});
  EXPECT_EQ(w.exit_code, 1) << "not ready yet: " << w.describe();

  ASSERT_EQ(tend({"signal", "USR1", "r"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"r"}, "running", Ms(20000)));
  inst = find_instance("r");
  EXPECT_NE((*inst)["reason"].get<std::string>().find("ready (" + m.via + ")"), std::string::npos)
      << inst->dump();
  EXPECT_NE(log_and_events().find("event ready r:0"), std::string::npos);
}

std::string fixed(const std::string& text) {
  return text;
}

INSTANTIATE_TEST_SUITE_P(
    Modes, ReadyModeTest,
    ::testing::Values(
        Mode{"ipc_pm2_string", "ipc", [](auto&, int) { return fixed("ipc"); },
             [](auto&, int) { return fixed("-"); }, "ipc"},
        Mode{"ipc_tend_object", "ipc-tend", [](auto&, int) { return fixed("ipc"); },
             [](auto&, int) { return fixed("-"); }, "ipc"},
        Mode{"notify", "notify", [](auto&, int) { return fixed("notify"); },
             [](auto&, int) { return fixed("-"); }, "notify"},
        Mode{"notify_from_a_child", "notify-child", [](auto&, int) { return fixed("notify"); },
             [](auto&, int) { return fixed("-"); }, "notify"},
        Mode{"tcp", "tcp", [](auto&, int port) { return "tcp:" + std::to_string(port); },
             [](auto&, int port) { return std::to_string(port); }, "tcp"},
        Mode{"http", "http",
             [](auto&, int port) { return "http://127.0.0.1:" + std::to_string(port) + "/health"; },
             [](auto&, int port) { return std::to_string(port); }, "http"},
        Mode{"exec", "exec",
             [](const std::string& home, int) { return "exec:test -e " + home + "/ready-file"; },
             [](const std::string& home, int) { return home + "/ready-file"; }, "exec"}),
    [](const ::testing::TestParamInfo<Mode>& info) { return info.param.name; });

TEST_F(ReadinessTest, ProbesUseTheInstancesPort) {
  // 'tcp:$PORT' probes the instance's own PORT (from its environment here; a Procfile sets one per instance).
  int port = free_port();
  ASSERT_GT(port, 0);
  RunResult r = start("pp", "t_ready", {"tcp", std::to_string(port)},
                      {"--env", "PORT=" + std::to_string(port), "--ready", "tcp:$PORT"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(wait_log_contains("pp", 0, "armed", Ms(10000)));
  EXPECT_EQ((*find_instance("pp"))["state"], "starting");
  ASSERT_EQ(tend({"signal", "USR1", "pp"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"pp"}, "running", Ms(20000)));
  // Without a PORT there is nothing to probe: it is never ready, and says why.
  r = start("noport", "t_ready", {"never"}, {"--ready", "tcp:$PORT", "--ready-timeout", "300ms", "--restart", "never"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(wait_state({"noport"}, "exited", Ms(20000)));
  EXPECT_NE(log_and_events().find("names $PORT, but the instance has no PORT"), std::string::npos);
}

TEST_F(ReadinessTest, NotifyStatusIsShownByLs) {
  ASSERT_EQ(start("svc", "t_ready", {"notify"}, {"--ready", "notify"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("svc", 0, "armed", Ms(10000)));
  auto env = proc_environ(pid_of("svc"));
  EXPECT_NE(env.find("\nNOTIFY_SOCKET=" + home_ + "/notify.sock\n"), std::string::npos) << env;
  ASSERT_EQ(tend({"signal", "USR1", "svc"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"svc"}, "running", Ms(20000)));
  EXPECT_EQ((*find_instance("svc"))["status"], "serving requests");
  RunResult r = tend({"ls"});
  EXPECT_NE(r.out.find("STATUS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("serving requests"), std::string::npos) << r.out;
}

TEST_F(ReadinessTest, TimeoutStopsItAndThePolicyDecides) {
  RunResult r =
      start("slow", "t_ready", {"never"},
            {"--ready", "notify", "--ready-timeout", "400ms", "--restart", "never", "--kill-timeout", "2s"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(wait_state({"slow"}, "exited", Ms(20000)));
  auto inst = find_instance("slow");
  EXPECT_NE((*inst)["reason"].get<std::string>().find("not ready within 400ms"), std::string::npos)
      << inst->dump();
  EXPECT_EQ((*inst)["exit_signal"], "SIGTERM") << inst->dump();
  EXPECT_NE(log_and_events().find("not ready within 400ms"), std::string::npos);
}

TEST_F(ReadinessTest, NeverReadyCountsAsUnstableAndGivesUp) {
  // However long each try lasts, a run that never became ready is an unstable start: backoff, then failed.
  RunResult r = start("hopeless", "t_ready", {"never"},
                      {"--ready", "tcp:" + std::to_string(free_port()), "--ready-timeout", "300ms",
                       "--min-uptime", "100ms", "--max-restarts", "1", "--backoff-min", "10ms"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(wait_state({"hopeless"}, "failed", Ms(30000)));
  auto inst = find_instance("hopeless");
  EXPECT_EQ((*inst)["restarts"], 1) << inst->dump();
  EXPECT_NE((*inst)["reason"].get<std::string>().find("Connection refused"), std::string::npos)
      << "the probe's last failure is in the reason: " << inst->dump();
}

TEST_F(ReadinessTest, WatchdogRestartsWhenPingsStop) {
  RunResult r = start("dog", "t_ready", {"watchdog"}, {"--watchdog", "800ms", "--min-uptime", "100ms"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(wait_log_contains("dog", 0, "armed", Ms(10000))) << "WATCHDOG_USEC and WATCHDOG_PID are set";
  ASSERT_TRUE(wait_state({"dog"}, "running", Ms(10000)));
  pid_t first = pid_of("dog");
  auto env = proc_environ(first);
  EXPECT_NE(env.find("\nWATCHDOG_USEC=800000\n"), std::string::npos) << env;
  EXPECT_NE(env.find("\nWATCHDOG_PID=" + std::to_string(first) + "\n"), std::string::npos) << env;
  // Pinging every 200 ms, it is left alone well past the timeout.
  EXPECT_FALSE(wait_until([&] { return (*find_instance("dog"))["restarts"] != 0; }, Ms(2000), Ms(100)));
  ASSERT_EQ(tend({"signal", "USR2", "dog"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("dog", 0, "stopped pinging", Ms(10000)));
  ASSERT_TRUE(wait_until([&] { return (*find_instance("dog"))["restarts"] == 1; }, Ms(20000)));
  ASSERT_TRUE(wait_state({"dog"}, "running", Ms(10000)));
  auto inst = find_instance("dog");
  EXPECT_NE((*inst)["pid"], first);
  EXPECT_EQ((*inst)["exit_signal"], "SIGABRT") << inst->dump();
  std::string log = log_and_events();
  EXPECT_NE(log.find("event watchdog dog:0"), std::string::npos) << log;
  EXPECT_NE(log.find("no WATCHDOG=1 within 800ms"), std::string::npos) << log;
}

TEST_F(ReadinessTest, WatchdogKeepsWatchingAfterADaemonCrash) {
  ASSERT_EQ(start("dog", "t_ready", {"watchdog"}, {"--watchdog", "800ms", "--min-uptime", "100ms"}).exit_code,
            0);
  ASSERT_TRUE(wait_state({"dog"}, "running", Ms(10000)));
  pid_t dog = pid_of("dog");
  pid_t daemon = daemon_pid();
  ASSERT_EQ(kill(daemon, SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return !pid_alive(daemon); }, Ms(5000)));
  ASSERT_TRUE(wait_state({"dog"}, "running", Ms(10000)));  // a new daemon adopts it
  EXPECT_EQ(pid_of("dog"), dog);
  // Its pings reach the new daemon's notify socket: no restart however long we look...
  EXPECT_FALSE(wait_until([&] { return (*find_instance("dog"))["restarts"] != 0; }, Ms(2000), Ms(100)));
  // ...and the watchdog is armed there: stopping the pings still restarts it.
  ASSERT_EQ(tend({"signal", "USR2", "dog"}).exit_code, 0);
  EXPECT_TRUE(wait_until([&] { return (*find_instance("dog"))["restarts"] == 1; }, Ms(20000)));
}

// The daemon stalls (SIGSTOP here; a loaded machine in life) past a deadline while the child keeps its
// word: on waking, the message that came in time counts, not the timer that is also due.
TEST_F(ReadinessTest, AStalledDaemonDoesNotMisjudgeTimelyMessages) {
  ASSERT_EQ(start("dog", "t_ready", {"watchdog"}, {"--watchdog", "600ms", "--min-uptime", "100ms"}).exit_code, 0);
  ASSERT_EQ(start("late", "t_ready", {"notify"}, {"--ready", "notify", "--ready-timeout", "800ms"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"dog"}, "running", Ms(10000)));
  ASSERT_TRUE(wait_log_contains("late", 0, "armed", Ms(10000)));
  pid_t late = pid_of("late");
  pid_t daemon = daemon_pid();
  ASSERT_EQ(kill(daemon, SIGSTOP), 0);
  ASSERT_EQ(kill(late, SIGUSR1), 0);  // READY=1 now, while nobody reads
  std::this_thread::sleep_for(Ms(1500));  // the stall itself, past both deadlines
  ASSERT_EQ(kill(daemon, SIGCONT), 0);
  ASSERT_TRUE(wait_state({"late"}, "running", Ms(10000)));
  EXPECT_EQ(pid_of("late"), late) << "its READY=1 came in time";
  EXPECT_EQ((*find_instance("dog"))["restarts"], 0) << "its pings came in time";
}

TEST_F(ReadinessTest, DependantsWaitForReadiness) {
  std::string file = home_ + "/tend.toml";
  std::ofstream(file) << "[programs.db]\ncommand = [\"" << helper_path("t_ready") << "\", \"notify\"]\n"
                      << "ready = \"notify\"\n\n[programs.app]\ncommand = [\"" << helper_path("t_sleep")
                      << "\"]\ndepends_on = [\"db\"]\n";
  RunResult r = tend({"apply", "-f", file});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(wait_log_contains("db", 0, "armed", Ms(10000)));
  auto app = find_instance("app");
  ASSERT_TRUE(app);
  EXPECT_EQ((*app)["state"], "waiting") << app->dump();
  EXPECT_NE((*app)["reason"].get<std::string>().find("db:0 is starting"), std::string::npos) << app->dump();
  ASSERT_EQ(tend({"signal", "USR1", "db"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"db", "app"}, "running", Ms(20000)));
}

TEST_F(ReadinessTest, BadReadyValuesAreUsageErrors) {
  for (const char* bad :
       {"tcp:", "tcp:70000", "http:https://x/", "http://example.com/", "exec:", "bogus", "ipc:1"}) {
    RunResult r = start("bad", "t_sleep", {}, {"--ready", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.describe();
    EXPECT_NE(r.err.find("invalid ready"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace tend::e2e
