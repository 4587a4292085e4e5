#pragma once
#include <gtest/gtest.h>

#include <string>

#include "util/files.h"

// Captured /proc files under tests/data/proc (see the README there).
namespace tend::proc_testing {

inline std::string fixture(const std::string& name) {
  auto text = read_file(std::string(TEND_TEST_DATA_DIR) + "/proc/" + name);
  EXPECT_TRUE(text.ok()) << name << ": " << (text ? "" : text.error().message);
  return text ? *text : std::string();
}

}  // namespace tend::proc_testing
