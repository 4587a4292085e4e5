// --listen: sockets bound once by the daemon and shared by every instance; connections spread over them;
// `tend reload` replaces instances under load without failing a request; `tend scale`.
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "harness.h"
#include "net_client.h"

namespace tend::e2e {
namespace {

class ClusterTest : public TendTest {
 protected:
  /// Starts N instances of the Python HTTP server on one --listen port chosen by the kernel; returns it.
  /// delay_ms: how long each request takes the server.
  int start_web(int instances, int delay_ms = 0) {
    std::vector<std::string> args{"start",
                                  "--name",
                                  "web",
                                  "--instances",
                                  std::to_string(instances),
                                  "--listen",
                                  "tcp:127.0.0.1:0",
                                  "--ready",
                                  "notify",
                                  "--kill-timeout",
                                  "5s",
                                  "--",
                                  "python3",
                                  script_path("py_http_listen.py"),
                                  "--notify",
                                  marker("web")};
    if (delay_ms > 0) args.insert(args.end(), {"--delay-ms", std::to_string(delay_ms)});
    RunResult r = tend(args);
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.out.find("web listens on tcp:127.0.0.1:"), std::string::npos) << r.out;
    EXPECT_TRUE(wait_state({"web"}, "running", Ms(60000)));
    auto inst = find_instance("web");
    if (!inst || !(*inst)["listen"].is_array() || (*inst)["listen"].empty()) {
      ADD_FAILURE() << "no listen address in ls --json";
      return 0;
    }
    return port_of((*inst)["listen"][0].get<std::string>());
  }

  std::set<pid_t> web_pids(int instances) {
    std::set<pid_t> pids;
    for (int i = 0; i < instances; ++i) pids.insert(pid_of("web", i));
    return pids;
  }
};

/// Loopback load: `threads` clients, each GET after GET on fresh connections, until stop (or `cap` in all).
struct Load {
  std::atomic<int> ok{0}, failed{0}, issued{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::map<std::string, int> per_body;
  std::vector<std::thread> threads;

  Load(int port, int clients, int cap) {
    for (int t = 0; t < clients; ++t)
      threads.emplace_back([this, port, cap] {
        while (!stop && issued.fetch_add(1) < cap) {
          auto body = http_get(port, Ms(15000));
          if (!body) {
            ++failed;
            continue;
          }
          ++ok;
          std::lock_guard lock(mutex);
          ++per_body[*body];
        }
      });
  }
  void finish() {
    stop = true;
    for (auto& t : threads) t.join();
    threads.clear();
  }
  ~Load() { finish(); }
};

TEST_F(ClusterTest, InstancesShareOnePortAndConnectionsSpread) {
  int port = start_web(4, 10);
  ASSERT_GT(port, 0);
  for (int i = 0; i < 4; ++i) {
    pid_t pid = pid_of("web", i);
    std::string env = proc_environ(pid);
    EXPECT_NE(env.find("\nLISTEN_PID=" + std::to_string(pid) + "\n"), std::string::npos) << env;
    EXPECT_NE(env.find("\nLISTEN_FDS=1\n"), std::string::npos) << env;
    EXPECT_NE(env.find("\nLISTEN_FDNAMES=web\n"), std::string::npos) << env;
  }
  // Several clients at once: an instance busy with one connection leaves the next to the others.
  Load load(port, 8, 400);
  ASSERT_TRUE(wait_until([&] { return load.ok + load.failed >= 400; }, Ms(120000)));
  load.finish();
  EXPECT_EQ(load.failed, 0);
  EXPECT_EQ(load.ok, 400);
  std::map<pid_t, int> per_instance;
  for (const auto& [body, n] : load.per_body) per_instance[pid_t(std::atoi(body.c_str()))] += n;
  for (pid_t pid : web_pids(4))
    EXPECT_GT(per_instance[pid], 0) << "web pid " << pid << " served nothing; counts per pid: " << [&] {
      std::string s;
      for (auto& [p, n] : per_instance) s += std::to_string(p) + "=" + std::to_string(n) + " ";
      return s;
    }();
  EXPECT_EQ(per_instance.size(), 4u);
}

TEST_F(ClusterTest, ReloadUnderLoadFailsNoRequest) {
  int port = start_web(4);
  ASSERT_GT(port, 0);
  auto before = web_pids(4);
  Load load(port, 4, 50000);
  ASSERT_TRUE(wait_until([&] { return load.ok >= 200; }, Ms(60000)));

  // Meanwhile, ls must never show fewer than N-1 instances running.
  std::atomic<bool> reloading{true};
  std::atomic<int> fewest{4};
  std::thread watcher([&] {
    while (reloading) {
      RunResult r = tend({"ls", "--json"});
      auto list = Json::parse(r.out, nullptr, false);
      if (list.is_discarded()) continue;
      int running = 0;
      for (const auto& i : list) running += i["state"] == "running";
      fewest = std::min<int>(fewest, running);
    }
  });
  RunResult r = tend({"reload", "web"}, Ms(120000));
  reloading = false;
  watcher.join();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  int after_reload = load.ok;
  EXPECT_TRUE(wait_until([&] { return load.ok >= after_reload + 200 && load.ok >= 2000; }, Ms(120000)));
  load.finish();

  EXPECT_EQ(load.failed, 0) << "of " << load.ok + load.failed << " requests";
  EXPECT_GE(load.ok, 2000);
  EXPECT_GE(fewest, 3) << "never below N-1 ready instances";
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(before.count(pid_of("web", i)), 0u) << "web:" << i << " was not replaced";
    EXPECT_NE(r.out.find("web:" + std::to_string(i) + " pid "), std::string::npos) << r.out;
  }
  std::set<pid_t> served;
  for (const auto& [body, n] : load.per_body) served.insert(pid_t(std::atoi(body.c_str())));
  for (pid_t pid : web_pids(4)) EXPECT_TRUE(served.count(pid)) << "a successor " << pid << " served nothing";
  EXPECT_EQ(pids_with_arg(marker("web")).size(), 4u) << "the old processes are gone";
}

TEST_F(ClusterTest, ReloadOfOneInstanceStartsTheSuccessorFirst) {
  int port = start_web(1);
  ASSERT_GT(port, 0);
  pid_t old = pid_of("web");
  Load load(port, 2, 50000);
  ASSERT_TRUE(wait_until([&] { return load.ok >= 50; }, Ms(60000)));
  std::atomic<bool> overlapped{false}, done{false};
  std::thread watcher([&] {
    while (!done) {
      if (pids_with_arg(marker("web")).size() == 2 && pid_alive(old)) overlapped = true;
      std::this_thread::sleep_for(Ms(5));
    }
  });
  RunResult r = tend({"reload", "web"}, Ms(120000));
  done = true;
  watcher.join();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  int after = load.ok;
  EXPECT_TRUE(wait_until([&] { return load.ok >= after + 50; }, Ms(60000)));
  load.finish();
  EXPECT_TRUE(overlapped) << "the successor ran while the old instance still served";
  EXPECT_EQ(load.failed, 0);
  EXPECT_NE(pid_of("web"), old);
  EXPECT_TRUE(pid_gone(old) || !pid_alive(old));
}

TEST_F(ClusterTest, SocketOutlivesRestartsSoNoConnectionIsRefused) {
  int port = start_web(1);
  ASSERT_GT(port, 0);
  Load load(port, 2, 50000);
  ASSERT_TRUE(wait_until([&] { return load.ok >= 50; }, Ms(60000)));
  // While no instance runs, connections wait in the daemon's socket backlog.
  ASSERT_EQ(tend({"restart", "web"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"web"}, "running", Ms(60000)));
  int after = load.ok;
  EXPECT_TRUE(wait_until([&] { return load.ok >= after + 50; }, Ms(60000)));
  load.finish();
  EXPECT_EQ(load.failed, 0);
  EXPECT_EQ(port_of((*find_instance("web"))["listen"][0].get<std::string>()), port);
}

TEST_F(ClusterTest, SocketsSurviveADaemonCrash) {
  int port = start_web(2);
  ASSERT_GT(port, 0);
  pid_t daemon = daemon_pid();
  ASSERT_EQ(kill(daemon, SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return !pid_alive(daemon); }, Ms(5000)));
  EXPECT_TRUE(http_get(port)) << "the instances go on serving";
  ASSERT_TRUE(wait_state({"web"}, "running", Ms(10000)));  // a new daemon adopts them
  // A restarted instance gets the very socket back (from the fd holder), not EADDRINUSE.
  ASSERT_EQ(tend({"restart", "web:0"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"web"}, "running", Ms(60000)));
  EXPECT_EQ(port_of((*find_instance("web", 0))["listen"][0].get<std::string>()), port);
  std::set<std::string> served;
  for (int i = 0; i < 40; ++i)
    if (auto body = http_get(port)) served.insert(*body);
  EXPECT_FALSE(served.empty());
}

TEST_F(ClusterTest, UnixSocketWithAName) {
  std::string path = home_ + "/web.sock";
  RunResult r = tend({"start", "--name", "web", "--listen", "api=unix:" + path, "--ready", "notify", "--",
                      "python3", script_path("py_http_listen.py"), "--notify"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(wait_state({"web"}, "running", Ms(60000)));
  EXPECT_NE(proc_environ(pid_of("web")).find("\nLISTEN_FDNAMES=api\n"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0666u);
  auto body = http_get_unix(path);
  ASSERT_TRUE(body);
  EXPECT_EQ(*body, std::to_string(pid_of("web")) + "\n");
  ASSERT_EQ(tend({"delete", "web"}).exit_code, 0);
  EXPECT_FALSE(file_exists(path)) << "the socket file goes with the program";
}

TEST_F(ClusterTest, ListenErrorsAreClear) {
  int port = start_web(1);
  ASSERT_GT(port, 0);
  RunResult r = tend({"start", "--name", "clash", "--listen", "tcp:127.0.0.1:" + std::to_string(port), "--",
                      helper_path("t_sleep")});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(
      r.err.find("unable to listen on tcp:127.0.0.1:" + std::to_string(port) + ": Address already in use"),
      std::string::npos)
      << r.err;
  for (const char* bad : {"tcp:host.example:80", "udp:1", "unix:relative", "a:b=tcp:1"}) {
    r = start("bad", "t_sleep", {}, {"--listen", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.describe();
    EXPECT_NE(r.err.find("invalid listen"), std::string::npos) << r.err;
  }
}

TEST_F(ClusterTest, ScaleChangesTheInstanceCountLive) {
  ASSERT_EQ(start("w", "t_sleep", {}, {"--instances", "2"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"w"}, "running"));
  pid_t w0 = pid_of("w", 0);
  RunResult r = tend({"scale", "w", "4"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("w has 4 instance(s)"), std::string::npos) << r.out;
  ASSERT_TRUE(wait_state({"w:2", "w:3"}, "running"));
  r = tend({"scale", "w", "-3"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("stopped w:1"), std::string::npos) << r.out;
  EXPECT_FALSE(find_instance("w", 1));
  EXPECT_EQ(pid_of("w", 0), w0) << "the instances kept are untouched";
  r = tend({"scale", "w", "+1"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(wait_state({"w"}, "running"));
  EXPECT_TRUE(find_instance("w", 1));
  EXPECT_EQ(tend({"scale", "w", "0"}).exit_code, 1);
  EXPECT_EQ(tend({"scale", "w", "lots"}).exit_code, 2);
  EXPECT_EQ(tend({"scale", "nosuch", "2"}).exit_code, 1);
  EXPECT_NE(read_file(home_ + "/state.json").find("\"instances\":2"), std::string::npos) << "persisted";
}

}  // namespace
}  // namespace tend::e2e
