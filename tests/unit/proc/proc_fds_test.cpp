#include "proc/proc_fds.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "proc/proc_files.h"
#include "proc_fixtures.h"
#include "util/unique_fd.h"

namespace tend {
namespace {

using proc_testing::fixture;

const ProcFd* find_fd(const std::vector<ProcFd>& fds, int fd) {
  auto it = std::find_if(fds.begin(), fds.end(), [&](const ProcFd& f) { return f.fd == fd; });
  return it == fds.end() ? nullptr : &*it;
}

TEST(ProcFdsTest, ClassifiesLinkTargets) {
  EXPECT_EQ(classify_fd_target("/dev/null"), FdKind::file);
  EXPECT_EQ(classify_fd_target("/tmp/x (deleted)"), FdKind::file);
  EXPECT_EQ(classify_fd_target("/memfd:buf (deleted)"), FdKind::file);
  EXPECT_EQ(classify_fd_target("pipe:[123]"), FdKind::pipe);
  EXPECT_EQ(classify_fd_target("socket:[456]"), FdKind::socket);
  EXPECT_EQ(classify_fd_target("anon_inode:[eventfd]"), FdKind::anon_inode);
  EXPECT_EQ(classify_fd_target("anon_inode:inotify"), FdKind::anon_inode);
  EXPECT_EQ(classify_fd_target("net:[4026531840]"), FdKind::other);
  EXPECT_EQ(classify_fd_target(""), FdKind::other);
  EXPECT_EQ(fd_kind_name(FdKind::anon_inode), "anon_inode");
  EXPECT_EQ(fd_kind_name(FdKind::socket), "socket");
}

TEST(ProcFdsTest, ParsesFdinfo) {
  auto stdin_info = parse_fdinfo(fixture("cat_stdin.fdinfo"));
  ASSERT_TRUE(stdin_info.ok()) << stdin_info.error().message;
  EXPECT_EQ(stdin_info->pos, 0u);
  EXPECT_EQ(stdin_info->flags, 0100000);  // O_LARGEFILE, read-only
  EXPECT_EQ(describe_open_flags(stdin_info->flags), "r");
  auto eventfd_info = parse_fdinfo(fixture("eventfd.fdinfo"));
  ASSERT_TRUE(eventfd_info.ok()) << eventfd_info.error().message;
  EXPECT_EQ(describe_open_flags(eventfd_info->flags), "rw,nonblock,cloexec");
  EXPECT_EQ(describe_open_flags(O_WRONLY | O_APPEND), "w,append");
  EXPECT_FALSE(parse_fdinfo("pos:\t0\n").ok());
  EXPECT_FALSE(parse_fdinfo("pos:\t0\nflags:\t09\n").ok());  // octal
}

TEST(ProcFdsTest, ListsItsOwnDescriptorsByKind) {
  int p[2], s[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s), 0);
  UniqueFd pipe_r(p[0]), pipe_w(p[1]), sock_a(s[0]), sock_b(s[1]);
  UniqueFd event(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  UniqueFd file(::open("/dev/null", O_WRONLY | O_APPEND | O_CLOEXEC));
  ASSERT_TRUE(event && file);

  auto fds = read_proc_fds(::getpid());
  ASSERT_TRUE(fds.ok()) << fds.error().message;
  ASSERT_TRUE(std::is_sorted(fds->begin(), fds->end(), [](auto& a, auto& b) { return a.fd < b.fd; }));
  ASSERT_NE(find_fd(*fds, pipe_w.get()), nullptr);
  EXPECT_EQ(find_fd(*fds, pipe_w.get())->kind, FdKind::pipe);
  EXPECT_EQ(find_fd(*fds, sock_a.get())->kind, FdKind::socket);
  EXPECT_EQ(find_fd(*fds, event.get())->kind, FdKind::anon_inode);
  EXPECT_EQ(find_fd(*fds, event.get())->target, "anon_inode:[eventfd]");
  const ProcFd* null = find_fd(*fds, file.get());
  ASSERT_NE(null, nullptr);
  EXPECT_EQ(null->target, "/dev/null");
  EXPECT_EQ(null->kind, FdKind::file);
  ASSERT_TRUE(null->info.has_value());
  EXPECT_EQ(describe_open_flags(null->info->flags), "w,append,cloexec");
  // The reader's own directory descriptors are closed again and were not reported.
  for (const ProcFd& f : *fds) EXPECT_NE(::fcntl(f.fd, F_GETFD), -1) << f.fd << " " << f.target;

  auto count = count_proc_fds(::getpid());
  ASSERT_TRUE(count.ok()) << count.error().message;
  EXPECT_EQ(*count, int(fds->size()));

  auto without_info = read_proc_fds(::getpid(), false);
  ASSERT_TRUE(without_info.ok());
  EXPECT_FALSE(find_fd(*without_info, file.get())->info.has_value());
}

TEST(ProcFdsTest, AZombieHasNoneAndAReapedProcessVanished) {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, id_t(child), &info, WEXITED | WNOWAIT), 0);  // a zombie now, not reaped
  auto zombie = read_proc_fds(child);
  ASSERT_TRUE(zombie.ok()) << zombie.error().message;
  EXPECT_TRUE(zombie->empty());
  auto zombie_count = count_proc_fds(child);  // a size of 0: counted by listing, as on older kernels
  ASSERT_TRUE(zombie_count.ok()) << zombie_count.error().message;
  EXPECT_EQ(*zombie_count, 0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  auto gone = read_proc_fds(child);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, kProcVanished);
  EXPECT_EQ(count_proc_fds(child).error().code, kProcVanished);
}

}  // namespace
}  // namespace tend
