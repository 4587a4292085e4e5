#include "log/log_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace tend {

namespace {

/// rename() that treats a missing source as done: gaps in the numbered files are normal.
bool rename_if_exists(const std::string& from, const std::string& to) {
  return ::rename(from.c_str(), to.c_str()) == 0 || errno == ENOENT;
}

}  // namespace

LogFile::LogFile(std::string path, std::uint64_t max_size, int keep)
    : path_(std::move(path)), max_size_(max_size), keep_(std::max(keep, 0)) {}

Status LogFile::open() {
  UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return errno_error("unable to open log file " + path_);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return errno_error("unable to stat log file " + path_);
  fd_ = std::move(fd);
  size_ = std::uint64_t(st.st_size);
  return {};
}

// Someone may have removed PATH (rm, a foreign logrotate) or truncated it; follow what is on disk rather
// than keep appending to an unlinked inode nobody can read. One fstat per write batch is cheap.
Status LogFile::refresh() {
  if (!fd_) return open();
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0) return errno_error("unable to stat log file " + path_);
  if (st.st_nlink == 0) return open();
  size_ = std::uint64_t(st.st_size);
  return {};
}

Status LogFile::write(std::string_view data) {
  if (data.empty()) return {};
  if (Status s = refresh(); !s) return s;
  while (!data.empty()) {
    std::string_view part = data;
    if (max_size_ > 0 && size_ + data.size() > max_size_) {
      // Fill this file up to the limit with whole lines; the rest starts the next file. A single line longer
      // than the limit goes whole into a fresh file rather than being cut.
      std::size_t room = size_ < max_size_ ? std::size_t(max_size_ - size_) : 0;
      std::size_t cut = room > 0 ? data.substr(0, room).rfind('\n') : std::string_view::npos;
      if (cut != std::string_view::npos) {
        part = data.substr(0, cut + 1);
      } else if (size_ > 0) {
        if (Status s = rotate(); !s) return s;
        continue;
      } else {
        std::size_t nl = data.find('\n');
        part = data.substr(0, nl == std::string_view::npos ? data.size() : nl + 1);
      }
    }
    if (Status s = write_all(part); !s) return s;
    data.remove_prefix(part.size());
  }
  return {};
}

Status LogFile::write_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd_.get(), data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error("unable to write log file " + path_);
    }
    size_ += std::uint64_t(n);
    data.remove_prefix(std::size_t(n));
  }
  return {};
}

Status LogFile::rotate() {
  if (keep_ == 0) {
    if (!fd_) {
      if (Status s = open(); !s) return s;
    }
    // O_APPEND makes the next write land at the new end, offset 0.
    if (::ftruncate(fd_.get(), 0) != 0) return errno_error("unable to truncate log file " + path_);
    size_ = 0;
    return {};
  }
  for (int i = keep_ - 1; i >= 1; --i) {
    if (!rename_if_exists(numbered(i), numbered(i + 1))) {
      return errno_error("unable to rotate log file " + numbered(i));
    }
  }
  if (!rename_if_exists(path_, numbered(1))) return errno_error("unable to rotate log file " + path_);
  fd_.reset();
  size_ = 0;
  return open();
}

}  // namespace tend
