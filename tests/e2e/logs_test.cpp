// Log capture: complete, stamped, ordered lines; the last words before a crash; tail with prefixes; raw mode;
// rotation by size and on demand; long lines; following; a chatty child does not starve the daemon.
#include <signal.h>
#include <sys/stat.h>

#include <cctype>
#include <ctime>

#include "harness.h"

namespace tend::e2e {
namespace {

using LogsTest = TendTest;

// "YYYY-MM-DDTHH:MM:SS.mmmZ " (checked by hand: std::regex recurses per character and overflows the stack on
// 64 KiB lines).
bool has_stamp(const std::string& line) {
  static const std::string shape = "dddd-dd-ddTdd:dd:dd.dddZ ";
  if (line.size() < shape.size()) return false;
  for (size_t i = 0; i < shape.size(); ++i) {
    bool ok = shape[i] == 'd' ? std::isdigit(static_cast<unsigned char>(line[i])) != 0 : line[i] == shape[i];
    if (!ok) return false;
  }
  return true;
}

// Splits "<stamp> text" lines; fails the test on a line without a valid stamp.
std::vector<std::string> unstamp(const std::vector<std::string>& lines,
                                 std::vector<std::string>* stamps = nullptr) {
  std::vector<std::string> out;
  for (const auto& line : lines) {
    if (!has_stamp(line)) {
      ADD_FAILURE() << "not stamped as \"YYYY-MM-DDTHH:MM:SS.mmmZ text\": \"" << line << "\"";
      out.push_back(line);
      continue;
    }
    out.push_back(line.substr(25));
    if (stamps) stamps->push_back(line.substr(0, 24));
  }
  return out;
}

std::vector<std::string> numbered(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i <= to; ++i) out.push_back("line " + std::to_string(i));
  return out;
}

off_t file_size(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

TEST_F(LogsTest, LinesAreCompleteStampedAndInOrder) {
  ASSERT_EQ(start("lines", "t_lines", {"3000"}, {"--restart", "never"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"lines"}, "exited"));
  std::vector<std::string> stamps;
  auto text = unstamp(split_lines(log_text("lines")), &stamps);
  EXPECT_EQ(text, numbered(1, 3000));
  EXPECT_TRUE(std::is_sorted(stamps.begin(), stamps.end())) << "stamps go forward";
  ASSERT_FALSE(stamps.empty());
  std::tm tm{};
  ASSERT_NE(strptime(stamps.front().c_str(), "%Y-%m-%dT%H:%M:%S", &tm), nullptr);
  long long skew = static_cast<long long>(timegm(&tm)) - static_cast<long long>(time(nullptr));
  EXPECT_LT(std::llabs(skew), 3600) << "stamp is UTC wall time of reading: " << stamps.front();
}

TEST_F(LogsTest, LastPartialLineBeforeACrashIsKept) {
  ASSERT_EQ(start("crash", "t_lines", {"3", "--partial", "last words", "--abort"}, {"--restart", "never"})
                .exit_code,
            0);
  ASSERT_TRUE(wait_state({"crash"}, "exited"));
  auto text = unstamp(split_lines(log_text("crash")));
  EXPECT_EQ(text, (std::vector<std::string>{"line 1", "line 2", "line 3", "last words"}));
  auto inst = find_instance("crash");
  ASSERT_TRUE(inst);
  EXPECT_EQ((*inst)["exit_signal"], "SIGABRT") << inst->dump();
}

TEST_F(LogsTest, LastLinesOnStderrBeforeAnExitAreKept) {
  ASSERT_EQ(
      start("errs", "t_lines", {"500", "--err", "--partial", "bye", "--exit", "3"}, {"--restart", "never"})
          .exit_code,
      0);
  ASSERT_TRUE(wait_state({"errs"}, "exited"));
  auto expected = numbered(1, 500);
  expected.push_back("bye");
  EXPECT_EQ(unstamp(split_lines(log_text("errs", 0, "err"))), expected);
  EXPECT_TRUE(log_text("errs", 0, "out").empty());
  EXPECT_EQ((*find_instance("errs"))["exit_code"], 3);

  RunResult r = tend({"logs", "errs", "--stream", "err", "-n", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  auto lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0].rfind("errs:0|", 0), 0u) << lines[0];
  EXPECT_EQ(unstamp({lines[0].substr(7), lines[1].substr(7)}), (std::vector<std::string>{"line 500", "bye"}));
}

TEST_F(LogsTest, TailGivesLastNLinesWithPrefix) {
  ASSERT_EQ(start("tail", "t_lines", {"50"}, {"--restart", "never"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"tail"}, "exited"));
  RunResult r = tend({"logs", "tail", "-n", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  auto lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  std::vector<std::string> rest;
  for (const auto& l : lines) {
    EXPECT_EQ(l.rfind("tail:0|", 0), 0u) << l;
    rest.push_back(l.substr(std::min(l.size(), size_t{7})));
  }
  EXPECT_EQ(unstamp(rest), numbered(46, 50));

  r = tend({"logs", "tail"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(split_lines(r.out).size(), 20u) << "default -n is 20";

  r = tend({"logs", "tail:0", "-n", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(split_lines(r.out).size(), 1u) << r.out;
}

TEST_F(LogsTest, LogsWithoutNameCoversEveryProgram) {
  ASSERT_EQ(start("one", "t_lines", {"2"}, {"--restart", "never"}).exit_code, 0);
  ASSERT_EQ(start("two", "t_lines", {"2"}, {"--restart", "never", "--instances", "2"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"one", "two"}, "exited"));
  RunResult r = tend({"logs"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  for (auto prefix : {"one:0|", "two:0|", "two:1|"})
    EXPECT_NE(r.out.find(prefix), std::string::npos) << r.out;
}

TEST_F(LogsTest, LogTimeFalseStoresRawLines) {
  ASSERT_EQ(start("raw", "t_lines", {"10"}, {"--restart", "never", "--log-time", "false"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"raw"}, "exited"));
  EXPECT_EQ(split_lines(log_text("raw")), numbered(1, 10));
  RunResult r = tend({"logs", "raw", "-n", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "raw:0|line 9\nraw:0|line 10\n");
}

TEST_F(LogsTest, RotatesKeepingNFiles) {
  // ~1 MB of stamped lines against a 4K limit: several rotations whatever the daemon's write granularity.
  ASSERT_EQ(
      start("rot", "t_lines", {"30000"}, {"--restart", "never", "--log-max-size", "4K", "--log-keep", "1"})
          .exit_code,
      0);
  ASSERT_TRUE(wait_state({"rot"}, "exited"));
  std::string base = log_path("rot");
  ASSERT_TRUE(file_exists(base + ".1"));
  EXPECT_FALSE(file_exists(base + ".2")) << "--log-keep 1";
  // The kept files hold the newest lines, contiguous and in order.
  auto all = unstamp(split_lines(read_file(base + ".1") + read_file(base)));
  ASSERT_FALSE(all.empty());
  int first = std::atoi(all.front().c_str() + 5);
  EXPECT_GT(first, 1) << "older lines were dropped";
  EXPECT_EQ(all, numbered(first, 30000));
}

TEST_F(LogsTest, RotatedFilesRespectTheSizeLimit) {
  // A burst of 3000 lines (~29 KB raw) against a 4K limit with 2 kept files: each file holds at most the
  // limit (plus the line that crossed it), and the newest lines survive.
  ASSERT_EQ(start("rot", "t_lines", {"3000"},
                  {"--restart", "never", "--log-time", "false", "--log-max-size", "4K", "--log-keep", "2"})
                .exit_code,
            0);
  ASSERT_TRUE(wait_state({"rot"}, "exited"));
  std::string base = log_path("rot");
  for (auto suffix : {"", ".1", ".2"})
    EXPECT_LE(file_size(base + suffix), 4096 + 16) << base << suffix << " is over --log-max-size 4K";
  EXPECT_TRUE(file_exists(base + ".1"));
  EXPECT_TRUE(file_exists(base + ".2"));
  EXPECT_FALSE(file_exists(base + ".3")) << "--log-keep 2";
  auto all = split_lines(read_file(base + ".2") + read_file(base + ".1") + read_file(base));
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.back(), "line 3000");
}

TEST_F(LogsTest, RotateOnDemand) {
  ASSERT_EQ(start("sig", "t_sigreport", {}, {"--log-time", "false"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("sig", 0, "ready\n", Ms(5000)));
  ASSERT_EQ(tend({"signal", "USR1", "sig"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("sig", 0, "got SIGUSR1 1\n", Ms(5000)));
  RunResult r = tend({"logs", "sig", "--rotate"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(read_file(log_path("sig") + ".1"), "ready\ngot SIGUSR1 1\n");
  EXPECT_EQ(log_text("sig"), "");
  ASSERT_EQ(tend({"signal", "USR1", "sig"}).exit_code, 0);
  EXPECT_TRUE(wait_log_contains("sig", 0, "got SIGUSR1 2\n", Ms(5000))) << "new lines go to the fresh file";
  EXPECT_EQ(log_text("sig"), "got SIGUSR1 2\n");
  EXPECT_EQ(read_file(log_path("sig") + ".1"), "ready\ngot SIGUSR1 1\n");
}

TEST_F(LogsTest, LinesOver64KiBAreSplitNotLost) {
  const int bytes = 200000;
  ASSERT_EQ(start("long", "t_longline", {std::to_string(bytes)}, {"--restart", "never"}).exit_code, 0);
  ASSERT_TRUE(wait_state({"long"}, "exited"));
  auto lines = unstamp(split_lines(log_text("long")));
  ASSERT_GE(lines.size(), 5u) << "200000 bytes need at least 4 pieces of 64 KiB, then \"end\"";
  EXPECT_EQ(lines.back(), "end");
  std::string joined;
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), 65536u);
    joined += lines[i];
  }
  ASSERT_EQ(joined.size(), static_cast<size_t>(bytes));
  for (int i = 0; i < bytes; ++i)
    if (joined[i] != '0' + i % 10) {
      ADD_FAILURE() << "content differs at byte " << i;
      break;
    }
}

TEST_F(LogsTest, FollowStreamsNewLines) {
  ASSERT_EQ(start("fol", "t_sigreport", {}, {"--log-time", "false"}).exit_code, 0);
  ASSERT_TRUE(wait_log_contains("fol", 0, "ready\n", Ms(5000)));
  Spawned follower = spawn_process({TEND_BINARY, "logs", "fol", "-f"}, env());
  std::string seen;
  EXPECT_TRUE(read_stdout_until(follower, seen, "fol:0|ready\n", Ms(5000))) << seen;
  ASSERT_EQ(tend({"signal", "USR1", "fol"}).exit_code, 0);
  EXPECT_TRUE(read_stdout_until(follower, seen, "fol:0|got SIGUSR1 1\n", Ms(5000))) << seen;
  ASSERT_EQ(tend({"signal", "USR2", "fol"}).exit_code, 0);
  EXPECT_TRUE(read_stdout_until(follower, seen, "fol:0|got SIGUSR2 2\n", Ms(5000))) << seen;
  kill(follower.pid, SIGINT);
  RunResult r = finish_process(follower, Ms(5000));
  EXPECT_FALSE(r.timed_out) << "logs -f ends on Ctrl-C";
}

TEST_F(LogsTest, ChattyChildDoesNotStarveTheDaemon) {
  ASSERT_EQ(start("flood", "t_flood", {}, {"--log-time", "false", "--log-max-size", "1M", "--log-keep", "1"})
                .exit_code,
            0);
  ASSERT_TRUE(wait_until([&] { return file_size(log_path("flood")) > 0; }, Ms(5000)));
  pid_t daemon = daemon_pid();
  for (int i = 0; i < 3; ++i) {
    RunResult r = tend({"ls", "--json"}, Ms(10000));
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_LT(r.elapsed.count(), 5000) << "ls must be served while a child floods its log";
  }
  ASSERT_EQ(start("quiet", "t_sleep").exit_code, 0);
  EXPECT_TRUE(wait_state({"quiet"}, "running", Ms(5000)));
  EXPECT_TRUE(wait_log_contains("quiet", 0, "ready", Ms(5000)));
  RunResult r = tend({"stop", "flood"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(daemon_pid(), daemon);
  EXPECT_FALSE(file_exists(log_path("flood") + ".2")) << "--log-keep 1";
  EXPECT_LE(file_size(log_path("flood") + ".1"), 1024 * 1024 + 100);
}

}  // namespace
}  // namespace tend::e2e
