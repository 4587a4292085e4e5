// tend job logs ID [-f] [--stream out|err]: the job's stdout to our stdout, its stderr to our stderr.
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/job_cli.h"
#include "util/unique_fd.h"

namespace tend::cli {

namespace {

using nlohmann::json;

/// One log file read from where we stopped; the file may not exist until the job first starts.
struct Tail {
  std::string path;
  int out_fd;  // where its bytes go
  UniqueFd fd;
  bool copy() {
    if (!fd) fd.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return false;
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return true;
      for (ssize_t done = 0; done < n;) {
        ssize_t w = ::write(out_fd, buf + done, size_t(n - done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        done += w;
      }
    }
  }
};

int show_logs(std::int64_t id, bool follow, const std::string& stream) {
  if (!stream.empty() && stream != "out" && stream != "err") {
    print_error(fmt::format("invalid --stream '{}': expected out or err", stream));
    return kUsage;
  }
  auto client = connect_or_start();
  if (!client) {
    print_error(client.error().message);
    return kUnreachable;
  }
  json job;
  if (int rc = call_on(*client, "job-show", {{"id", id}}, &job); rc != kOk) return rc;
  std::vector<Tail> tails;
  if (stream != "err") tails.push_back({job["out_log"].get<std::string>(), STDOUT_FILENO, {}});
  if (stream != "out") tails.push_back({job["err_log"].get<std::string>(), STDERR_FILENO, {}});
  bool ended = job["state"] != "queued" && job["state"] != "running" && job["state"] != "suspended";
  if (!follow || ended) {
    for (auto& t : tails) t.copy();
    return kOk;
  }
  // Follow: watch the log directory (the files appear at the first start), copy what is there, and stop
  // once the daemon says the job has ended, after a last copy.
  std::string dir = tails[0].path.substr(0, tails[0].path.rfind('/'));
  UniqueFd notify(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!notify || ::inotify_add_watch(notify.get(), dir.c_str(), IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE) < 0) {
    print_error(fmt::format("unable to watch {}: {}", dir, strerror(errno)));
    return kFailed;
  }
  for (auto& t : tails) t.copy();
  auto sent = client->send("job-wait", {{"ids", {id}}});
  if (!sent) {
    print_error(sent.error().message);
    return kUnreachable;
  }
  for (;;) {
    pollfd fds[2] = {{notify.get(), POLLIN, 0}, {client->fd(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      print_error(fmt::format("unable to wait for the job's output: {}", strerror(errno)));
      return kFailed;
    }
    if (fds[0].revents & POLLIN) {
      char events[4096];
      while (::read(notify.get(), events, sizeof events) > 0) {
      }
      for (auto& t : tails) t.copy();
    }
    if (fds[1].revents & (POLLIN | POLLHUP)) {
      auto msg = client->read_message();  // the job-wait answer: the job has ended
      for (auto& t : tails) t.copy();
      if (!msg) {
        print_error(msg.error().message);
        return kUnreachable;
      }
      return kOk;
    }
  }
}

}  // namespace

void add_job_logs(CLI::App& job, Context& ctx) {
  struct LogsOptions {
    std::int64_t id = 0;
    bool follow = false;
    std::string stream;
  };
  auto o = std::make_shared<LogsOptions>();
  auto* cmd = job.add_subcommand("logs", "A job's output: its stdout to stdout, its stderr to stderr; -f follows");
  cmd->add_option("id", o->id, "Job id")->required();
  cmd->add_flag("-f,--follow", o->follow, "Keep printing new output until the job ends");
  cmd->add_option("--stream", o->stream, "out or err (default: both)");
  cmd->callback([&ctx, o] { ctx.action = [o] { return show_logs(o->id, o->follow, o->stream); }; });
}

}  // namespace tend::cli
