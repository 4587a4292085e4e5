#include "inspect/env_mask.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

TEST(EnvMaskTest, SecretLookingKeysInAnyCase) {
  for (const char* key : {"GITHUB_TOKEN", "api_key", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD", "MYSQL_PASSWD",
                          "KeyFile", "GOOGLE_APPLICATION_CREDENTIALS"})
    EXPECT_TRUE(looks_secret(key)) << key;
  for (const char* key : {"PATH", "HOME", "LANG", "PORT", "NODE_ENV", "TOKE"}) EXPECT_FALSE(looks_secret(key)) << key;
}

TEST(EnvMaskTest, MasksValuesUnlessRevealed) {
  std::vector<std::string> env{"PATH=/usr/bin", "API_TOKEN=abc123", "EMPTY=", "ODD", "X=a=b"};
  auto masked = masked_environment(env, false);
  ASSERT_EQ(masked.size(), 5u);
  EXPECT_EQ(masked[0], (std::pair<std::string, std::string>{"PATH", "/usr/bin"}));
  EXPECT_EQ(masked[1], (std::pair<std::string, std::string>{"API_TOKEN", "<masked: 6 bytes>"}));
  EXPECT_EQ(masked[2].second, "");
  EXPECT_EQ(masked[3], (std::pair<std::string, std::string>{"ODD", ""}));
  EXPECT_EQ(masked[4].second, "a=b");
  EXPECT_EQ(masked_environment(env, true)[1].second, "abc123");
}

}  // namespace
}  // namespace tend
