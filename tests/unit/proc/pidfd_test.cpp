#include "proc/pidfd.h"

#include <gtest/gtest.h>
#include <signal.h>

#include "proc/spawn.h"
#include "proc_test_support.h"

namespace tend {
namespace {

using namespace proc_testing;

Result<SpawnedChild> spawn_quiet(std::vector<std::string> argv, const Pipe& out) {
  SpawnRequest request;
  request.argv = std::move(argv);
  request.stdout_fd = out.write.get();
  request.stderr_fd = out.write.get();
  return spawn(request);
}

TEST(PidfdTest, OpensAndSignalsALiveProcess) {
  Pipe out = make_pipe();
  auto child = spawn_quiet({"/usr/bin/sleep", "infinity"}, out);
  ASSERT_TRUE(child.ok()) << child.error().message;
  auto fd = pidfd_open(child->pid);
  ASSERT_TRUE(fd.ok()) << fd.error().message;
  EXPECT_EQ(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  EXPECT_FALSE(wait_for(fd->get(), POLLIN, milliseconds(0)));
  ASSERT_TRUE(pidfd_signal(fd->get(), SIGKILL).ok());
  int status = wait_exit(child->pid, fd->get());
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

// Kernel behaviour the daemon relies on: an exited but unreaped child (a zombie) still accepts signals,
// so a stop racing with an exit does not see an error until the child is reaped.
TEST(PidfdTest, ZombieAcceptsSignalsUntilReaped) {
  Pipe out = make_pipe();
  auto child = spawn_quiet({"/bin/true"}, out);
  ASSERT_TRUE(child.ok()) << child.error().message;
  ASSERT_TRUE(wait_for(child->pidfd.get(), POLLIN));
  EXPECT_TRUE(pidfd_signal(child->pidfd.get(), SIGTERM).ok());
  EXPECT_EQ(wait_exit(*child), 0);
  EXPECT_FALSE(pidfd_signal(child->pidfd.get(), SIGTERM).ok());
}

TEST(PidfdTest, SignalAfterReapGivesEsrch) {
  Pipe out = make_pipe();
  auto child = spawn_quiet({"/bin/true"}, out);
  ASSERT_TRUE(child.ok()) << child.error().message;
  pid_t pid = child->pid;
  EXPECT_EQ(wait_exit(*child), 0);
  auto sent = pidfd_signal(child->pidfd.get(), SIGTERM);
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code, ESRCH);
  EXPECT_EQ(sent.error().message, "unable to send SIGTERM through pidfd: No such process");

  auto reopened = pidfd_open(pid);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.error().code, ESRCH);
}

}  // namespace
}  // namespace tend
