#include "inspect/orphan_origin.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tend {
namespace {

const std::vector<OriginCandidate> kInstances{
    {"web:0", "/sys/fs/cgroup/unified/tend-0-1234abcd/web-0", 4711},
    {"web:1", "/sys/fs/cgroup/unified/tend-0-1234abcd/web-1", 4712},
    {"db:0", "", 4800},  // no cgroup (fallback mode)
};

TEST(OrphanOriginTest, ReadsTheV2LineOfProcCgroup) {
  EXPECT_EQ(cgroup_v2_path("12:pids:/\n1:name=systemd:/user.slice\n0::/tend-0-1234abcd/web-1\n"),
            "/tend-0-1234abcd/web-1");
  EXPECT_EQ(cgroup_v2_path("0::/\n"), "/");
  EXPECT_EQ(cgroup_v2_path("4:memory:/x\n"), std::nullopt);
}

TEST(OrphanOriginTest, TheCgroupDecidesFirst) {
  OrphanFacts facts{"/tend-0-1234abcd/web-1", 4711, 4711};  // its group says web:0, its cgroup web:1
  EXPECT_EQ(match_origin(facts, kInstances), "web:1");
  facts.cgroup = "/tend-0-1234abcd/web-1/nested-by-the-program";
  EXPECT_EQ(match_origin(facts, kInstances), "web:1");
}

TEST(OrphanOriginTest, ThenTheProcessGroupOrSession) {
  EXPECT_EQ(match_origin({"/", 4800, 4800}, kInstances), "db:0");
  EXPECT_EQ(match_origin({"", 9999, 4800}, kInstances), "db:0");  // left the group, kept the session
  EXPECT_EQ(match_origin({"/", 9999, 9999}, kInstances), std::nullopt);  // setsid: unknown
  EXPECT_EQ(match_origin({"/tend-0-1234abcd/other-0", 9999, 9999}, kInstances), std::nullopt);
}

TEST(OrphanOriginTest, ReadsTheFactsOfAZombieBeforeItIsReaped) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  siginfo_t info{};
  ASSERT_EQ(waitid(P_PID, id_t(child), &info, WEXITED | WNOWAIT), 0);  // a zombie now
  auto facts = read_orphan_facts(child);
  ASSERT_TRUE(facts) << facts.error().message;
  EXPECT_EQ(facts->pgrp, getpgrp());
  EXPECT_EQ(facts->session, getsid(0));
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  EXPECT_FALSE(read_orphan_facts(child));
}

}  // namespace
}  // namespace tend
