// `tend apply`, `reload-config` and SIGHUP: the daemon's programs made to match a tend.toml or Procfile,
// touching only what changed, in dependency order.
#include <signal.h>
#include <sys/stat.h>

#include <fstream>

#include "harness.h"

namespace tend::e2e {
namespace {

class ApplyTest : public TendTest {
 protected:
  void SetUp() override {
    TendTest::SetUp();
    config_ = home_ + "/cfg/tend.toml";
    ::mkdir((home_ + "/cfg").c_str(), 0700);
  }

  /// Writes the config file: a [defaults] table that keeps the test's tag in every program's environment
  /// (a config file's programs get no other variable of the client's) and a short min_uptime, then body.
  void write_config(const std::string& body, const std::string& path = {}) {
    std::ofstream(path.empty() ? config_ : path)
        << "[defaults]\nmin_uptime = \"150ms\"\nkill_timeout = \"5s\"\nenv = { " << tag_key() << " = \""
        << tag_value() << "\" }\n\n"
        << body;
  }
  /// `[programs.NAME]` running t_sleep with a marker, plus extra lines.
  std::string sleeper(const std::string& name, const std::string& extra = {}) const {
    return "[programs." + name + "]\ncommand = [\"" + helper_path("t_sleep") + "\", \"" + marker(name) + "\"]\n" +
           extra + "\n";
  }
  RunResult apply(const std::vector<std::string>& flags = {}) {
    std::vector<std::string> args{"apply", "-f", config_};
    args.insert(args.end(), flags.begin(), flags.end());
    return tend(args);
  }
  /// The pid of every instance of NAME, in index order (0 for one without a process).
  std::vector<pid_t> pids_of(const std::string& name) {
    std::vector<pid_t> out;
    for (const auto& inst : ls_json())
      if (inst["name"] == name) out.push_back(inst["pid"].is_null() ? 0 : inst["pid"].get<pid_t>());
    return out;
  }
  std::string state_of(const std::string& name, int instance = 0) {
    auto inst = find_instance(name, instance);
    return inst ? (*inst)["state"].get<std::string>() : "absent";
  }
  std::string reason_of(const std::string& name, int instance = 0) {
    auto inst = find_instance(name, instance);
    return inst && (*inst)["reason"].is_string() ? (*inst)["reason"].get<std::string>() : "";
  }
  /// Position of the first daemon log line containing needle, or npos.
  size_t log_position(const std::string& needle) { return read_file(home_ + "/tend.log").find(needle); }
  bool wait_daemon_log(const std::string& needle, Ms deadline = Ms(10000)) {
    return wait_until([&] { return log_position(needle) != std::string::npos; }, deadline);
  }

  std::string tag_key() const { return tag_.substr(0, tag_.find('=')); }
  std::string tag_value() const { return tag_.substr(tag_.find('=') + 1); }

  std::string config_;
};

TEST_F(ApplyTest, CreatesAndStartsEveryProgramAndPrintsThePlan) {
  write_config(sleeper("alpha") + sleeper("beta", "instances = 2"));
  RunResult r = apply();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "+ alpha (1 instance)\n+ beta (2 instances)\n");
  ASSERT_TRUE(wait_state({"alpha", "beta"}, "running"));
  EXPECT_EQ(pids_of("beta").size(), 2u);

  r = apply();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "= alpha unchanged\n= beta unchanged\n");
}

TEST_F(ApplyTest, EditingOneProgramRestartsOnlyThatProgram) {
  write_config(sleeper("alpha") + sleeper("beta", "env = { LOG_LEVEL = \"info\" }"));
  ASSERT_EQ(apply().exit_code, 0);
  ASSERT_TRUE(wait_state({"alpha", "beta"}, "running"));
  pid_t alpha = pid_of("alpha"), beta = pid_of("beta");

  write_config(sleeper("alpha") + sleeper("beta", "env = { LOG_LEVEL = \"debug\" }"));
  RunResult r = apply();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "= alpha unchanged\n~ beta: env.LOG_LEVEL changed (restart)\n");
  ASSERT_TRUE(wait_state({"beta"}, "running"));
  EXPECT_EQ(pid_of("alpha"), alpha) << "an unchanged program is left alone";
  pid_t new_beta = pid_of("beta");
  EXPECT_NE(new_beta, beta);
  EXPECT_TRUE(pid_gone(beta) || !pid_alive(beta));
  EXPECT_NE(proc_environ(new_beta).find("LOG_LEVEL=debug\n"), std::string::npos) << proc_environ(new_beta);
}

TEST_F(ApplyTest, AVariableRemovedFromTheFileIsGoneFromTheProgram) {
  write_config(sleeper("svc", "env = { KEEP = \"1\", DROP = \"2\" }"));
  ASSERT_EQ(apply().exit_code, 0);
  ASSERT_TRUE(wait_state({"svc"}, "running"));
  EXPECT_NE(proc_environ(pid_of("svc")).find("DROP=2\n"), std::string::npos);

  write_config(sleeper("svc", "env = { KEEP = \"1\" }"));
  RunResult r = apply();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "~ svc: env.DROP removed (restart)\n");
  ASSERT_TRUE(wait_state({"svc"}, "running"));
  std::string environ_text = proc_environ(pid_of("svc"));
  EXPECT_EQ(environ_text.find("DROP="), std::string::npos) << environ_text;
  EXPECT_NE(environ_text.find("KEEP=1\n"), std::string::npos) << environ_text;
}

TEST_F(ApplyTest, TheClientsOtherVariablesDoNotReachAFilesPrograms) {
  write_config(sleeper("svc"));
  RunResult r = tend_with_env({"SOME_SECRET=from-my-shell"}, {"apply", "-f", config_});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(wait_state({"svc"}, "running"));
  std::string environ_text = proc_environ(pid_of("svc"));
  EXPECT_EQ(environ_text.find("SOME_SECRET"), std::string::npos) << environ_text;
  EXPECT_NE(environ_text.find("PATH="), std::string::npos) << environ_text;
}

TEST_F(ApplyTest, ChangingTheInstanceCountLeavesTheOtherInstancesAlone) {
  write_config(sleeper("pool", "instances = 2"));
  ASSERT_EQ(apply().exit_code, 0);
  ASSERT_TRUE(wait_state({"pool"}, "running"));
  auto before = pids_of("pool");
  ASSERT_EQ(before.size(), 2u);

  write_config(sleeper("pool", "instances = 3"));
  RunResult r = apply();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "~ pool: instances 2 -> 3\n");
  ASSERT_TRUE(wait_state({"pool:2"}, "running"));
  auto grown = pids_of("pool");
  ASSERT_EQ(grown.size(), 3u);
  EXPECT_EQ(grown[0], before[0]);
  EXPECT_EQ(grown[1], before[1]);

  write_config(sleeper("pool", "instances = 1"));
  r = apply();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "~ pool: instances 3 -> 1\n");
  auto shrunk = pids_of("pool");
  ASSERT_EQ(shrunk.size(), 1u);
  EXPECT_EQ(shrunk[0], before[0]);
  EXPECT_TRUE(wait_until([&] { return !pid_alive(grown[1]) && !pid_alive(grown[2]); }, Ms(5000)))
      << "apply returns once the surplus instances are stopped";
}

TEST_F(ApplyTest, DryRunPrintsThePlanAndChangesNothing) {
  write_config(sleeper("alpha", "env = { V = \"1\" }"));
  ASSERT_EQ(apply().exit_code, 0);
  ASSERT_TRUE(wait_state({"alpha"}, "running"));
  pid_t alpha = pid_of("alpha");

  write_config(sleeper("alpha", "env = { V = \"2\" }") + sleeper("gamma"));
  RunResult r = apply({"--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "~ alpha: env.V changed (restart)\n+ gamma (1 instance)\n(dry run: nothing was changed)\n");
  EXPECT_EQ(pid_of("alpha"), alpha);
  EXPECT_FALSE(find_instance("gamma"));
  EXPECT_NE(proc_environ(alpha).find("V=1\n"), std::string::npos);
}

TEST_F(ApplyTest, ProgramsNoLongerNamedAreKeptUnlessPruned) {
  write_config(sleeper("keep") + sleeper("old"));
  ASSERT_EQ(apply().exit_code, 0);
  ASSERT_TRUE(wait_state({"keep", "old"}, "running"));
  pid_t old = pid_of("old");
  ASSERT_EQ(start("manual", "t_sleep").exit_code, 0) << "a program of `tend start` is never the file's to prune";

  write_config(sleeper("keep"));
  RunResult r = apply();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "= keep unchanged\n! old: no longer in the file; kept (--prune deletes it)\n");
  EXPECT_EQ(pid_of("old"), old);

  r = apply({"--prune"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "= keep unchanged\n- old\n");
  EXPECT_FALSE(find_instance("old"));
  EXPECT_TRUE(find_instance("manual"));
  EXPECT_TRUE(wait_until([&] { return !pid_alive(old); }, Ms(5000)));
}

TEST_F(ApplyTest, ABrokenFileChangesNothingAndSaysWhere) {
  write_config(sleeper("alpha"));
  ASSERT_EQ(apply().exit_code, 0);
  ASSERT_TRUE(wait_state({"alpha"}, "running"));
  pid_t alpha = pid_of("alpha");

  write_config(sleeper("alpha", "kill_timout = \"1s\"") + sleeper("beta"));
  RunResult r = apply();
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, config_ + ":8:1: unknown key `kill_timout`, did you mean `kill_timeout`?\n"
                   "tend: 1 problem found; nothing was changed\n");
  EXPECT_EQ(pid_of("alpha"), alpha);
  EXPECT_FALSE(find_instance("beta"));
}

TEST_F(ApplyTest, ABrokenFileStartsNoDaemon) {
  write_config(sleeper("alpha", "depends_on = [\"alpah\"]") + sleeper("alpha2", "depends_on = [\"alpha2\"]"));
  RunResult r = apply();
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find(":8:15: unknown dependency `alpah`"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tend: 2 problems found; nothing was changed"), std::string::npos) << r.err;
  EXPECT_FALSE(file_exists(home_ + "/tend.sock"));
}

TEST_F(ApplyTest, AMissingFileIsAnError) {
  RunResult r = apply();
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find(config_), std::string::npos) << r.err;
}

TEST_F(ApplyTest, DependantsStartOnlyAfterAOneShotDependencyExitedZero) {
  // migrate stays `starting` for all of its run (min_uptime longer than it), so what web waits for is fixed.
  write_config("[programs.migrate]\ncommand = [\"" + helper_path("t_exit") + "\", \"0\", \"600\"]\n"
               "restart = \"never\"\nmin_uptime = \"1m\"\n\n" +
               sleeper("web", "instances = 2\ndepends_on = [\"migrate\"]") +
               sleeper("worker", "depends_on = [\"web\"]"));
  RunResult r = apply();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(state_of("web"), "waiting");
  EXPECT_EQ(reason_of("web"), "waiting for migrate (migrate:0 is starting)");
  EXPECT_EQ(state_of("worker"), "waiting");
  ASSERT_TRUE(wait_state({"web", "worker"}, "running", Ms(15000)));
  EXPECT_EQ(state_of("migrate"), "exited");

  // The daemon's log is the order of events: migrate ended before web left waiting, and web was running
  // before worker started.
  size_t migrate_done = log_position(" -> exited: exit 0");  // migrate is the only program that exits
  size_t web_starts = log_position("web:0: waiting -> starting");
  size_t web1_running = log_position("web:1: starting -> running");
  size_t worker_starts = log_position("worker:0: waiting -> starting");
  ASSERT_NE(migrate_done, std::string::npos);
  ASSERT_NE(web_starts, std::string::npos);
  ASSERT_NE(web1_running, std::string::npos);
  ASSERT_NE(worker_starts, std::string::npos);
  EXPECT_LT(migrate_done, web_starts);
  EXPECT_LT(web1_running, worker_starts);
}

TEST_F(ApplyTest, AFailedDependencyLeavesDependantsWaitingNotCrashLooping) {
  write_config("[programs.db]\ncommand = [\"" + helper_path("t_exit") + "\", \"3\"]\n"
               "max_restarts = 1\nbackoff_min = \"10ms\"\n\n" +
               sleeper("web", "depends_on = [\"db\"]"));
  ASSERT_EQ(apply().exit_code, 0);
  ASSERT_TRUE(poll_state("db", 0, "failed", Ms(10000)));
  EXPECT_EQ(state_of("web"), "waiting");
  EXPECT_EQ(reason_of("web"), "waiting for db (db:0 is failed)");
  auto web = find_instance("web");
  ASSERT_TRUE(web);
  EXPECT_EQ((*web)["restarts"], 0);
  EXPECT_TRUE((*web)["pid"].is_null());
  RunResult table = tend({"ls"});
  EXPECT_NE(table.out.find("waiting for db (db:0 is failed)"), std::string::npos) << table.out;
}

TEST_F(ApplyTest, StopAllStopsDependantsFirst) {
  write_config(sleeper("db") + sleeper("web", "depends_on = [\"db\"]"));
  ASSERT_EQ(apply().exit_code, 0);
  ASSERT_TRUE(wait_state({"db", "web"}, "running", Ms(15000)));
  RunResult r = tend({"stop", "all"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  size_t web_stopped = log_position("web:0: stopping -> stopped");
  size_t db_stopping = log_position("db:0: running -> stopping");
  ASSERT_NE(web_stopped, std::string::npos);
  ASSERT_NE(db_stopping, std::string::npos);
  EXPECT_LT(web_stopped, db_stopping);
}

TEST_F(ApplyTest, AutostartFalseDefinesWithoutStarting) {
  write_config(sleeper("later", "autostart = false"));
  RunResult r = apply();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "+ later (1 instance, not started: autostart = false)\n");
  EXPECT_EQ(state_of("later"), "new");
  ASSERT_EQ(tend({"start", "later"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"later"}, "running"));
  pid_t pid = pid_of("later");
  ASSERT_EQ(apply().exit_code, 0);
  EXPECT_EQ(pid_of("later"), pid) << "a started program stays started across applies";
}

TEST_F(ApplyTest, ChangingOnlyDependenciesTouchesNoProcess) {
  write_config(sleeper("db") + sleeper("web"));
  ASSERT_EQ(apply().exit_code, 0);
  ASSERT_TRUE(wait_state({"db", "web"}, "running"));
  pid_t web = pid_of("web");
  write_config(sleeper("db") + sleeper("web", "depends_on = [\"db\"]"));
  RunResult r = apply();
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "= db unchanged\n~ web: depends_on changed\n");
  EXPECT_EQ(pid_of("web"), web);
}

TEST_F(ApplyTest, SighupAppliesTheRememberedFileAgain) {
  write_config(sleeper("alpha") + sleeper("beta", "env = { V = \"1\" }"));
  ASSERT_EQ(apply().exit_code, 0);
  ASSERT_TRUE(wait_state({"alpha", "beta"}, "running"));
  pid_t alpha = pid_of("alpha"), beta = pid_of("beta");

  write_config(sleeper("alpha") + sleeper("beta", "env = { V = \"2\" }"));
  ASSERT_EQ(kill(daemon_pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] { return pid_of("beta") != beta && state_of("beta") == "running"; }, Ms(10000)));
  EXPECT_EQ(pid_of("alpha"), alpha);
  EXPECT_NE(proc_environ(pid_of("beta")).find("V=2\n"), std::string::npos);
  EXPECT_TRUE(wait_daemon_log("apply " + config_ + ": ~ beta: env.V changed (restart)"));
}

TEST_F(ApplyTest, SighupWithABrokenFileChangesNothingAndLogsWhy) {
  write_config(sleeper("alpha"));
  ASSERT_EQ(apply().exit_code, 0);
  ASSERT_TRUE(wait_state({"alpha"}, "running"));
  pid_t alpha = pid_of("alpha");

  write_config(sleeper("alpha", "instances = \"two\""));
  ASSERT_EQ(kill(daemon_pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_daemon_log("reload-config: " + config_ + " not applied; its programs are unchanged"));
  EXPECT_TRUE(wait_daemon_log(config_ + ":8:13: `instances` must be an integer, not a string"));
  EXPECT_EQ(pid_of("alpha"), alpha);
  EXPECT_EQ(state_of("alpha"), "running");
}

TEST_F(ApplyTest, ReloadConfigCommandReportsEachFile) {
  RunResult r = tend({"reload-config"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "no config file has been applied yet: nothing to reload\n");

  write_config(sleeper("alpha"));
  ASSERT_EQ(apply().exit_code, 0);
  write_config(sleeper("alpha") + sleeper("beta"));
  r = tend({"reload-config"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, config_ + ":\n  = alpha unchanged\n  + beta (1 instance)\n");
  ASSERT_TRUE(wait_state({"beta"}, "running"));

  write_config(sleeper("alpha", "nice = 99"));
  r = tend({"reload-config"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("not applied; its programs are unchanged"), std::string::npos) << r.err;
  EXPECT_TRUE(find_instance("beta"));
}

TEST_F(ApplyTest, TheAppliedFileIsRememberedAcrossADaemonRestart) {
  write_config(sleeper("alpha"));
  ASSERT_EQ(apply().exit_code, 0);
  ASSERT_TRUE(wait_state({"alpha"}, "running"));
  pid_t old_daemon = daemon_pid();
  ASSERT_EQ(tend({"shutdown"}).exit_code, 0);
  ASSERT_TRUE(wait_until([&] { return !pid_alive(old_daemon); }, Ms(10000)));

  ASSERT_TRUE(wait_state({"alpha"}, "running")) << "the next daemon brings the program back";
  write_config(sleeper("alpha") + sleeper("beta"));
  RunResult r = tend({"reload-config"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, config_ + ":\n  = alpha unchanged\n  + beta (1 instance)\n");
}

TEST_F(ApplyTest, ProcfileRunsEachTypeThroughAShellWithForemansPorts) {
  std::string dir = home_ + "/cfg";
  std::ofstream(dir + "/Procfile") << "# a comment\n"
                                   << "web: echo \"port=$PORT\"; exec " << helper_path("t_sleep") << " "
                                   << marker("web") << "\n"
                                   << "worker: echo \"port=$PORT greeting=$GREETING\"; exec "
                                   << helper_path("t_sleep") << " " << marker("worker") << "\n";
  std::ofstream(dir + "/.env") << "GREETING=hello\n" << tag_key() << "=" << tag_value() << "\n";
  RunResult r = tend({"apply", "-f", dir + "/Procfile"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "+ web (1 instance)\n+ worker (1 instance)\n");
  EXPECT_TRUE(wait_log_contains("web", 0, "port=5000", Ms(10000))) << log_text("web");
  EXPECT_TRUE(wait_log_contains("worker", 0, "port=5100 greeting=hello", Ms(10000))) << log_text("worker");
  auto web = find_instance("web");
  ASSERT_TRUE(web);
  EXPECT_EQ((*web)["command"][0], "/bin/sh");
}

TEST_F(ApplyTest, ImportedFilesValidate) {
  for (const auto& [kind, fixture] :
       {std::pair<std::string, std::string>{"pm2", "ecosystem.config.json"}, {"supervisord", "supervisord.conf"}}) {
    RunResult imported = tend({"import", kind, std::string(TEND_TEST_DATA_DIR) + "/config/" + fixture});
    ASSERT_EQ(imported.exit_code, 0) << imported.describe();
    std::string path = home_ + "/cfg/" + kind + ".toml";
    std::ofstream(path) << imported.out;
    RunResult r = tend({"apply", "--dry-run", "-f", path});
    EXPECT_EQ(r.exit_code, 0) << kind << ": " << r.describe();
    EXPECT_NE(r.out.find("(dry run: nothing was changed)"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("\n- "), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace tend::e2e
