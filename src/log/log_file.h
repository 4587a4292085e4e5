#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"
#include "util/unique_fd.h"

namespace tend {

/// An append-only log file with size-based rotation: PATH, PATH.1 (newest old) ... PATH.<keep>.
class LogFile {
 public:
  LogFile(std::string path, std::uint64_t max_size, int keep);

  /// Opens (creating, mode 0600, O_APPEND|O_CLOEXEC) and learns the current size.
  Status open();
  /// Writes all of data; rotates first when the file is non-empty and data would take it past max_size.
  Status write(std::string_view data);
  /// Renames PATH.i → PATH.i+1 (dropping those beyond keep; keep=0 just truncates), PATH → PATH.1, reopens.
  Status rotate();

  const std::string& path() const { return path_; }
  std::uint64_t size() const { return size_; }

 private:
  std::string path_;
  std::uint64_t max_size_;
  int keep_;
  UniqueFd fd_;
  std::uint64_t size_ = 0;
};

}  // namespace tend
