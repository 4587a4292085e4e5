// `tend top` driven through tmux: a private tmux server (its own socket), an 80x24 window, keys sent with
// send-keys and the screen read with capture-pane.
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "harness.h"

namespace tend::e2e {
namespace {

/// One tmux server of our own (-L NAME), killed when done: never anyone else's.
class Tmux {
 public:
  Tmux(std::string socket, std::vector<std::string> env, std::string config)
      : socket_(std::move(socket)), env_(std::move(env)), config_(std::move(config)) {}
  ~Tmux() { run({"kill-server"}); }

  RunResult run(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/tmux", "-L", socket_, "-f", config_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, env_, Ms(10000));
  }
  std::string screen() { return run({"capture-pane", "-p", "-t", "top"}).out; }
  bool screen_shows(const std::string& text, Ms deadline = Ms(10000)) {
    return wait_until([&] { return screen().find(text) != std::string::npos; }, deadline, Ms(50));
  }
  void keys(const std::vector<std::string>& keys) {
    std::vector<std::string> args{"send-keys", "-t", "top"};
    args.insert(args.end(), keys.begin(), keys.end());
    run(args);
  }
  /// "1" once the command in the pane has exited (remain-on-exit keeps the pane).
  std::string pane_dead() { return run({"display-message", "-p", "-t", "top", "#{pane_dead}"}).out; }
  pid_t server_pid() { return pid_t(std::atol(run({"display-message", "-p", "#{pid}"}).out.c_str())); }

 private:
  std::string socket_;
  std::vector<std::string> env_;
  std::string config_;
};

class TopTest : public TendTest {
 protected:
  void SetUp() override {
    TendTest::SetUp();
    if (!file_exists("/usr/bin/tmux")) GTEST_SKIP() << "tmux is not installed (scripts/deps.sh installs it)";
    std::string config = home_ + "/tmux.conf";
    std::ofstream(config) << "set -g remain-on-exit on\nset -g default-terminal screen\nset -g status off\n";
    tmux_.emplace("tend-e2e-" + std::filesystem::path(home_).filename().string(), env(), config);
  }
  void TearDown() override {
    tmux_.reset();
    TendTest::TearDown();
  }

  /// Starts `tend top` in an 80x24 window named "top", under t_status, which records how it ended.
  void open_top(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"new-session", "-d", "-s", "top", "-x", "80", "-y", "24",
                                  "-e", "TEND_HOME=" + home_, helper_path("t_status"), status_file(),
                                  TEND_BINARY, "top", "--interval", "200ms"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = tmux_->run(args);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    track_pid(tmux_->server_pid());
  }
  std::string status_file() const { return home_ + "/top.status"; }
  /// top exited with status 0 and gave the terminal back: the alternate screen is gone, so the pane no
  /// longer shows the table.
  bool exited_cleanly() {
    if (!wait_until([&] { return file_exists(status_file()); }, Ms(10000), Ms(50))) return false;
    EXPECT_EQ(read_file(status_file()), "exit 0\n");
    EXPECT_TRUE(wait_until([&] { return tmux_->pane_dead() == "1\n"; }, Ms(5000), Ms(50)));
    EXPECT_EQ(tmux_->screen().find("NAME:I"), std::string::npos) << tmux_->screen();
    return read_file(status_file()) == "exit 0\n";
  }
  std::optional<Tmux> tmux_;
};

TEST_F(TopTest, ShowsTheProgramsSortsFiltersShowsLogsAndQuits) {
  ASSERT_EQ(start("alpha", "t_spin").exit_code, 0);
  ASSERT_EQ(start("beta", "t_threads", {"3"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("beta", 0, "ready", Ms(10000)));
  open_top();
  ASSERT_TRUE(tmux_->screen_shows("alpha:0")) << tmux_->screen();
  ASSERT_TRUE(tmux_->screen_shows("beta:0")) << tmux_->screen();
  EXPECT_TRUE(tmux_->screen_shows("tend top  2 instances, 2 up")) << tmux_->screen();
  // beta has 4 threads: its THR column says so once sampled.
  EXPECT_TRUE(wait_until([&] {
    for (const auto& line : split_lines(tmux_->screen()))
      if (line.rfind("beta:0", 0) == 0 && line.find(" running ") != std::string::npos &&
          line.find("    4 ") != std::string::npos)
        return true;
    return false;
  }, Ms(10000), Ms(50))) << tmux_->screen();

  tmux_->keys({"t"});  // sort by threads: beta (4) above alpha (1)
  ASSERT_TRUE(tmux_->screen_shows("THRv")) << tmux_->screen();
  auto lines = split_lines(tmux_->screen());
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[2].rfind("beta:0", 0), 0u) << tmux_->screen();
  EXPECT_EQ(lines[3].rfind("alpha:0", 0), 0u) << tmux_->screen();

  tmux_->keys({"/", "a", "l", "p", "Enter"});
  ASSERT_TRUE(tmux_->screen_shows("filter \"alp\"")) << tmux_->screen();
  EXPECT_TRUE(wait_until([&] { return tmux_->screen().find("beta:0") == std::string::npos; }, Ms(5000), Ms(50)))
      << tmux_->screen();

  tmux_->keys({"Enter"});  // the selected instance's last log lines
  ASSERT_TRUE(tmux_->screen_shows("last log lines of alpha:0")) << tmux_->screen();
  EXPECT_TRUE(tmux_->screen_shows("alpha:0|")) << tmux_->screen();
  tmux_->keys({"q"});
  ASSERT_TRUE(tmux_->screen_shows("NAME:I")) << tmux_->screen();

  tmux_->keys({"q"});
  EXPECT_TRUE(exited_cleanly()) << tmux_->screen();
}

TEST_F(TopTest, CtrlCAndResizeAreHandled) {
  ASSERT_EQ(start("one", "t_sleep").exit_code, 0);
  open_top();
  ASSERT_TRUE(tmux_->screen_shows("one:0")) << tmux_->screen();
  ASSERT_EQ(tmux_->run({"resize-window", "-t", "top", "-x", "100", "-y", "30"}).exit_code, 0);
  // Redrawn at the new width: NAME:I widens by the 20 columns gained (18 spaces before PID at 80 columns).
  EXPECT_TRUE(tmux_->screen_shows("NAME:I" + std::string(38, ' ') + "PID")) << tmux_->screen();
  ASSERT_EQ(tmux_->run({"resize-window", "-t", "top", "-x", "60", "-y", "10"}).exit_code, 0);
  EXPECT_TRUE(tmux_->screen_shows("one:0")) << tmux_->screen();
  EXPECT_EQ(tmux_->pane_dead(), "0\n");
  tmux_->keys({"C-c"});
  EXPECT_TRUE(exited_cleanly()) << tmux_->screen();
  // With the viewer gone, the daemon stops sampling.
  EXPECT_TRUE(wait_until([&] { return tend({"metrics"}).out.find("tend_sampler_active 0\n") != std::string::npos; },
                         Ms(5000), Ms(50)));
}

TEST_F(TopTest, BatchModePrintsTablesWithoutATerminal) {
  ASSERT_EQ(start("batch", "t_sleep").exit_code, 0);
  RunResult r = tend({"top", "--batch", "-n", "2", "--interval", "100ms"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  size_t first = r.out.find("batch:0");
  ASSERT_NE(first, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("batch:0", first + 1), std::string::npos) << r.out;
  RunResult no_tty = tend({"top"});
  EXPECT_EQ(no_tty.exit_code, 2);
  EXPECT_NE(no_tty.err.find("needs a terminal"), std::string::npos) << no_tty.err;
}

}  // namespace
}  // namespace tend::e2e
