#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"
#include "util/unique_fd.h"

namespace tend {

/// An append-only log file with size-based rotation: PATH, PATH.1 (newest old) ... PATH.<keep>.
/// If someone else removes or truncates PATH, the next write() notices and recreates or follows it.
class LogFile {
 public:
  /// max_size 0 means never rotate; keep < 0 is taken as 0.
  LogFile(std::string path, std::uint64_t max_size, int keep);

  /// Opens (creating, mode 0600, O_APPEND|O_CLOEXEC) and learns the current size.
  Status open();
  /// Writes all of data (opening first if needed); rotates first when the file is non-empty and data
  /// would take it past max_size. One write() larger than max_size still goes whole into one file.
  Status write(std::string_view data);
  /// Renames PATH.i → PATH.i+1 (dropping those beyond keep; keep=0 just truncates), PATH → PATH.1, reopens.
  Status rotate();

  const std::string& path() const { return path_; }
  std::uint64_t size() const { return size_; }

 private:
  Status write_all(std::string_view data);
  std::string path_;
  std::uint64_t max_size_;
  int keep_;
  UniqueFd fd_;
  std::uint64_t size_ = 0;

  Status refresh();
  std::string numbered(int i) const { return path_ + "." + std::to_string(i); }
};

}  // namespace tend
