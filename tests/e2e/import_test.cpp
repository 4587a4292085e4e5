// `tend import pm2|supervisord FILE`: the converted tend.toml on stdout and nothing else, exit 1 for a file
// that cannot be read, 2 for malformed input, and never a daemon.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "harness.h"

namespace tend::e2e {
namespace {

class ImportTest : public TendTest {
 protected:
  // tests/data/config, found from this file's path: the e2e binary is given no data directory.
  static std::string data(const std::string& name) {
    return (std::filesystem::path(__FILE__).parent_path().parent_path() / "data" / "config" / name).string();
  }

  std::string write(const std::string& name, const std::string& content) {
    std::string path = home_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  void expect_no_daemon() {
    EXPECT_FALSE(file_exists(home_ + "/tend.sock")) << "import must not start a daemon";
    EXPECT_EQ(daemon_pid(), 0);
  }
};

bool node_on_path() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = std::min(dirs.find(':', start), dirs.size());
    std::string dir = dirs.substr(start, end - start);
    if (!dir.empty() && ::access((dir + "/node").c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

TEST_F(ImportTest, Pm2JsonPrintsTheExpectedToml) {
  // The fixture was converted for a 4-CPU machine ("instances": "max" and -1).
  RunResult r = tend({"import", "pm2", "--cpus", "4", data("ecosystem.config.json")});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, read_file(data("ecosystem.expected.toml")));
  EXPECT_EQ(r.err, "");
  expect_no_daemon();
}

TEST_F(ImportTest, Pm2InstancesMaxIsThisMachinesCpuCountByDefault) {
  RunResult r = tend({"import", "pm2", data("ecosystem.config.json")});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  EXPECT_NE(
      r.out.find("[programs.api]\ncommand = [\"node\", \"--max-old-space-size=512\", \"./dist/server.js\", "
                 "\"--port\", \"3000\"]\ncwd = \"/srv/api\"\ninstances = " +
                 std::to_string(cpus) + "\n"),
      std::string::npos)
      << r.out;
}

TEST_F(ImportTest, Pm2JsIsEvaluatedByNode) {
  if (!node_on_path()) GTEST_SKIP() << "node is not on PATH";
  RunResult r = tend({"import", "pm2", "--cpus", "4", data("ecosystem.config.js")});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, read_file(data("ecosystem.expected.toml")));
  EXPECT_EQ(r.err, "");
  expect_no_daemon();
}

TEST_F(ImportTest, Pm2JsMayBeAnEsModule) {
  if (!node_on_path()) GTEST_SKIP() << "node is not on PATH";
  write("package.json", "{\"type\": \"module\"}\n");
  std::string file =
      write("ecosystem.config.js",
            "const port = 8000 + 80;\n"
            "export default { apps: [{ name: 'web', script: './web', args: ['--port', port] }] };\n");
  RunResult r = tend({"import", "pm2", file});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("[programs.web]\ncommand = [\"./web\", \"--port\", \"8080\"]\n"), std::string::npos)
      << r.out;
}

TEST_F(ImportTest, Pm2JsWithASyntaxErrorExits2WithNodesMessage) {
  if (!node_on_path()) GTEST_SKIP() << "node is not on PATH";
  std::string file = write("broken.config.js",
                           "module.exports = {\n"
                           "  apps: [\n"
                           "    { name: 'api', script: 'server.js' \n"
                           "  ]\n"
                           "};\n");
  RunResult r = tend({"import", "pm2", file});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(
      r.err.rfind("tend: unable to evaluate " + file + " with node (exit status 1):\n" + file + ":4\n", 0),
      0u)
      << r.err;
  EXPECT_NE(r.err.find("SyntaxError: Unexpected token ']'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("node:internal"), std::string::npos) << "node's own stack frames are left out:\n"
                                                            << r.err;
}

TEST_F(ImportTest, Pm2JsWhoseExportsAreNoEcosystemExits2) {
  if (!node_on_path()) GTEST_SKIP() << "node is not on PATH";
  std::string file = write("empty.config.cjs", "module.exports = () => ({ apps: [] });\n");
  RunResult r = tend({"import", "pm2", file});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "tend: " + file +
                       ": unable to import pm2 ecosystem: expected {\"apps\": [...]} or an array of apps\n");
}

TEST_F(ImportTest, Pm2JsWithoutNodeExits1AndSaysWhatToDo) {
  std::string empty_dir = home_ + "/empty-bin";
  ASSERT_EQ(::mkdir(empty_dir.c_str(), 0700), 0);
  RunResult r = tend_with_env({"PATH=" + empty_dir}, {"import", "pm2", data("ecosystem.config.js")});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("which is not on PATH (exec node: No such file or directory); install Node.js, or "
                       "convert the file to JSON"),
            std::string::npos)
      << r.err;
}

TEST_F(ImportTest, Pm2MalformedJsonExits2WithLineAndColumn) {
  std::string file = write("ecosystem.json",
                           "{\n"
                           "  \"apps\": [\n"
                           "    {\"name\": \"a\",, \"script\": \"a.js\"}\n"
                           "  ]\n"
                           "}\n");
  RunResult r = tend({"import", "pm2", file});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "tend: " + file +
                       ":3:18: syntax error while parsing object key - unexpected ','; expected string "
                       "literal\n");
}

TEST_F(ImportTest, Pm2JsonMayHaveComments) {
  // pm2 evaluates a .json ecosystem as JavaScript, so files in the wild carry comments.
  std::string file = write("ecosystem.json",
                           "// the api\n{\"apps\": [{\"name\": \"a\", /* main */ \"script\": \"./a\"}]}\n");
  RunResult r = tend({"import", "pm2", file});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("[programs.a]\ncommand = [\"./a\"]\n"), std::string::npos) << r.out;
}

TEST_F(ImportTest, Pm2JsonNestedAbsurdlyDeepExits2) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  std::string file = write("ecosystem.json", "{\"apps\": " + deep + "}\n");
  RunResult r = tend({"import", "pm2", file});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "tend: " + file + ": nests deeper than 256 levels\n");
}

TEST_F(ImportTest, Pm2EcosystemWithoutAppsExits2) {
  std::string file = write("ecosystem.json", "{\"apps\": 3}\n");
  RunResult r = tend({"import", "pm2", file});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "tend: " + file +
                       ": unable to import pm2 ecosystem: expected {\"apps\": [...]} or an array of apps\n");
}

TEST_F(ImportTest, MissingFileExits1) {
  std::string missing = home_ + "/no-such.json";
  for (const char* kind : {"pm2", "supervisord"}) {
    RunResult r = tend({"import", kind, missing});
    EXPECT_EQ(r.exit_code, 1) << kind << ": " << r.describe();
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "tend: " + missing + ": No such file or directory\n") << kind;
  }
  RunResult js = tend({"import", "pm2", home_ + "/no-such.config.js"});
  EXPECT_EQ(js.exit_code, 1) << js.describe();
  EXPECT_EQ(js.err, "tend: " + home_ + "/no-such.config.js: No such file or directory\n");
}

TEST_F(ImportTest, SupervisordPrintsTheExpectedToml) {
  // The expected file was converted with %(here)s = /etc/supervisor, PATH=/usr/bin:/bin and host name box1;
  // here they are the copy's directory, the client's PATH and this machine's name.
  std::string dir = home_ + "/etc";
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  std::string conf = dir + "/supervisord.conf";
  std::filesystem::copy_file(data("supervisord.conf"), conf);
  char host[256] = {};
  ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
  std::string expected = read_file(data("supervisord.expected.toml"));
  expected =
      replace_all(replace_all(expected, "/etc/supervisor", dir), "@box1\"", std::string("@") + host + "\"");

  RunResult r = tend_with_env({"PATH=/usr/bin:/bin"}, {"import", "supervisord", conf});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, expected);
  EXPECT_EQ(r.err, "");
  expect_no_daemon();
}

TEST_F(ImportTest, SupervisordMalformedIniExits2WithItsLine) {
  std::string conf = write("supervisord.conf", "[program:web]\ncommand=/srv/web\nthis is not a key\n");
  RunResult r = tend({"import", "supervisord", conf});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "tend: " + conf +
                ": unable to import supervisord config: line 3: expected `key = value` or a [section]\n");
}

TEST_F(ImportTest, ImportNeedsAKindAndAFile) {
  EXPECT_EQ(tend({"import"}).exit_code, 2);
  EXPECT_EQ(tend({"import", "pm2"}).exit_code, 2);
  EXPECT_EQ(tend({"import", "upstart", "x"}).exit_code, 2);
}

}  // namespace
}  // namespace tend::e2e
