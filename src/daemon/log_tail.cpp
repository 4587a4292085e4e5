#include "daemon/log_tail.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "util/unique_fd.h"

namespace tend {

std::vector<std::string> tail_lines(const std::string& path, std::size_t n) {
  std::vector<std::string> lines;
  if (n == 0) return lines;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0) return lines;
  const off_t limit = off_t(n + 1) * 65536;
  off_t end = st.st_size;
  std::string data;  // the tail of the file, grown backwards chunk by chunk
  while (end > 0 && st.st_size - end < limit) {
    off_t chunk = std::min<off_t>(end, 65536);
    std::string buf(size_t(chunk), '\0');
    ssize_t got = ::pread(fd.get(), buf.data(), size_t(chunk), end - chunk);
    if (got != chunk) break;
    data.insert(0, buf);
    end -= chunk;
    if (size_t(std::count(data.begin(), data.end(), '\n')) > n) break;
  }
  // Keep only complete lines: drop a trailing partial line (still being written) and, when the read did
  // not reach the start of the file, the possibly cut first line.
  auto last_nl = data.rfind('\n');
  if (last_nl == std::string::npos) return lines;
  data.resize(last_nl + 1);
  size_t pos = end > 0 ? data.find('\n') + 1 : 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    lines.push_back(data.substr(pos, nl - pos));
    pos = nl + 1;
  }
  if (lines.size() > n) lines.erase(lines.begin(), lines.end() - std::ptrdiff_t(n));
  return lines;
}

std::vector<std::string> merge_by_stamp(std::vector<std::vector<std::string>> streams, std::size_t n) {
  std::vector<std::string> all;
  for (auto& s : streams)
    for (auto& line : s) all.push_back(std::move(line));
  auto stamp = [](const std::string& line) -> std::string_view {
    bool stamped = line.size() >= 24 && line[4] == '-' && line[10] == 'T' && line[23] == 'Z';
    return stamped ? std::string_view(line).substr(0, 24) : std::string_view();
  };
  std::stable_sort(all.begin(), all.end(), [&](const auto& a, const auto& b) { return stamp(a) < stamp(b); });
  if (all.size() > n) all.erase(all.begin(), all.end() - std::ptrdiff_t(n));
  return all;
}

}  // namespace tend
