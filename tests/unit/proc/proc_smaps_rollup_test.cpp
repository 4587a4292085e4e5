#include "proc/proc_smaps_rollup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "proc/proc_files.h"
#include "proc_fixtures.h"

namespace tend {
namespace {

using proc_testing::fixture;

TEST(SmapsRollupTest, ParsesPssAndItsBreakdown) {
  auto r = parse_smaps_rollup(fixture("cat.smaps_rollup"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->rss_bytes, 1744u * 1024);
  EXPECT_EQ(r->pss_bytes, 259u * 1024);
  EXPECT_EQ(r->pss_anon_bytes, 112u * 1024);
  EXPECT_EQ(r->pss_file_bytes, 147u * 1024);
  EXPECT_EQ(r->pss_shmem_bytes, 0u);
  EXPECT_EQ(r->shared_bytes + r->private_bytes, r->rss_bytes);
  EXPECT_EQ(r->swap_bytes, 0u);
}

TEST(SmapsRollupTest, OlderKernelsHaveNoBreakdown) {
  auto r = parse_smaps_rollup(fixture("old_kernel.smaps_rollup"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->pss_bytes, 259u * 1024);
  EXPECT_FALSE(r->pss_anon_bytes.has_value());
  EXPECT_FALSE(r->pss_file_bytes.has_value());
}

TEST(SmapsRollupTest, RejectsTruncatedText) {
  for (std::string bad : {fixture("truncated.smaps_rollup"), std::string(""), std::string("Pss: x kB\n")}) {
    auto r = parse_smaps_rollup(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, EINVAL);
  }
}

TEST(SmapsRollupTest, ReadsItselfAndTellsAKernelThreadHasNoMemory) {
  auto self = read_smaps_rollup(::getpid());
  ASSERT_TRUE(self.ok()) << self.error().message;
  EXPECT_GT(self->pss_bytes, 0u);
  EXPECT_LE(self->pss_bytes, self->rss_bytes);
  auto kthreadd = read_smaps_rollup(2);  // pid 2 is kthreadd unless we run in a pid namespace
  if (!kthreadd.ok() && kthreadd.error().code != kProcVanished && kthreadd.error().code != EACCES) {
    EXPECT_EQ(kthreadd.error().code, kProcNoAddressSpace) << kthreadd.error().message;
  }
}

}  // namespace
}  // namespace tend
