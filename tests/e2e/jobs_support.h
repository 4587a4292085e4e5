#pragma once
// Shared by the job end-to-end tests: submitting helper programs as jobs, reading `job show --json`, and the
// record file t_work appends "start NAME PID" / "end NAME" lines to (its order is the order of events).
#include <algorithm>
#include <string>
#include <vector>

#include "harness.h"

namespace tend::e2e {

class JobsTest : public TendTest {
 protected:
  std::string record() const { return home_ + "/record"; }

  /// `tend job submit OPTIONS -- <helper> ARGS`; the job id it printed, or -1 (the test failed).
  long submit(const std::vector<std::string>& options, const std::string& helper,
              const std::vector<std::string>& args = {}) {
    std::vector<std::string> argv{"job", "submit"};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back("--");
    argv.push_back(helper_path(helper));
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = tend(argv);
    if (r.exit_code != 0) {
      ADD_FAILURE() << "job submit: " << r.describe();
      return -1;
    }
    return std::atol(r.out.c_str());
  }
  /// A t_work job named NAME doing WORK (CPU units, or sMS).
  long work(const std::string& name, const std::string& units, const std::vector<std::string>& options = {}) {
    return submit(options, "t_work", {record(), name, units});
  }

  Json show(long id) {
    RunResult r = tend({"job", "show", std::to_string(id), "--json"});
    if (r.exit_code != 0) {
      ADD_FAILURE() << "job show: " << r.describe();
      return Json::object();
    }
    Json j = Json::parse(r.out, nullptr, false);
    if (j.is_discarded()) ADD_FAILURE() << "job show --json is not JSON: " << r.out;
    if (j.contains("pid") && j["pid"].is_number_integer()) track_group(j["pid"].get<pid_t>());
    return j;
  }
  std::string state(long id) { return show(id).value("state", "?"); }
  bool wait_job(long id, const std::string& wanted, Ms deadline = Ms(20000)) {
    bool ok = wait_until([&] { return state(id) == wanted; }, deadline, Ms(20));
    if (!ok) ADD_FAILURE() << "job " << id << " never became " << wanted << ": " << show(id).dump();
    return ok;
  }
  /// `tend job wait` for these ids (or the queue), with a generous deadline; returns its exit status.
  int wait_jobs(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"job", "wait"};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = tend(argv, Ms(90000));
    if (r.timed_out) ADD_FAILURE() << "job wait timed out: " << r.describe();
    return r.exit_code;
  }
  void queue_set(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"queue", "set"};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = tend(argv);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }
  void run_ok(const std::vector<std::string>& args) {
    RunResult r = tend(args);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }

  std::vector<std::string> records() const { return split_lines(read_file(record())); }
  /// The names in the order their "start" (or "end") lines were written.
  std::vector<std::string> order(const std::string& event) const {
    std::vector<std::string> out;
    for (const auto& line : records()) {
      if (line.rfind(event + " ", 0) != 0) continue;
      std::string rest = line.substr(event.size() + 1);
      out.push_back(rest.substr(0, rest.find(' ')));
    }
    return out;
  }
  /// Index of a line in the record, -1 when absent.
  long at(const std::string& line_prefix) const {
    auto lines = records();
    for (size_t i = 0; i < lines.size(); ++i)
      if (lines[i].rfind(line_prefix, 0) == 0 &&
          (lines[i].size() == line_prefix.size() || lines[i][line_prefix.size()] == ' '))
        return long(i);
    return -1;
  }
  /// The most jobs running at once according to the record.
  int max_concurrency() const {
    int now = 0, most = 0;
    for (const auto& line : records()) {
      if (line.rfind("start ", 0) == 0) most = std::max(most, ++now);
      if (line.rfind("end ", 0) == 0) --now;
    }
    return most;
  }
};

}  // namespace tend::e2e
