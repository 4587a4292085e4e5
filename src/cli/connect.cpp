#include <fcntl.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/cli.h"
#include "daemon/paths.h"
#include "ipc/protocol.h"

extern char** environ;

namespace tend::cli {

namespace {

bool no_daemon(const Error& e) { return e.code == ENOENT || e.code == ECONNREFUSED; }

/// Starts `tend daemon` and waits until it serves: the daemon writes one byte to a pipe (fd 3 in the
/// daemon) once its socket listens, and the pipe closes empty if it fails.
Status start_daemon(const Paths& paths) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return errno_error("unable to create a pipe");
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 3);
  char arg0[] = "tend", arg1[] = "daemon", arg2[] = "--ready-fd", arg3[] = "3";
  char* argv[] = {arg0, arg1, arg2, arg3, nullptr};
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return errno_error("unable to start the daemon", rc);
  write_end.reset();
  char byte = 0;
  ssize_t n = -1;
  while (n < 0) {
    n = ::read(read_end.get(), &byte, 1);
    if (n < 0 && errno != EINTR) break;
  }
  int status = 0;
  ::waitpid(pid, &status, 0);  // the first process exits once it has forked the daemon
  if (n == 1) return {};
  return Error{EIO, fmt::format("unable to start the daemon: see {}", paths.log_file())};
}

}  // namespace

Result<Client> connect_or_start() {
  auto paths = resolve_paths();
  if (!paths) return paths.error();
  auto client = Client::connect(paths->socket());
  if (client || !no_daemon(client.error())) return client;
  if (auto st = prepare_home(*paths); !st) return st.error();
  UniqueFd lock(::open(paths->start_lock().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock) return errno_error("unable to open " + paths->start_lock());
  // Blocks while another client is starting the daemon; that one's daemon then answers below.
  if (::flock(lock.get(), LOCK_EX) != 0) return errno_error("unable to lock " + paths->start_lock());
  client = Client::connect(paths->socket());
  if (client || !no_daemon(client.error())) return client;
  if (auto st = start_daemon(*paths); !st) return st.error();
  return Client::connect(paths->socket());
}

void print_error(std::string_view message) { fmt::print(stderr, "tend: {}\n", message); }

int call_response(std::string_view cmd, nlohmann::json args, nlohmann::json& response) {
  auto client = connect_or_start();
  if (!client) {
    print_error(client.error().message);
    return kUnreachable;
  }
  auto got = client->call(cmd, std::move(args));
  if (!got) {
    print_error(got.error().message);
    return kUnreachable;
  }
  response = std::move(*got);
  return kOk;
}

namespace {

// The message when it is an ok response; otherwise its error is printed and rc says which kind it was.
std::optional<nlohmann::json> ok_or_report(Result<nlohmann::json> msg, int& rc) {
  if (!msg) {
    print_error(msg.error().message);
    rc = kUnreachable;
    return std::nullopt;
  }
  if (!msg->value("ok", false)) {
    print_error((*msg)["error"].value("message", "unknown error"));
    rc = kFailed;
    return std::nullopt;
  }
  return std::move(*msg);
}

}  // namespace

std::optional<nlohmann::json> read_ok_message(Client& client, int& rc) {
  return ok_or_report(client.read_message(), rc);
}

int call_on(Client& client, std::string_view cmd, nlohmann::json args, nlohmann::json* result) {
  int rc = kOk;
  auto response = ok_or_report(client.call(cmd, std::move(args)), rc);
  if (!response) return rc;
  if (result) *result = std::move((*response)["result"]);
  return kOk;
}

int call(std::string_view cmd, nlohmann::json args, nlohmann::json* result) {
  nlohmann::json response;
  if (int rc = call_response(cmd, std::move(args), response); rc != kOk) return rc;
  if (!response.value("ok", false)) {
    const auto& err = response["error"];
    print_error(err.value("message", "unknown error"));
    return kFailed;
  }
  if (result) *result = std::move(response["result"]);
  return kOk;
}

}  // namespace tend::cli
